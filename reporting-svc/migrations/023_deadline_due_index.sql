-- Breaches of any kind in a period (supervision report, SLA accountability)
-- filter on due_time without a kind; idx_deadlines_due (kind, due_time)
-- cannot serve that, and the plan scanned every complaint instead
-- (docs/benchmarks.md, "Reports at scale").
ALTER TABLE complaint_deadlines ADD KEY idx_deadlines_due_time (due_time);
