-- What the attrition warning (docs/reports.md, section 9) needs to know of
-- each archive's contacts: its latest dealing date, its latest
-- communication or return-visit date, and its latest return visit (by
-- actual date; on one date the later event) with the rating.
CREATE TABLE archive_contacts (
  customer VARCHAR(64) NOT NULL PRIMARY KEY,
  last_deal_date DATE NULL,
  last_contact_date DATE NULL,
  last_visit_date DATE NULL,
  last_visit_sequence BIGINT NOT NULL,
  last_visit VARCHAR(96) NOT NULL,
  last_visit_satisfaction VARCHAR(48) NOT NULL
) ENGINE=InnoDB;
