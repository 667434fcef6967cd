-- How many open archives each staff member owns: what the fair allocation
-- (CreateCustomer without an owner) compares, one row per member instead of
-- counting every open archive of the team on each create. Kept by
-- CustomerStore in the transaction of every archive write that changes an
-- archive's owner or whether it is open (CustomerStore::MoveOpenArchive,
-- customer_store.h gives the argument); the key compares owner ids in the
-- column's collation, as `customers.owner_id = ?` did.
CREATE TABLE IF NOT EXISTS owner_open_archives (
  owner_id VARCHAR(128) NOT NULL PRIMARY KEY,
  open_archives BIGINT NOT NULL
) ENGINE=InnoDB;

-- The archives written before this table (state 1: ARCHIVE_STATE_OPEN).
INSERT INTO owner_open_archives (owner_id, open_archives)
  SELECT owner_id, COUNT(*) FROM customers WHERE state = 1 GROUP BY owner_id
  ON DUPLICATE KEY UPDATE open_archives = VALUES(open_archives);
