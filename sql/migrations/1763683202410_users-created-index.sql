-- Up Migration

-- The dashboard's sign-ups of the last days (src/db/admin-dashboard.ts countPeople): without it,
-- each day of the chart reads every account.
CREATE INDEX users_created_idx ON users (created_at);

-- Down Migration
DROP INDEX users_created_idx;
