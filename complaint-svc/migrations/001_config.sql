-- complaint-svc configuration (archivists maintain it through
-- ComplaintConfigService): complaint categories and where they are routed,
-- SLA policies per category x severity x customer grade, and the business
-- calendar deadlines are counted on. Times are UTC DATETIME(6).

-- Categories are data (分类): each routes to a handling department.
CREATE TABLE categories (
  category_id VARCHAR(63) NOT NULL PRIMARY KEY,
  display_name VARCHAR(200) NOT NULL,
  handling_department VARCHAR(100) NOT NULL,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  version BIGINT NOT NULL DEFAULT 1,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB;

-- The categories the documents name, with their handling departments.
INSERT INTO categories (category_id, display_name, handling_department, update_time) VALUES
  ('quality', '质量类', '技术服务部', UTC_TIMESTAMP(6)),
  ('packaging', '外观类包装', '仓储物流', UTC_TIMESTAMP(6)),
  ('logistics', '物流类', '仓储物流', UTC_TIMESTAMP(6)),
  ('service', '服务质量类', '客服部', UTC_TIMESTAMP(6)),
  ('sales', '销售类', '销售部', UTC_TIMESTAMP(6)),
  ('attitude', '抱怨类', '客服部', UTC_TIMESTAMP(6));

-- Deadlines (时限) in working time. '*' in category or customer_grade
-- matches any; the most specific row wins. severity is the
-- csm.complaint.v1.Severity number (1 normal, 2 major, 3 critical).
CREATE TABLE sla_policies (
  category VARCHAR(63) NOT NULL,
  severity TINYINT NOT NULL,
  customer_grade CHAR(1) NOT NULL,
  acknowledge_working_minutes INT NOT NULL,
  handling_opinion_working_days INT NOT NULL,
  warning_percent INT NOT NULL,
  escalation_step_working_minutes INT NOT NULL,
  update_time DATETIME(6) NOT NULL,
  PRIMARY KEY (category, severity, customer_grade)
) ENGINE=InnoDB;

-- DOMAIN.md defaults: acknowledge within 4 working hours (major 1 h,
-- critical 15 min); handling opinion by the 2nd working day (major 1st,
-- critical the same day). A customers get tighter deadlines.
INSERT INTO sla_policies (category, severity, customer_grade,
    acknowledge_working_minutes, handling_opinion_working_days,
    warning_percent, escalation_step_working_minutes, update_time) VALUES
  ('*', 1, '*', 240, 2, 80, 240, UTC_TIMESTAMP(6)),
  ('*', 2, '*', 60, 1, 80, 240, UTC_TIMESTAMP(6)),
  ('*', 3, '*', 15, 0, 80, 240, UTC_TIMESTAMP(6)),
  ('*', 1, 'A', 120, 1, 80, 240, UTC_TIMESTAMP(6)),
  ('*', 2, 'A', 30, 1, 80, 240, UTC_TIMESTAMP(6));

-- The business calendar "calendars/china": one row of settings. version is
-- the calendar's etag and the key of every replica's in-memory cache: any
-- change bumps it. exceptions_seeded: the shipped holiday seed
-- (common/calendar_seed) was loaded once at start-up; a migration cannot
-- call C++, so ComplaintServer does that.
CREATE TABLE calendar_settings (
  id TINYINT NOT NULL PRIMARY KEY,
  working_hours VARCHAR(200) NOT NULL,
  exceptions_seeded BOOLEAN NOT NULL DEFAULT FALSE,
  version BIGINT NOT NULL DEFAULT 1,
  update_time DATETIME(6) NOT NULL
) ENGINE=InnoDB;

INSERT INTO calendar_settings (id, working_hours, update_time)
  VALUES (1, '09:00-12:00,13:30-17:30', UTC_TIMESTAMP(6));

-- Days that depart from the weekly rule: holidays (放假) and make-up
-- working days (调休上班).
CREATE TABLE calendar_exceptions (
  day DATE NOT NULL PRIMARY KEY,
  holiday BOOLEAN NOT NULL,
  label VARCHAR(100) NOT NULL DEFAULT ''
) ENGINE=InnoDB;
