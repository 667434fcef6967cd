-- Holdings of a complaint by a handling department that ended (a transfer
-- out or a resolution), with the working minutes held, pauses excluded
-- (docs/reports.md, section 3). A running holding is counted when it ends.
CREATE TABLE complaint_holdings (
  event_sequence BIGINT NOT NULL PRIMARY KEY,
  complaint VARCHAR(64) NOT NULL,
  department VARCHAR(100) NOT NULL,
  staff_id VARCHAR(128) NOT NULL,
  end_time DATETIME(6) NOT NULL,
  working_minutes BIGINT NOT NULL,
  KEY idx_holdings_end (end_time)
) ENGINE=InnoDB;
