-- Up Migration

-- Take-downs, appeals and held uploads (issue 13, item 3 and item 9's "held until a moderator
-- approves"). videos.moderation is the one flag the visibility rule reads (src/db/visibility.ts):
-- 'none' is shown as its visibility says; 'held' waits for a moderator's approval; 'taken_down'
-- was removed by a moderator. Both hidden states are seen by the owner (and moderators) only.
-- A new column with a constant default is a catalogue change only (no table rewrite).
ALTER TABLE videos
  ADD COLUMN moderation text NOT NULL DEFAULT 'none' CHECK (moderation IN ('none', 'held', 'taken_down'));

-- The listings' partial indexes (videos_public_listing_idx, videos_owner_public_listing_idx) keep
-- their predicate `status = 'ready' AND visibility = 'public'`: the rule's `AND v.moderation =
-- 'none'` is checked on the rows they return (a filter after the index). Taken-down and held
-- videos are a handful among the listed, so a page reads about as many rows as before; rebuilding
-- both indexes with the new condition would lock or (CONCURRENTLY, outside a transaction) scan
-- the whole table for a gain of a few rows per page. A site that holds every upload for long would
-- see held videos pile up in them; then rebuild them with the condition, CONCURRENTLY, outside a
-- migration. See README "Take-downs and appeals".

-- The videos waiting for approval, oldest first (/admin/videos/pending): only held ones.
CREATE INDEX videos_held_idx ON videos (created_at, id) WHERE moderation = 'held';

-- One row per take-down: why (a reason code of src/forms/takedown.ts), the policy text shown to
-- the owner, the moderators' internal note, who and when; its one appeal (text, when) and the
-- decision on it; and when it ended (restored, by appeal or not). A video has at most one
-- take-down in force (restored_at IS NULL), the one the studio shows. Rejecting a held upload
-- is a take-down too (from_held), so its owner sees the reason and may appeal the same way.
CREATE TABLE video_takedowns (
  id bigserial PRIMARY KEY,
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  reason text NOT NULL CHECK (reason ~ '^[a-z_]{1,40}$'),
  policy text NOT NULL CHECK (char_length(policy) <= 2000),
  note text CHECK (char_length(note) <= 1000),
  from_held boolean NOT NULL DEFAULT false,
  taken_by bigint REFERENCES users (id) ON DELETE SET NULL,
  taken_at timestamptz NOT NULL DEFAULT now(),
  appeal_text text CHECK (char_length(appeal_text) <= 3000),
  appealed_at timestamptz,
  decision text CHECK (decision IN ('upheld', 'restored')),
  decision_message text CHECK (char_length(decision_message) <= 2000),
  decided_by bigint REFERENCES users (id) ON DELETE SET NULL,
  decided_at timestamptz,
  restored_at timestamptz,
  restored_by bigint REFERENCES users (id) ON DELETE SET NULL,
  restore_message text CHECK (char_length(restore_message) <= 2000),
  CHECK ((appeal_text IS NULL) = (appealed_at IS NULL)),
  CHECK ((decision IS NULL) = (decided_at IS NULL)),
  CHECK (decided_at IS NULL OR appealed_at IS NOT NULL)
);

-- The take-down in force of a video (at most one), found by the studio and the appeal.
CREATE UNIQUE INDEX video_takedowns_current_key ON video_takedowns (video_id) WHERE restored_at IS NULL;
-- A video's past take-downs (history), newest first.
CREATE INDEX video_takedowns_video_idx ON video_takedowns (video_id, taken_at DESC);
-- The appeals queue: open appeals, oldest first (only those rows).
CREATE INDEX video_takedowns_open_appeals_idx ON video_takedowns (appealed_at, id) WHERE appealed_at IS NOT NULL AND decided_at IS NULL;

-- Approving held uploads: a permission of its own (src/auth/permissions.ts), so a site can have
-- people who approve uploads without taking videos down; moderators get both.
INSERT INTO role_permissions (role, permission) VALUES ('moderator', 'video.approve') ON CONFLICT DO NOTHING;

-- Down Migration
DELETE FROM role_permissions WHERE role = 'moderator' AND permission = 'video.approve';
DROP TABLE video_takedowns;
DROP INDEX videos_held_idx;
ALTER TABLE videos DROP COLUMN moderation;
