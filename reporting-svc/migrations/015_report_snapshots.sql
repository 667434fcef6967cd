-- Immutable snapshots of scheduled reports (docs/reports.md, section 13):
-- the whole ReportSnapshot as taken, never updated. The unique key makes
-- exactly one per schedule and period, however many replicas take it.
CREATE TABLE report_snapshots (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  schedule VARCHAR(128) NOT NULL,
  period_label VARCHAR(32) NOT NULL,
  scheduled_time DATETIME(6) NOT NULL,
  snapshot MEDIUMBLOB NOT NULL,
  UNIQUE KEY uk_snapshots_schedule_period (schedule, period_label),
  KEY idx_snapshots_scheduled (scheduled_time, id)
) ENGINE=InnoDB;
