-- Complaints (客户投诉登记及跟踪处理记录) and major fault reports
-- (故障报告制度). Times are UTC DATETIME(6); working-time amounts are
-- seconds of working time on the business calendar. Rows are never deleted.

-- Complaint numbers are sequential per Shanghai month: TS202611-000001.
CREATE TABLE complaint_number_counters (
  period CHAR(6) NOT NULL PRIMARY KEY,
  last_value BIGINT NOT NULL
) ENGINE=InnoDB;

-- One row per customer who ever complained: registration takes its row
-- lock first, so two simultaneous registrations of the same customer run one
-- after the other and the second sees (and links to) the first, even when
-- the customer had no open complaint yet (nothing to lock FOR UPDATE).
CREATE TABLE complaint_customer_locks (
  customer_id BIGINT NOT NULL PRIMARY KEY,
  registrations BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;

CREATE TABLE complaints (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  complaint_number VARCHAR(32) NOT NULL,
  customer_id BIGINT NOT NULL,
  -- As customer-svc reported them at registration.
  customer_display_name VARCHAR(200) NOT NULL,
  customer_grade VARCHAR(8) NOT NULL,
  customer_owner_id VARCHAR(128) NOT NULL,
  channel TINYINT NOT NULL,
  category VARCHAR(63) NOT NULL,
  severity TINYINT NOT NULL,
  subject VARCHAR(200) NOT NULL,
  -- The "same matter" keys (domain/linking.h).
  normalized_subject VARCHAR(200) NOT NULL,
  description TEXT NOT NULL,
  customer_request TEXT NOT NULL,
  matter_reference VARCHAR(100) NOT NULL DEFAULT '',
  normalized_matter_reference VARCHAR(100) NOT NULL DEFAULT '',
  state TINYINT NOT NULL,
  first_responder_id VARCHAR(128) NOT NULL,
  first_responder_department VARCHAR(100) NOT NULL,
  handling_department VARCHAR(100) NOT NULL,
  handler_id VARCHAR(128) NOT NULL DEFAULT '',

  -- The SLA policy in force (resolved at registration / reclassification).
  sla_policy VARCHAR(200) NOT NULL,
  sla_ack_minutes INT NOT NULL,
  sla_opinion_days INT NOT NULL,
  sla_warning_percent INT NOT NULL,
  sla_step_minutes INT NOT NULL,
  -- Acknowledge (受理) deadline.
  ack_due DATETIME(6) NOT NULL,
  ack_warn_at DATETIME(6) NOT NULL,
  ack_met_time DATETIME(6) NULL,
  ack_warned BOOLEAN NOT NULL DEFAULT FALSE,
  ack_breached BOOLEAN NOT NULL DEFAULT FALSE,
  -- Handling opinion (处理意见) deadline.
  opinion_due DATETIME(6) NOT NULL,
  opinion_warn_at DATETIME(6) NOT NULL,
  opinion_met_time DATETIME(6) NULL,
  opinion_warned BOOLEAN NOT NULL DEFAULT FALSE,
  opinion_breached BOOLEAN NOT NULL DEFAULT FALSE,
  -- Waiting on the customer stops the clock.
  paused_since DATETIME(6) NULL,
  paused_working_seconds BIGINT NOT NULL DEFAULT 0,
  -- The current handling department's holding (department accounting).
  holding_since DATETIME(6) NOT NULL,
  holding_paused_seconds BIGINT NOT NULL DEFAULT 0,
  -- The escalation ladder (domain/escalation.h).
  escalation_level TINYINT NOT NULL DEFAULT 0,
  escalation_anchor DATETIME(6) NULL,
  escalation_anchor_level TINYINT NOT NULL DEFAULT 0,
  escalation_deadline TINYINT NOT NULL DEFAULT 0,
  next_escalation_due DATETIME(6) NULL,
  -- The earliest instant the sweep has something to do; NULL when nothing
  -- (paused, handled, closed). The sweep's only search key.
  next_action_time DATETIME(6) NULL,

  -- Resolution (处理结果).
  cause_analysis TEXT NULL,
  immediate_fix TEXT NULL,
  corrective_action TEXT NULL,
  responsibility TINYINT NOT NULL DEFAULT 0,
  resolver_id VARCHAR(128) NOT NULL DEFAULT '',
  resolve_time DATETIME(6) NULL,
  -- Customer confirmation (处理满意程度).
  satisfaction TINYINT NOT NULL DEFAULT 0,
  customer_feedback TEXT NULL,
  -- Complaint return visit (投诉回访).
  return_visit_method VARCHAR(32) NOT NULL DEFAULT '',
  return_visit_satisfaction TINYINT NOT NULL DEFAULT 0,
  return_visit_notes TEXT NULL,
  return_visit_staff_id VARCHAR(128) NOT NULL DEFAULT '',
  return_visit_time DATETIME(6) NULL,
  rejection_kind TINYINT NOT NULL DEFAULT 0,
  rejection_reason VARCHAR(1000) NOT NULL DEFAULT '',
  duplicate_of_id BIGINT NULL,
  repeat_contacts INT NOT NULL DEFAULT 1,
  reopen_count INT NOT NULL DEFAULT 0,
  fault_report_id BIGINT NULL,
  create_time DATETIME(6) NOT NULL,
  update_time DATETIME(6) NOT NULL,
  close_time DATETIME(6) NULL,
  version BIGINT NOT NULL DEFAULT 1,
  UNIQUE KEY uk_complaint_number (complaint_number),
  -- Linking: the customer's complaints (locked FOR UPDATE at registration).
  KEY idx_complaint_customer (customer_id, state),
  KEY idx_complaint_state (state, id),
  KEY idx_complaint_department (handling_department, state),
  KEY idx_complaint_handler (handler_id, state),
  KEY idx_complaint_first_responder (first_responder_id),
  KEY idx_complaint_category (category, severity),
  KEY idx_complaint_create_time (create_time),
  KEY idx_complaint_next_action (next_action_time)
) ENGINE=InnoDB;

-- Working time each handling department held a complaint, pauses excluded;
-- breaches are charged to the department holding it.
CREATE TABLE complaint_department_times (
  complaint_id BIGINT NOT NULL,
  department VARCHAR(100) NOT NULL,
  working_seconds BIGINT NOT NULL DEFAULT 0,
  breached_acknowledge BOOLEAN NOT NULL DEFAULT FALSE,
  breached_handling_opinion BOOLEAN NOT NULL DEFAULT FALSE,
  first_time DATETIME(6) NOT NULL,
  PRIMARY KEY (complaint_id, department)
) ENGINE=InnoDB;

-- Each level at most once per complaint: the key makes a second sweeper's
-- duplicate impossible even if the row lock were bypassed.
CREATE TABLE complaint_escalations (
  complaint_id BIGINT NOT NULL,
  level TINYINT NOT NULL,
  deadline TINYINT NOT NULL,
  department VARCHAR(100) NOT NULL,
  escalate_time DATETIME(6) NOT NULL,
  PRIMARY KEY (complaint_id, level)
) ENGINE=InnoDB;

-- The timeline: every step with actor and time.
CREATE TABLE complaint_steps (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  complaint_id BIGINT NOT NULL,
  action VARCHAR(32) NOT NULL,
  from_state TINYINT NOT NULL,
  to_state TINYINT NOT NULL,
  actor_id VARCHAR(128) NOT NULL,
  actor_department VARCHAR(100) NOT NULL,
  note VARCHAR(2000) NOT NULL DEFAULT '',
  step_time DATETIME(6) NOT NULL,
  KEY idx_step_complaint (complaint_id, id)
) ENGINE=InnoDB;

CREATE TABLE fault_reports (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(200) NOT NULL,
  fault_time DATETIME(6) NOT NULL,
  location VARCHAR(500) NOT NULL,
  symptoms TEXT NOT NULL,
  plan TEXT NOT NULL,
  impact TEXT NULL,
  handling TEXT NULL,
  cause TEXT NULL,
  corrective_measures TEXT NULL,
  preventive_measures TEXT NULL,
  analysis_time DATETIME(6) NULL,
  reporter_id VARCHAR(128) NOT NULL,
  create_time DATETIME(6) NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
) ENGINE=InnoDB;

CREATE TABLE fault_report_complaints (
  fault_report_id BIGINT NOT NULL,
  complaint_id BIGINT NOT NULL,
  PRIMARY KEY (fault_report_id, complaint_id),
  KEY idx_fault_complaint (complaint_id)
) ENGINE=InnoDB;
