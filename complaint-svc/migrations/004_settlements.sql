-- Facts the reports need that can only be recorded when they happen
-- (docs/reports.md section 14): per deadline, the working minutes from
-- registration to its meeting, who met it and the handling department then,
-- and the holder a breach was charged to; the handling department of the
-- latest resolution. Complaints settled before this migration keep NULL /
-- '' (not known), never a guess. Every statement can run again.
ALTER TABLE complaints
  ADD COLUMN IF NOT EXISTS ack_met_working_minutes BIGINT NULL,
  ADD COLUMN IF NOT EXISTS ack_met_staff_id VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS ack_met_department VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS ack_breached_department VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS ack_breached_staff_id VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS investigate_met_working_minutes BIGINT NULL,
  ADD COLUMN IF NOT EXISTS investigate_met_staff_id VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS investigate_met_department VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS investigate_breached_department VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS investigate_breached_staff_id VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS opinion_met_working_minutes BIGINT NULL,
  ADD COLUMN IF NOT EXISTS opinion_met_staff_id VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS opinion_met_department VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS opinion_breached_department VARCHAR(100) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS opinion_breached_staff_id VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS resolving_department VARCHAR(100) NOT NULL DEFAULT '';

-- repeat_contacts counts the times the customer came back about the same
-- matter (ComplaintLinked), so a new complaint has 0; it used to start at 1.
-- The UPDATE is the last statement: it runs, atomically, only when the
-- statements before it succeeded.
ALTER TABLE complaints ALTER COLUMN repeat_contacts SET DEFAULT 0;
UPDATE complaints SET repeat_contacts = GREATEST(repeat_contacts - 1, 0);
