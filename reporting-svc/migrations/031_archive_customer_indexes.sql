-- The refresh of an archive's figures (src/store/complaint_aggregates.cc)
-- reads its visits and promises by customer, up to 512 archives a
-- statement: without these keys each read scanned every visit and every
-- promise (visit_occurrences has its key since 007).
ALTER TABLE visits ADD KEY idx_visits_customer (customer);
ALTER TABLE promises ADD KEY idx_promises_customer (customer);
