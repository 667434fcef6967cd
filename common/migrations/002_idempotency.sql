-- Responses of mutating calls by (caller, request_id), so that a retry
-- returns the first result and changes nothing.
CREATE TABLE idempotency_keys (
  caller VARCHAR(128) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  method VARCHAR(128) NOT NULL,
  fingerprint CHAR(64) NOT NULL,
  response MEDIUMBLOB NULL,
  create_time DATETIME(6) NOT NULL,
  PRIMARY KEY (caller, request_id),
  KEY idx_idempotency_create_time (create_time)
) ENGINE=InnoDB;
