-- The department day counts per month as well (its first day), so that a
-- month or quarter reads one row per department and figure instead of one
-- per day (src/store/complaint_aggregates.cc, DayCounts); moved with the
-- day rows by every refresh. Filled once from the day rows already there
-- (a month's row is the sum of its days').
CREATE TABLE complaint_department_months (
  month DATE NOT NULL,
  department VARCHAR(100) NOT NULL,
  figure VARCHAR(24) NOT NULL,
  n BIGINT NOT NULL,
  hits BIGINT NOT NULL,
  PRIMARY KEY (month, department, figure)
) ENGINE=InnoDB;

INSERT INTO complaint_department_months (month, department, figure, n, hits)
SELECT DATE_FORMAT(day, '%Y-%m-01'), department, figure, SUM(n), SUM(hits)
FROM complaint_day_counts GROUP BY 1, 2, 3;
