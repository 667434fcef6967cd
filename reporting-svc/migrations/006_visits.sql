-- Return visits made (客户回访), by actual date, credited to the visiting
-- staff member and the archive's department and team then.
CREATE TABLE visits (
  name VARCHAR(96) NOT NULL PRIMARY KEY,
  customer VARCHAR(64) NOT NULL,
  visit_plan VARCHAR(96) NOT NULL,
  staff_id VARCHAR(128) NOT NULL,
  department VARCHAR(100) NOT NULL,
  team VARCHAR(128) NOT NULL,
  method VARCHAR(40) NOT NULL,
  satisfaction VARCHAR(48) NOT NULL,
  counted TINYINT NOT NULL,
  actual_date DATE NOT NULL,
  KEY idx_visits_actual (actual_date)
) ENGINE=InnoDB;
