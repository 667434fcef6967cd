-- Events a consumer could not parse: the follower of that source stops at
-- the first one until an operator skips it or asks for a retry
-- (docs/operations.md, "Event followers"). The payload is kept as received,
-- for inspection; it never goes into a log.
CREATE TABLE event_dead_letters (
  source VARCHAR(64) NOT NULL,
  sequence BIGINT NOT NULL,
  event_type VARCHAR(255) NOT NULL,
  event_id VARCHAR(64) NOT NULL,
  error VARCHAR(512) NOT NULL,
  payload MEDIUMBLOB NOT NULL,
  recorded_at DATETIME(6) NOT NULL,
  attempts INT NOT NULL DEFAULT 1,
  resolution VARCHAR(16) NULL,
  resolved_by VARCHAR(128) NULL,
  resolved_at DATETIME(6) NULL,
  PRIMARY KEY (source, sequence)
) ENGINE=InnoDB;
