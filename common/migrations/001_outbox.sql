-- The transactional outbox every service writes its events to.
-- outbox_counter's single row is the sequence: taking its lock in the
-- writing transaction makes sequences gap-free and commit in order.
CREATE TABLE outbox_counter (
  id TINYINT NOT NULL PRIMARY KEY,
  last_sequence BIGINT NOT NULL
) ENGINE=InnoDB;

INSERT INTO outbox_counter (id, last_sequence) VALUES (1, 0);

CREATE TABLE outbox_events (
  sequence BIGINT NOT NULL PRIMARY KEY,
  event_id CHAR(36) NOT NULL,
  aggregate VARCHAR(255) NOT NULL,
  event_type VARCHAR(255) NOT NULL,
  occur_time DATETIME(6) NOT NULL,
  actor VARCHAR(128) NOT NULL,
  request_id VARCHAR(128) NOT NULL,
  payload MEDIUMBLOB NOT NULL,
  UNIQUE KEY uk_outbox_event_id (event_id),
  KEY idx_outbox_aggregate (aggregate)
) ENGINE=InnoDB;
