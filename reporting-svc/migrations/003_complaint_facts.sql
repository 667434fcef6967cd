-- The countable facts of the complaints, one row per fact and event
-- (linked, resolved, confirmed, closed, reopened, rejected, escalated), each
-- with its own time, the department and staff member it is credited to
-- (docs/reports.md, "Departments and staff"). Reports count these rows by
-- period; they never read events.
CREATE TABLE complaint_facts (
  event_sequence BIGINT NOT NULL,
  fact VARCHAR(16) NOT NULL,
  complaint VARCHAR(64) NOT NULL,
  fact_time DATETIME(6) NOT NULL,
  department VARCHAR(100) NOT NULL,
  staff_id VARCHAR(128) NOT NULL,
  -- escalated: the level; confirmed, closed: the satisfaction
  detail VARCHAR(48) NOT NULL,
  -- confirmed: it reopened the complaint
  reopened TINYINT NOT NULL,
  PRIMARY KEY (event_sequence, fact),
  KEY idx_facts_time (fact, fact_time),
  KEY idx_facts_complaint (complaint)
) ENGINE=InnoDB;
