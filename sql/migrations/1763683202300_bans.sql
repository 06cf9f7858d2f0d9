-- Up Migration

-- Bans with a reason, an internal note and an end (issue 13, item 4). banned_at stays the one
-- flag the visibility rule reads (src/db/visibility.ts ownerLive): a ban ends when the worker
-- clears it at banned_until (src/jobs/handlers/lift-bans.ts) and writes the audit row, so no
-- listing query compares times and the partial indexes that rely on ownerLive are untouched.
-- ban_reason (a code of src/forms/ban.ts) was created with the table; banned_until NULL means
-- permanent.
ALTER TABLE users
  ADD COLUMN ban_note text CHECK (char_length(ban_note) <= 1000),
  ADD COLUMN banned_until timestamptz,
  ADD CONSTRAINT users_ban_reason_check CHECK (ban_reason IS NULL OR ban_reason ~ '^[a-z_]{1,40}$');

-- The bans due to end, for the worker's periodic statement (liftEndedBans): holds only the few
-- banned accounts with an end, so the run that finds nothing is one tiny index probe.
CREATE INDEX users_ban_end_idx ON users (banned_until) WHERE banned_at IS NOT NULL AND banned_until IS NOT NULL;

-- Down Migration
DROP INDEX users_ban_end_idx;
ALTER TABLE users DROP CONSTRAINT users_ban_reason_check, DROP COLUMN banned_until, DROP COLUMN ban_note;
