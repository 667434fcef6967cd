-- One row per archive as of its latest event (customer-svc's events carry
-- no personal data beyond the display name).
CREATE TABLE customers (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  archive_number VARCHAR(64) NOT NULL,
  display_name VARCHAR(400) NOT NULL,
  kind VARCHAR(40) NOT NULL,
  grade VARCHAR(32) NOT NULL,
  lifecycle_status VARCHAR(40) NOT NULL,
  state VARCHAR(40) NOT NULL,
  province VARCHAR(64) NOT NULL,
  city VARCHAR(64) NOT NULL,
  acquisition_channel VARCHAR(64) NOT NULL,
  owner_id VARCHAR(128) NOT NULL,
  team VARCHAR(128) NOT NULL,
  department VARCHAR(100) NOT NULL,
  create_time DATETIME(6) NULL
) ENGINE=InnoDB;
