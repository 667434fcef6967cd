-- A consumer's position in each source's event stream (common/event_cursor.h):
-- advanced in the same transaction that applies the events, so each event
-- is applied exactly once across crashes and restarts. last_event_id lets a
-- reconnect check that the source still has the same history (a source
-- restored from a backup reuses sequences for other events).
CREATE TABLE event_cursors (
  source VARCHAR(64) NOT NULL PRIMARY KEY,
  last_sequence BIGINT NOT NULL,
  last_event_id VARCHAR(64) NOT NULL,
  last_event_time DATETIME(6) NULL,
  apply_time DATETIME(6) NULL,
  skipped_unknown BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;
