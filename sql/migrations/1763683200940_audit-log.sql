-- Up Migration

-- The audit log (issue 13 builds its pages on it; issue 11 writes the first action, a
-- moderator's removal of a comment). One row per moderation or administration action, written
-- in the same transaction as the action itself, so a change without its record cannot happen.
-- Append-only: the triggers below refuse UPDATE, DELETE and TRUNCATE, so no code path (and no
-- mistaken statement) rewrites history.
--
-- - actor_id: who acted (NULL for the site itself, such as a ban ending at its date);
-- - action: a dotted name, 'comment.remove' now; later 'video.takedown', 'user.ban', 'role.grant'…
-- - target_kind + target_id: what was acted on (text, as roles and settings have names, not ids);
-- - subject_user_id: the person affected (the comment's author, the video's owner, the banned
--   account): their own history, and the reasons shown to them, are read through it;
-- - reason: a code from the action's fixed list; note: the moderator's own words, up to 1,000
--   characters (the removal form's limit; issue 13's notes stay within it);
-- - before / after: the values before and after, as JSON. A removed comment's text, thread,
--   video, times and earlier versions are kept in `before`, since the comment row itself goes.
-- Users are never deleted (accounts are soft-deleted), so the references always hold.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  actor_id bigint REFERENCES users (id),
  action text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
  target_kind text NOT NULL CHECK (target_kind ~ '^[a-z_]{1,30}$'),
  target_id text NOT NULL CHECK (char_length(target_id) BETWEEN 1 AND 100),
  subject_user_id bigint REFERENCES users (id),
  reason text CHECK (reason ~ '^[a-z_]{1,40}$'),
  note text CHECK (char_length(note) <= 1000),
  before jsonb,
  after jsonb
);

-- The person affected, newest first: the comment removals shown on their "my comments" page
-- (listMyComments), and issue 13's history of a user.
CREATE INDEX audit_log_subject_idx ON audit_log (subject_user_id, created_at DESC) WHERE subject_user_id IS NOT NULL;
-- Filters of issue 13's /admin/audit: by actor, and by target.
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at DESC) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_target_idx ON audit_log (target_kind, target_id, created_at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- A comment a moderator removed while it had replies stays as "[removed]" (rather than
-- "[deleted]"), like one deleted by its author or the creator (src/db/comment-moderation.ts).
ALTER TABLE comments ADD COLUMN removed boolean NOT NULL DEFAULT false;

-- Down Migration
ALTER TABLE comments DROP COLUMN removed;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
