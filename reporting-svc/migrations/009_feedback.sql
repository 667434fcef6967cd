-- Dissatisfied customer feedback (the weekly report's highlights): visits,
-- complaint confirmations and complaint return visits rated 不满意 or
-- 非常不满意, with the producer's masked, capped text.
CREATE TABLE feedback (
  event_sequence BIGINT NOT NULL,
  source VARCHAR(16) NOT NULL,
  kind VARCHAR(48) NOT NULL,
  customer VARCHAR(64) NOT NULL,
  resource VARCHAR(96) NOT NULL,
  complaint VARCHAR(64) NOT NULL,
  staff_id VARCHAR(128) NOT NULL,
  department VARCHAR(100) NOT NULL,
  satisfaction VARCHAR(48) NOT NULL,
  text VARCHAR(2000) NOT NULL,
  subject VARCHAR(400) NOT NULL,
  event_time DATETIME(6) NOT NULL,
  PRIMARY KEY (source, event_sequence),
  KEY idx_feedback_time (event_time)
) ENGINE=InnoDB;
