-- One fact row per complaint: its classification as of the latest event
-- (a reclassification moves all its figures) and the times and working
-- minutes the reports count (docs/reports.md, section 2). Kept from the
-- ComplaintSnapshot every complaint event carries.
CREATE TABLE complaints (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  complaint_number VARCHAR(64) NOT NULL,
  customer VARCHAR(64) NOT NULL,
  customer_grade VARCHAR(32) NOT NULL,
  category VARCHAR(64) NOT NULL,
  severity VARCHAR(32) NOT NULL,
  state VARCHAR(40) NOT NULL,
  channel VARCHAR(40) NOT NULL,
  cause VARCHAR(64) NOT NULL,
  responsibility VARCHAR(40) NOT NULL,
  subject VARCHAR(400) NOT NULL,
  register_time DATETIME(6) NULL,
  register_department VARCHAR(100) NOT NULL,
  first_responder_id VARCHAR(128) NOT NULL,
  handling_department VARCHAR(100) NOT NULL,
  accept_time DATETIME(6) NULL,
  accept_department VARCHAR(100) NOT NULL,
  accept_staff_id VARCHAR(128) NOT NULL,
  acknowledge_minutes BIGINT NOT NULL,
  first_resolve_time DATETIME(6) NULL,
  first_resolve_department VARCHAR(100) NOT NULL,
  first_resolver_id VARCHAR(128) NOT NULL,
  handling_minutes BIGINT NOT NULL,
  close_time DATETIME(6) NULL,
  fault_report VARCHAR(64) NOT NULL,
  KEY idx_complaints_register (register_time),
  KEY idx_complaints_accept (accept_time),
  KEY idx_complaints_first_resolve (first_resolve_time)
) ENGINE=InnoDB;
