-- The complaint ledger's columns the other complaint tables do not keep
-- (docs/reports.md, section 11), as of each complaint's latest snapshot;
-- resolutions, confirmations and return visits are its complaint_facts.
CREATE TABLE complaint_ledger (
  complaint VARCHAR(64) NOT NULL PRIMARY KEY,
  handler_id VARCHAR(128) NOT NULL,
  first_responder_department VARCHAR(100) NOT NULL,
  paused_working_minutes BIGINT NOT NULL,
  escalation_level INT NOT NULL,
  reopen_count INT NOT NULL,
  repeat_contacts INT NOT NULL,
  KEY idx_complaint_ledger_handler (handler_id)
) ENGINE=InnoDB;
