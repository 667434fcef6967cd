-- The kind of personal data each history value holds
-- (csm.customer.v1.PersonalDataKind: 1 phones, 2 email, 3 credit code,
-- 4 address, 5 a whole contact on one line), recorded with the value so
-- that masking follows the record, not the field's name. 0: not personal.
ALTER TABLE customer_field_changes
  ADD COLUMN IF NOT EXISTS personal_data TINYINT NOT NULL DEFAULT 0;

-- History written before this migration: classified by what each writer
-- recorded then. AddContact and RemoveContact wrote the whole contact
-- ("name title phones email") under "contacts/N": it cannot be split
-- reliably, so it is withheld entirely when masked.
UPDATE customer_field_changes SET personal_data = CASE
    WHEN field = 'credit_code' THEN 3
    WHEN field = 'address' THEN 4
    WHEN field LIKE 'contacts/%.phones' THEN 1
    WHEN field LIKE 'contacts/%.email' THEN 2
    WHEN field LIKE 'contacts/%' AND field NOT LIKE '%.%' THEN 5
    ELSE 0
  END
WHERE personal_data = 0;
