-- Scheduled reports (ReportSnapshotService, docs/reports.md section 13):
-- schedules are data. Seeded: the weekly report every Friday 15:00 for the
-- current week, the supervision report on the first working day of each
-- month 09:00 for the month before, the staff ranking on the first working
-- day of each quarter 09:00 for the quarter before. Not a report table: a
-- rebuild leaves it alone.
CREATE TABLE report_schedules (
  id VARCHAR(63) NOT NULL PRIMARY KEY,
  display_name VARCHAR(200) NOT NULL,
  report VARCHAR(48) NOT NULL,
  frequency VARCHAR(48) NOT NULL,
  weekday INT NOT NULL,
  working_day INT NOT NULL,
  time_of_day CHAR(5) NOT NULL,
  period VARCHAR(48) NOT NULL,
  -- csm.reporting.v1.ReportFilter, serialized ('' = none)
  filter BLOB NOT NULL,
  active TINYINT NOT NULL,
  version BIGINT NOT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB;

INSERT INTO report_schedules VALUES
  ('weekly', '周报', 'REPORT_KIND_WEEKLY', 'SCHEDULE_FREQUENCY_WEEKLY', 5, 0,
   '15:00', 'SCHEDULE_PERIOD_CURRENT', '', 1, 1, UTC_TIMESTAMP(6),
   UTC_TIMESTAMP(6)),
  ('supervision', '服务监督报告', 'REPORT_KIND_SUPERVISION',
   'SCHEDULE_FREQUENCY_MONTHLY', 0, 1, '09:00', 'SCHEDULE_PERIOD_PREVIOUS', '',
   1, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
  ('ranking', '考核排名', 'REPORT_KIND_STAFF_RANKING',
   'SCHEDULE_FREQUENCY_QUARTERLY', 0, 1, '09:00', 'SCHEDULE_PERIOD_PREVIOUS', '',
   1, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6));
