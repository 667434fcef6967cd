-- The return-visit and promise figures pre-aggregated like the complaint
-- figures (src/app/archive_aggregates.h): each archive's contributions per
-- business day and its department (complaint_day_counts) and per staff
-- member (complaint_staff_days, complaint_staff_months), in
-- complaint_contributions under the archive's name. The stored archives
-- have none yet: the start refreshes every stored complaint and archive
-- once (BackfillAggregates; rows already there do not move).
UPDATE aggregate_backfills SET done_time = NULL
WHERE id = 1 AND (EXISTS (SELECT 1 FROM complaints)
                  OR EXISTS (SELECT 1 FROM customers));
