-- Archive creations and changes (the weekly report's new and changed
-- archives): one row per event, with the field names that changed.
CREATE TABLE archive_changes (
  event_sequence BIGINT NOT NULL PRIMARY KEY,
  customer VARCHAR(64) NOT NULL,
  change_time DATETIME(6) NOT NULL,
  created TINYINT NOT NULL,
  changed_fields VARCHAR(2000) NOT NULL,
  KEY idx_archive_changes_time (change_time)
) ENGINE=InnoDB;
