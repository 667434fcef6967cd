-- Due occurrences of the visit plans (docs/reports.md, section 8): one due
-- date of one plan, answered, overdue or dropped, credited to the archive's
-- owner at the end of the due date.
CREATE TABLE visit_occurrences (
  visit_plan VARCHAR(96) NOT NULL,
  due_date DATE NOT NULL,
  customer VARCHAR(64) NOT NULL,
  owner_id VARCHAR(128) NOT NULL,
  team VARCHAR(128) NOT NULL,
  department VARCHAR(100) NOT NULL,
  answered_date DATE NULL,
  overdue TINYINT NOT NULL,
  dropped TINYINT NOT NULL,
  PRIMARY KEY (visit_plan, due_date),
  KEY idx_occurrences_due (due_date),
  KEY idx_occurrences_customer (customer)
) ENGINE=InnoDB;
