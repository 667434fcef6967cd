-- Complaints applied before 024 have no contributions yet: reporting-svc
-- computes theirs once at its next start, before it follows or serves
-- (BackfillAggregates, src/app/aggregate_backfill.h). A schema without
-- complaints has nothing to fill.
CREATE TABLE aggregate_backfills (
  id INT NOT NULL PRIMARY KEY,
  done_time DATETIME(6) NULL
) ENGINE=InnoDB;

INSERT INTO aggregate_backfills (id, done_time)
SELECT 1, IF(EXISTS (SELECT 1 FROM complaints), NULL, UTC_TIMESTAMP(6));
