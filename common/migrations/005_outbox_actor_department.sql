-- Event.actor_department: the caller's department (token `dept` claim) when
-- the event was written; "" for sweeps and service accounts. Events written
-- before this column existed keep "" (the department then is not known).
ALTER TABLE outbox_events
  ADD COLUMN IF NOT EXISTS actor_department VARCHAR(100) NOT NULL DEFAULT '';
