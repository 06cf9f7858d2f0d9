-- Up Migration

-- A moderator claims a queue item (issue 13, item 2) so that others see it is being looked at
-- and pick another. A claim is a signpost, not a lock: any moderator may still act on the item
-- (src/routes/report-items.ts), and taking over someone else's claim is one confirmation away.
-- Both or neither are set.
ALTER TABLE report_items
  ADD COLUMN claimed_by bigint REFERENCES users (id),
  ADD COLUMN claimed_at timestamptz,
  ADD CONSTRAINT report_items_claim_check CHECK ((claimed_by IS NULL) = (claimed_at IS NULL));

-- Down Migration
ALTER TABLE report_items DROP CONSTRAINT report_items_claim_check, DROP COLUMN claimed_at, DROP COLUMN claimed_by;
