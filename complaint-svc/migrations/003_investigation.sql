-- Same-day investigation (当天进行调查、核实): a third deadline, its policy
-- term and its per-department breach; the investigation's findings; and
-- timeline notes wide enough for the longest composed note
-- (domain/text_limits.h: a 500-character prefix and 4000 characters of
-- findings). Every statement can run again (IF NOT EXISTS), as
-- common/migrations.h asks of a migration with several DDL statements.

-- Investigated by the end of the Nth working day after registration; 0 (the
-- default and every existing policy) = the registration's own working day.
ALTER TABLE sla_policies
  ADD COLUMN IF NOT EXISTS investigation_working_days INT NOT NULL DEFAULT 0;

-- The investigated deadline. NULL due: registered before it existed; such a
-- complaint has no investigated deadline (never warned, breached or
-- escalated for it).
ALTER TABLE complaints
  ADD COLUMN IF NOT EXISTS sla_investigate_days INT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS investigate_due DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS investigate_warn_at DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS investigate_met_time DATETIME(6) NULL,
  ADD COLUMN IF NOT EXISTS investigate_warned BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN IF NOT EXISTS investigate_breached BOOLEAN NOT NULL DEFAULT FALSE,
  -- The latest investigation (RecordInvestigation); the timeline keeps all.
  ADD COLUMN IF NOT EXISTS investigation_findings TEXT NULL,
  ADD COLUMN IF NOT EXISTS investigator_id VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS investigate_time DATETIME(6) NULL;

ALTER TABLE complaint_department_times
  ADD COLUMN IF NOT EXISTS breached_investigated BOOLEAN NOT NULL DEFAULT FALSE;

-- 2000 held neither a composed note nor 2000 characters of feedback after
-- its prefix. Both lengths use a 2-byte length prefix: InnoDB widens it in
-- place.
ALTER TABLE complaint_steps
  MODIFY COLUMN note VARCHAR(4500) NOT NULL DEFAULT '';
