-- Each archive's values over time, for the customer analysis
-- (docs/reports.md, section 7): a new version whenever a customer event's
-- snapshot changes what the analysis reads (open or closed, the dimensions,
-- department, owner, filled completeness fields). A version holds from
-- valid_from (the event's occur_time) until valid_to (the next version's
-- valid_from; NULL for the latest), so "open at t" is one indexed range.
CREATE TABLE archive_versions (
  customer VARCHAR(64) NOT NULL,
  version INT NOT NULL,
  valid_from DATETIME(6) NOT NULL,
  valid_to DATETIME(6) NULL,
  event_sequence BIGINT NOT NULL,
  is_open TINYINT NOT NULL,
  kind VARCHAR(40) NOT NULL,
  grade VARCHAR(32) NOT NULL,
  lifecycle_status VARCHAR(40) NOT NULL,
  province VARCHAR(64) NOT NULL,
  city VARCHAR(64) NOT NULL,
  industry VARCHAR(200) NOT NULL,
  acquisition_channel VARCHAR(64) NOT NULL,
  owner_id VARCHAR(128) NOT NULL,
  team VARCHAR(128) NOT NULL,
  department VARCHAR(100) NOT NULL,
  filled_fields VARCHAR(1000) NOT NULL,
  PRIMARY KEY (customer, version),
  KEY idx_archive_versions_from (valid_from),
  KEY idx_archive_versions_to (valid_to)
) ENGINE=InnoDB;
