CREATE TABLE fault_departments (
  fault VARCHAR(64) NOT NULL,
  department VARCHAR(100) NOT NULL,
  PRIMARY KEY (fault, department)
) ENGINE=InnoDB;
