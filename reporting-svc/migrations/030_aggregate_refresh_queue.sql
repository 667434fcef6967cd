-- The complaints and archives whose pre-aggregated figures a catch-up
-- batch changed and left to refresh later: written in the batch's
-- transaction, deleted in the transaction that refreshes them
-- (src/app/refresh_queue.h), so a name changed by many batches of a
-- catch-up is recomputed once and every change is counted exactly once
-- across crashes. `source` is the stream whose batch queued the name
-- (complaint-svc: complaints; customer-svc: archives) and whose cursor
-- lock its refresh holds; after_sequence and after_event_time are that
-- source's cursor before the batch: the name's stored contributions hold
-- every event of the source up to there, so the reports' freshness of a
-- source says the oldest of its rows.
CREATE TABLE aggregate_refresh_queue (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  source VARCHAR(64) NOT NULL,
  after_sequence BIGINT NOT NULL,
  after_event_time DATETIME(6) NULL,
  KEY by_age (source, after_sequence, name)
) ENGINE=InnoDB;
