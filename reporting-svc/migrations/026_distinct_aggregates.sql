-- The distinct counts (escalated, overdue complaints) as day rows of the
-- pre-aggregated figures (src/app/distinct_figures.h): each complaint's
-- first escalation rung and first breached deadline of every business
-- week, month and quarter, per charged department and for the company, in
-- complaint_contributions and complaint_day_counts like the other figures.
-- The stored complaints have none yet: the start refreshes every stored
-- complaint's contributions once more (BackfillAggregates; the figures of
-- 024 do not move, the new rows are added).
UPDATE aggregate_backfills SET done_time = NULL
WHERE id = 1 AND EXISTS (SELECT 1 FROM complaints);
