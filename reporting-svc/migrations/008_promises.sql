-- Promises made in communication records (承诺), kept or broken.
CREATE TABLE promises (
  communication VARCHAR(96) NOT NULL PRIMARY KEY,
  customer VARCHAR(64) NOT NULL,
  staff_id VARCHAR(128) NOT NULL,
  department VARCHAR(100) NOT NULL,
  contact_time DATETIME(6) NULL,
  due_date DATE NULL,
  kept_time DATETIME(6) NULL,
  kept_date DATE NULL,
  broken TINYINT NOT NULL,
  KEY idx_promises_contact (contact_time),
  KEY idx_promises_due (due_date),
  KEY idx_promises_kept (kept_time)
) ENGINE=InnoDB;
