-- Major fault reports (故障报告制度) and the departments of their complaints.
CREATE TABLE faults (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  title VARCHAR(400) NOT NULL,
  fault_time DATETIME(6) NULL,
  create_time DATETIME(6) NOT NULL,
  complaints INT NOT NULL,
  analysis_submitted TINYINT NOT NULL,
  KEY idx_faults_create (create_time)
) ENGINE=InnoDB;
