-- The business calendar as complaint-svc last announced it
-- (BusinessCalendarChanged, serialized): the working days of the schedules.
-- No row: the shipped seed.
CREATE TABLE calendars (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  body MEDIUMBLOB NOT NULL
) ENGINE=InnoDB;
