-- Every department and category an applied event has named: a filter naming
-- another is INVALID_ARGUMENT (a typo must not look like an empty report).
CREATE TABLE known_values (
  kind VARCHAR(16) NOT NULL,
  value VARCHAR(100) NOT NULL,
  PRIMARY KEY (kind, value)
) ENGINE=InnoDB;
