-- What archivists configure about the reports (ReportConfigService): the
-- scoring formula, the completeness rule, the attrition rule, each the
-- serialized resource. No row: the documented default (version 1). Not a
-- report table: a rebuild leaves it alone.
CREATE TABLE report_config (
  name VARCHAR(32) NOT NULL PRIMARY KEY,
  body MEDIUMBLOB NOT NULL,
  version BIGINT NOT NULL,
  update_time DATETIME(6) NOT NULL,
  updater_id VARCHAR(128) NOT NULL
) ENGINE=InnoDB;
