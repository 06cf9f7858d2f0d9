-- Up Migration

-- Warnings (issue 13, item 2): a moderator warns the author of a reported thing, with a reason
-- from a fixed list (BAN_REASONS' codes and labels) and a message the person reads. The person
-- sees it on their next page until they acknowledge it (seen_at), and keeps a list of them in
-- their settings. The internal note is for moderators only (and the audit row 'user.warn').
CREATE TABLE warnings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  moderator_id bigint REFERENCES users (id),
  -- The queue item it came from (none when given elsewhere).
  item_id bigint REFERENCES report_items (id),
  reason text NOT NULL CHECK (reason ~ '^[a-z_]{1,40}$'),
  -- What the person is told, in characters as the form counts them.
  message text NOT NULL CHECK (char_length(message) BETWEEN 1 AND 2000),
  note text CHECK (char_length(note) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz
);

-- A person's warnings, newest first (their settings list, their history for moderators).
CREATE INDEX warnings_user_idx ON warnings (user_id, created_at DESC);
-- Whether a person has a warning to read: asked with the viewer on every signed-in request
-- (VIEWER_COLUMNS in src/db/roles.ts), so one probe of an index that holds only unread ones.
CREATE INDEX warnings_unseen_idx ON warnings (user_id, id) WHERE seen_at IS NULL;

-- Warning an author is its own permission, so that a site can have people who work the queue
-- (report.handle) and dismiss, but do not warn. Moderators have it; admins through '*'.
INSERT INTO role_permissions (role, permission) VALUES ('moderator', 'user.warn') ON CONFLICT DO NOTHING;

-- Down Migration
DELETE FROM role_permissions WHERE permission = 'user.warn';
DROP TABLE warnings;
