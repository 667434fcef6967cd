-- Communication records (沟通记录 / 接待记录) with their promises
-- (承诺在N天内解决), and return visits (客户回访): the schedule policy, one
-- plan per delivered project, the visits recorded against it. Times are UTC
-- DATETIME(6); dates (due dates, visit dates) are Asia/Shanghai DATEs. Text
-- limits (2000 code points) are checked by the API.

CREATE TABLE communications (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  channel TINYINT NOT NULL,
  staff_id VARCHAR(128) NOT NULL,
  contact_time DATETIME(6) NOT NULL,
  summary TEXT NOT NULL,
  customer_requests TEXT NOT NULL,
  -- The promise, if any: promise_state 0 = none, else csm.customer.v1.PromiseState.
  promise_description TEXT NOT NULL,
  promise_due_date DATE NULL,
  promise_state TINYINT NOT NULL DEFAULT 0,
  kept_time DATETIME(6) NULL,
  -- Kept after the sweep had marked it broken.
  kept_late TINYINT(1) NOT NULL DEFAULT 0,
  kept_note TEXT NOT NULL,
  recorder_id VARCHAR(128) NOT NULL,
  recorder_department VARCHAR(100) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  -- Newest first: per archive, per staff member, across archives.
  KEY idx_communication_customer (customer_id, contact_time, id),
  KEY idx_communication_staff (staff_id, contact_time, id),
  KEY idx_communication_time (contact_time, id),
  -- The overdue sweep (OPEN past due) and the overdue-promise lists.
  KEY idx_communication_promise (promise_state, promise_due_date, id),
  KEY idx_communication_staff_promise (staff_id, promise_state, promise_due_date),
  CONSTRAINT fk_communication_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

-- The schedule rule as data (one row): 一年内每月回访一次；一年以上每季回访一次.
CREATE TABLE visit_policy (
  id TINYINT NOT NULL PRIMARY KEY,
  first_year_interval_months INT NOT NULL,
  later_interval_months INT NOT NULL,
  first_period_months INT NOT NULL,
  invalid_sms_streak INT NOT NULL,
  due_soon_days INT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB;

INSERT INTO visit_policy (id, first_year_interval_months, later_interval_months,
  first_period_months, invalid_sms_streak, due_soon_days, version, update_time)
VALUES (1, 1, 3, 12, 3, 7, 1, UTC_TIMESTAMP(6));

-- A grade's tighter schedule; NULL keeps the policy's default.
CREATE TABLE visit_policy_grade_overrides (
  grade TINYINT NOT NULL PRIMARY KEY,
  first_year_interval_months INT NULL,
  later_interval_months INT NULL
) ENGINE=InnoDB;

CREATE TABLE visit_plans (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  project VARCHAR(200) NOT NULL DEFAULT '',
  delivery_date DATE NOT NULL,
  -- Derived by the schedule rule (EvaluateVisitPlan) whenever a visit, the
  -- customer's grade or the policy changes.
  next_due_date DATE NOT NULL,
  last_valid_visit_date DATE NULL,
  sms_streak INT NOT NULL DEFAULT 0,
  status_note VARCHAR(1000) NOT NULL DEFAULT '',
  closed_time DATETIME(6) NULL,
  close_reason VARCHAR(500) NOT NULL DEFAULT '',
  closed_by VARCHAR(128) NOT NULL DEFAULT '',
  -- The due date VisitBecameOverdue was emitted for: the sweep emits once
  -- per (plan, due date), across restarts and replicas.
  overdue_notified_due DATE NULL,
  version BIGINT NOT NULL DEFAULT 1,
  create_time DATETIME(6) NOT NULL,
  KEY idx_visit_plan_customer (customer_id, id),
  -- Due lists and the overdue sweep: open plans by due date.
  KEY idx_visit_plan_due (closed_time, next_due_date, id),
  CONSTRAINT fk_visit_plan_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE=InnoDB;

CREATE TABLE visits (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id BIGINT NOT NULL,
  planned_date DATE NOT NULL,
  actual_date DATE NOT NULL,
  method TINYINT NOT NULL,
  staff_id VARCHAR(128) NOT NULL,
  staff_department VARCHAR(100) NOT NULL,
  satisfaction TINYINT NOT NULL,
  customer_opinions TEXT NOT NULL,
  customer_requests TEXT NOT NULL,
  countermeasures TEXT NOT NULL,
  next_action TEXT NOT NULL,
  -- As assessed when recorded (连续三次短信回访视为无效回访).
  counted TINYINT(1) NOT NULL,
  not_counted_reason VARCHAR(1000) NOT NULL DEFAULT '',
  create_time DATETIME(6) NOT NULL,
  KEY idx_visit_plan_date (plan_id, actual_date, id),
  CONSTRAINT fk_visit_plan FOREIGN KEY (plan_id) REFERENCES visit_plans (id)
) ENGINE=InnoDB;
