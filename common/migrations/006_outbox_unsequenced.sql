-- Events are written unsequenced (sequence NULL, in the order of an
-- auto-increment id) and numbered by the service's sequencer once committed
-- (common/outbox.h), so writers no longer queue on one counter row (the
-- outbox_counter table is left in place, no longer written). Existing
-- rows get ids in sequence order. (sequence, id) also serves the
-- sequencer's scan of the NULL rows in id order.
ALTER TABLE outbox_events
  DROP PRIMARY KEY,
  ADD COLUMN id BIGINT NOT NULL AUTO_INCREMENT FIRST,
  ADD PRIMARY KEY (id),
  MODIFY sequence BIGINT NULL,
  ADD UNIQUE KEY uk_outbox_sequence (sequence);
