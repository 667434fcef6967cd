-- ListReportSnapshots' filter (docs/reports.md section 13) compares the
-- snapshot's report (ReportKind's number, as the filter binds enums) and
-- the first day of its period, which until now lived only in the blob.
-- InsertSnapshot writes both from the snapshot. Rows stored before are
-- filled once by reporting-svc at start-up, before it serves
-- (FillSnapshotColumns, src/app/snapshots.h), from their own blob: the
-- snapshot as taken holds its report and period.start_date exactly, while
-- the label would need parsing per kind of period (ISO weeks, custom
-- ranges) and report_schedules spells the report by name. The fill only
-- sets these NULL columns; the snapshot itself stays as taken.
-- The index serves the usual filter, one schedule newest first: its
-- snapshots in the order and keyset of the list (a schedule's periods
-- follow its run times, so a period_start bound cuts a contiguous run).
ALTER TABLE report_snapshots
  ADD COLUMN report INT NULL,
  ADD COLUMN period_start DATE NULL,
  ADD KEY idx_snapshots_schedule_scheduled (schedule, scheduled_time, id);
