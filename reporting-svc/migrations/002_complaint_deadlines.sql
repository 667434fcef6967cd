-- Each deadline of a complaint (acknowledge, investigated, handling opinion)
-- as of the latest event: due, met or breached, by whom and charged to whom.
CREATE TABLE complaint_deadlines (
  complaint VARCHAR(64) NOT NULL,
  kind VARCHAR(48) NOT NULL,
  due_time DATETIME(6) NULL,
  met_time DATETIME(6) NULL,
  breached TINYINT NOT NULL,
  met_working_minutes BIGINT NOT NULL,
  met_staff_id VARCHAR(128) NOT NULL,
  met_department VARCHAR(100) NOT NULL,
  breached_department VARCHAR(100) NOT NULL,
  breached_staff_id VARCHAR(128) NOT NULL,
  PRIMARY KEY (complaint, kind),
  KEY idx_deadlines_due (kind, due_time)
) ENGINE=InnoDB;
