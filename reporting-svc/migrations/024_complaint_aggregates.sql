-- Pre-aggregated complaint figures (docs/reports.md, "Pre-aggregated
-- figures"): the company's and departments' reports read a month as about
-- 30 days x departments rows instead of every complaint of the period.
--
-- complaint_contributions holds what each complaint adds, per figure,
-- business day (Asia/Shanghai) and credited department: 1 row per hit
-- value, and for the working-minute figures per distinct value. When an
-- event changes a complaint, the day tables move by the difference between
-- its stored contribution and its new one, recomputed from the complaint
-- tables, in the batch's transaction (src/store/complaint_aggregates.cc);
-- day rows left at zero are deleted, so live tables equal rebuilt ones.
CREATE TABLE complaint_contributions (
  complaint VARCHAR(64) NOT NULL,
  figure VARCHAR(24) NOT NULL,
  -- 0: complaint_day_counts, 1: complaint_day_minutes, 2: the staff tables
  kind TINYINT NOT NULL,
  day DATE NOT NULL,
  -- the department credited, or for the staff tables the staff member
  credited VARCHAR(128) NOT NULL,
  -- 1: counted in the figure's numerator (rates); 0 otherwise
  hit TINYINT NOT NULL,
  -- working minutes (histogram figures); -1 for counts
  minutes BIGINT NOT NULL,
  n INT NOT NULL,
  PRIMARY KEY (complaint, figure, day, credited, hit, minutes)
) ENGINE=InnoDB;

-- Per day, department and figure: how many, and how many hit.
CREATE TABLE complaint_day_counts (
  day DATE NOT NULL,
  department VARCHAR(100) NOT NULL,
  figure VARCHAR(24) NOT NULL,
  n BIGINT NOT NULL,
  hits BIGINT NOT NULL,
  PRIMARY KEY (day, department, figure)
) ENGINE=InnoDB;

-- Per figure, day, department and distinct working-minutes value: how
-- many (exact percentiles, docs/reports.md section 2).
CREATE TABLE complaint_day_minutes (
  day DATE NOT NULL,
  department VARCHAR(100) NOT NULL,
  figure VARCHAR(24) NOT NULL,
  minutes BIGINT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (day, department, figure, minutes)
) ENGINE=InnoDB;

-- Per staff member (the ranking): per day, and per month (the first day)
-- so that a quarter reads three months per staff member.
CREATE TABLE complaint_staff_days (
  day DATE NOT NULL,
  staff_id VARCHAR(128) NOT NULL,
  figure VARCHAR(24) NOT NULL,
  n BIGINT NOT NULL,
  hits BIGINT NOT NULL,
  PRIMARY KEY (day, staff_id, figure)
) ENGINE=InnoDB;

CREATE TABLE complaint_staff_months (
  month DATE NOT NULL,
  staff_id VARCHAR(128) NOT NULL,
  figure VARCHAR(24) NOT NULL,
  n BIGINT NOT NULL,
  hits BIGINT NOT NULL,
  PRIMARY KEY (month, staff_id, figure)
) ENGINE=InnoDB;

-- The breached complaints of a period (a distinct count, read from the
-- deadlines): a few percent of the deadlines, found by this index instead
-- of every deadline due in the period.
ALTER TABLE complaint_deadlines
  ADD KEY idx_deadlines_breached_due (breached, due_time);
