-- RebuildReports runs (docs/operations.md, "Rebuilding the reports").
CREATE TABLE rebuilds (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  state VARCHAR(16) NOT NULL,
  requester_id VARCHAR(128) NOT NULL,
  start_time DATETIME(6) NOT NULL,
  end_time DATETIME(6) NULL,
  error VARCHAR(512) NOT NULL,
  sources VARCHAR(1000) NOT NULL
) ENGINE=InnoDB;
