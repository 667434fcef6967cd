-- The department each staff member acted for (Event.actor_department), per
-- Shanghai day the latest: a staff member's own department in the ranking
-- and per-staff rows is that of their latest event as actor before the
-- period's end (docs/reports.md, "Departments and staff").
CREATE TABLE staff_departments (
  staff_id VARCHAR(128) NOT NULL,
  day DATE NOT NULL,
  department VARCHAR(100) NOT NULL,
  event_time DATETIME(6) NOT NULL,
  PRIMARY KEY (staff_id, day),
  KEY idx_staff_departments_time (event_time)
) ENGINE=InnoDB;
