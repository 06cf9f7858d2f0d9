-- Up Migration

-- /admin/audit reads newest first (created_at DESC, id DESC, src/db/audit-log-listing.ts).
-- The migration of the table indexed the actor and target filters; these serve the page with no
-- filter or with days only (walked from the newest, stopped at the page's LIMIT, instead of a
-- sort of the whole log), and the filter by action, whose rare actions would otherwise be found
-- by reading the log from the newest until a page is full.
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, created_at DESC);

-- Down Migration
DROP INDEX audit_log_action_idx;
DROP INDEX audit_log_created_idx;
