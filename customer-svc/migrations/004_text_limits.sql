-- Columns hold what validation accepts (domain/text_limits.h, checked by
-- schema_limits_test): a contact's title is validated to 200 characters.
ALTER TABLE contacts MODIFY COLUMN title VARCHAR(200) NOT NULL DEFAULT '';
