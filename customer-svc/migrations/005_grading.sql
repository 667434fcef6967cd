-- Grading rules as data (客户分级): the inputs an archive carries, and the
-- criteria archivists keep (GradingService). A suggestion is computed on
-- request and never stored; the grade changes only through ChangeGrade.

-- 预计签约日期 (NULL: no signing expected) and 重要性
-- (csm.customer.v1.Importance, 0: not recorded).
ALTER TABLE customers
  ADD COLUMN IF NOT EXISTS expected_signing_date DATE NULL,
  ADD COLUMN IF NOT EXISTS importance TINYINT NOT NULL DEFAULT 0;

-- Business volume over a window: the dealings of an archive by date.
CREATE INDEX IF NOT EXISTS idx_dealing_customer_date
  ON dealings (customer_id, deal_date);

-- The criteria (one row). 0 turns a criterion off; importance is
-- csm.customer.v1.Importance (0: any).
CREATE TABLE IF NOT EXISTS grading_policy (
  id TINYINT NOT NULL PRIMARY KEY,
  volume_window_months INT NOT NULL,
  a_qualifying_volume_fen BIGINT NOT NULL,
  a_signing_within_months INT NOT NULL,
  a_min_importance TINYINT NOT NULL,
  a_min_volume_fen BIGINT NOT NULL,
  b_qualifying_volume_fen BIGINT NOT NULL,
  b_signing_within_months INT NOT NULL,
  b_min_importance TINYINT NOT NULL,
  b_min_volume_fen BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  update_time DATETIME(6) NOT NULL,
  updated_by VARCHAR(128) NOT NULL DEFAULT '',
  updated_by_department VARCHAR(100) NOT NULL DEFAULT ''
) ENGINE=InnoDB;

-- The documents' rule: A = a clear need expected to sign within 1 month,
-- B = within 2-3 months, C = the rest, over the last 12 months of
-- dealings. They name no amounts, so volume thresholds start off (0).
INSERT IGNORE INTO grading_policy (id, volume_window_months,
  a_qualifying_volume_fen, a_signing_within_months, a_min_importance,
  a_min_volume_fen, b_qualifying_volume_fen, b_signing_within_months,
  b_min_importance, b_min_volume_fen, version, update_time)
VALUES (1, 12, 0, 1, 0, 0, 0, 3, 0, 0, 1, UTC_TIMESTAMP(6));
