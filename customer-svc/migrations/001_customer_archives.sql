-- Customer archives (客户档案). Times are UTC DATETIME(6). Rows are never
-- deleted: archives are closed, contacts are marked removed.

CREATE TABLE teams (
  team_id VARCHAR(63) NOT NULL PRIMARY KEY,
  display_name VARCHAR(200) NOT NULL,
  department VARCHAR(100) NOT NULL,
  -- Round-robin position for breaking ties between least-loaded members.
  rr_cursor BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL DEFAULT 1,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB;

CREATE TABLE team_members (
  team_id VARCHAR(63) NOT NULL,
  position INT NOT NULL,
  staff_id VARCHAR(128) NOT NULL,
  PRIMARY KEY (team_id, position),
  UNIQUE KEY uk_team_member (team_id, staff_id)
) ENGINE=InnoDB;

-- Archive numbers are sequential per month: KH202611-000001.
CREATE TABLE archive_number_counters (
  period CHAR(6) NOT NULL PRIMARY KEY,
  last_value BIGINT NOT NULL
) ENGINE=InnoDB;

CREATE TABLE customers (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  archive_number VARCHAR(32) NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  normalized_name VARCHAR(200) NOT NULL,
  kind TINYINT NOT NULL,
  credit_code VARCHAR(32) NULL,
  province VARCHAR(64) NOT NULL DEFAULT '',
  city VARCHAR(64) NOT NULL DEFAULT '',
  industry VARCHAR(200) NOT NULL DEFAULT '',
  address VARCHAR(500) NOT NULL DEFAULT '',
  legal_representative VARCHAR(200) NOT NULL DEFAULT '',
  business_scope TEXT NOT NULL,
  company_size VARCHAR(200) NOT NULL DEFAULT '',
  acquisition_channel TINYINT NOT NULL DEFAULT 0,
  lifecycle_status TINYINT NOT NULL,
  grade TINYINT NOT NULL,
  credit_rating TINYINT NOT NULL DEFAULT 0,
  owner_id VARCHAR(128) NOT NULL,
  team_id VARCHAR(63) NOT NULL,
  department VARCHAR(100) NOT NULL,
  state TINYINT NOT NULL,
  close_reason VARCHAR(500) NOT NULL DEFAULT '',
  creator_id VARCHAR(128) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  UNIQUE KEY uk_customer_archive_number (archive_number),
  -- The same customer must not get two archives (重卡). NULLs (individuals
  -- without an ID number) do not collide.
  UNIQUE KEY uk_customer_credit_code (kind, credit_code),
  KEY idx_customer_owner (owner_id, state),
  KEY idx_customer_team (team_id, state),
  KEY idx_customer_normalized_name (normalized_name),
  KEY idx_customer_update_time (update_time, id),
  KEY idx_customer_display_name (display_name, id)
) ENGINE=InnoDB;

CREATE TABLE contacts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  display_name VARCHAR(100) NOT NULL,
  title VARCHAR(100) NOT NULL DEFAULT '',
  email VARCHAR(254) NOT NULL DEFAULT '',
  is_primary TINYINT(1) NOT NULL DEFAULT 0,
  create_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  removed_time DATETIME(6) NULL,
  KEY idx_contact_customer (customer_id, removed_time),
  CONSTRAINT fk_contact_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

CREATE TABLE contact_phones (
  contact_id BIGINT NOT NULL,
  position INT NOT NULL,
  phone VARCHAR(40) NOT NULL,
  -- Digits only, for likely-duplicate detection.
  normalized_phone VARCHAR(40) NOT NULL,
  PRIMARY KEY (contact_id, position),
  KEY idx_contact_phone_normalized (normalized_phone),
  CONSTRAINT fk_phone_contact FOREIGN KEY (contact_id) REFERENCES contacts (id)
) ENGINE=InnoDB;

CREATE TABLE grade_changes (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  from_grade TINYINT NOT NULL,
  to_grade TINYINT NOT NULL,
  reason VARCHAR(500) NOT NULL,
  actor_id VARCHAR(128) NOT NULL,
  actor_department VARCHAR(100) NOT NULL,
  change_time DATETIME(6) NOT NULL,
  KEY idx_grade_change_customer (customer_id, id),
  CONSTRAINT fk_grade_change_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

CREATE TABLE credit_rating_changes (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  from_rating TINYINT NOT NULL,
  to_rating TINYINT NOT NULL,
  reason VARCHAR(500) NOT NULL,
  payment_behaviour VARCHAR(1000) NOT NULL DEFAULT '',
  capital VARCHAR(1000) NOT NULL DEFAULT '',
  operating_status VARCHAR(1000) NOT NULL DEFAULT '',
  actor_id VARCHAR(128) NOT NULL,
  actor_department VARCHAR(100) NOT NULL,
  change_time DATETIME(6) NOT NULL,
  KEY idx_credit_change_customer (customer_id, id),
  CONSTRAINT fk_credit_change_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

CREATE TABLE owner_changes (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  from_owner_id VARCHAR(128) NOT NULL,
  to_owner_id VARCHAR(128) NOT NULL,
  from_team_id VARCHAR(63) NOT NULL,
  to_team_id VARCHAR(63) NOT NULL,
  reason VARCHAR(500) NOT NULL,
  allocated TINYINT(1) NOT NULL DEFAULT 0,
  actor_id VARCHAR(128) NOT NULL,
  actor_department VARCHAR(100) NOT NULL,
  change_time DATETIME(6) NOT NULL,
  KEY idx_owner_change_customer (customer_id, id),
  CONSTRAINT fk_owner_change_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

-- 业务往来
CREATE TABLE dealings (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  deal_date DATE NOT NULL,
  amount_fen BIGINT NOT NULL,
  note VARCHAR(1000) NOT NULL DEFAULT '',
  recorder_id VARCHAR(128) NOT NULL,
  recorder_department VARCHAR(100) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  KEY idx_dealing_customer (customer_id, id),
  CONSTRAINT fk_dealing_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

-- Field-level change history: one row per change, one per changed field.
CREATE TABLE customer_changes (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  method VARCHAR(64) NOT NULL,
  actor_id VARCHAR(128) NOT NULL,
  actor_department VARCHAR(100) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  change_time DATETIME(6) NOT NULL,
  KEY idx_customer_change_customer (customer_id, id),
  CONSTRAINT fk_change_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

CREATE TABLE customer_field_changes (
  change_id BIGINT NOT NULL,
  position INT NOT NULL,
  field VARCHAR(128) NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  PRIMARY KEY (change_id, position),
  CONSTRAINT fk_field_change_change FOREIGN KEY (change_id) REFERENCES customer_changes (id)
) ENGINE=InnoDB;

-- The access register (借阅签字制 made digital): every unmasked read.
CREATE TABLE access_records (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  reader_id VARCHAR(128) NOT NULL,
  reader_department VARCHAR(100) NOT NULL,
  purpose VARCHAR(500) NOT NULL,
  method VARCHAR(64) NOT NULL,
  access_time DATETIME(6) NOT NULL,
  KEY idx_access_customer (customer_id, id),
  KEY idx_access_reader (reader_id, id)
) ENGINE=InnoDB;
