-- Up Migration

-- Notifications and account email (issue 14).

-- An address counts only once its owner followed the link mailed to it: only then does it get
-- mail or sign in. An address given before this migration was never confirmed.
ALTER TABLE users ADD COLUMN email_confirmed_at timestamptz;
-- How notification mail is sent: each at once, or gathered into a daily or weekly digest.
ALTER TABLE users ADD COLUMN email_cadence text NOT NULL DEFAULT 'instant' CHECK (email_cadence IN ('instant', 'daily', 'weekly'));
-- When the last digest went: the next is due a day or a week after it.
ALTER TABLE users ADD COLUMN last_digest_at timestamptz;

-- The bell on a followed channel: 'all' tells of each new video, 'none' of nothing.
ALTER TABLE subscriptions ADD COLUMN notify text NOT NULL DEFAULT 'all' CHECK (notify IN ('all', 'none'));
-- A new video's subscribers are told in batches, walking a channel's subscribers in id order.
CREATE INDEX subscriptions_channel_subscriber_idx ON subscriptions (channel_id, subscriber_id);

-- Links mailed to confirm an address or to reset a password. Only a hash of the token is kept,
-- so a copy of the database cannot be used to take over an account; each works once, until
-- expires_at. `email` is the address the link was sent to (for 'confirm', the one it confirms).
CREATE TABLE email_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('confirm', 'reset')),
  token_hash bytea NOT NULL,
  email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE UNIQUE INDEX email_tokens_hash_key ON email_tokens (token_hash);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose, created_at DESC);

-- What happened to a person. Unread rows with the same group_key collapse into one ("Ana and 12
-- others replied to your comment"): the newest actor, a count, and updated_at moved to now, which
-- is the order of the list. in_site is false for a row kept only to be mailed. The video and
-- comment are looked up again when the row is shown, and one its reader may no longer see shows
-- as "no longer available"; deleting either leaves the row with nothing to point at.
CREATE TABLE notifications (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('new_video', 'comment_reply', 'mention', 'video_comment', 'video_ready', 'video_failed', 'video_taken_down', 'video_restored', 'appeal_decided', 'report_handled', 'new_subscriber', 'new_report')),
  group_key text,
  video_id bigint REFERENCES videos (id) ON DELETE SET NULL,
  comment_id bigint REFERENCES comments (id) ON DELETE SET NULL,
  -- The newest actor; actor_ids the last 50 distinct ones, newest first; actor_count how many
  -- distinct people (counted among those kept: past 50, a returning one may count again).
  actor_id bigint REFERENCES users (id) ON DELETE SET NULL,
  actor_ids bigint[] NOT NULL DEFAULT '{}',
  actor_count integer NOT NULL DEFAULT 1 CHECK (actor_count >= 1),
  detail jsonb NOT NULL DEFAULT '{}',
  in_site boolean NOT NULL DEFAULT true,
  -- 'due': to be mailed (at once, or in the next digest); 'sent': mailed; 'none': not by mail.
  email_state text NOT NULL DEFAULT 'none' CHECK (email_state IN ('none', 'due', 'sent')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz
);
-- The list, newest first, keyset (updated_at, id).
CREATE INDEX notifications_user_idx ON notifications (user_id, updated_at DESC, id DESC) WHERE in_site;
-- The bell's count, on every signed-in page.
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL AND in_site;
-- Collapsing: at most one unread row per person and group.
CREATE UNIQUE INDEX notifications_group_key ON notifications (user_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL;
-- What mail still has to say, per person (the digests).
CREATE INDEX notifications_email_due_idx ON notifications (user_id, id) WHERE email_state = 'due';
-- Deleting a video or comment sets its notifications' link to null through these.
CREATE INDEX notifications_video_idx ON notifications (video_id) WHERE video_id IS NOT NULL;
CREATE INDEX notifications_comment_idx ON notifications (comment_id) WHERE comment_id IS NOT NULL;

-- A person's choices where they differ from the defaults (src/notifications/kinds.ts).
CREATE TABLE notification_preferences (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL,
  in_site boolean NOT NULL,
  by_email boolean NOT NULL,
  PRIMARY KEY (user_id, kind)
);

-- A video is announced to its subscribers once, the first time it is published: a second
-- 'published' event for a video (made private and public again) is not recorded.
DELETE FROM video_events e WHERE kind = 'published' AND EXISTS (SELECT 1 FROM video_events f WHERE f.video_id = e.video_id AND f.kind = 'published' AND f.id < e.id);
CREATE UNIQUE INDEX video_events_published_key ON video_events (video_id) WHERE kind = 'published';
-- Telling subscribers: fanned_out_at is set once every subscriber was told; until then
-- fanout_after is the last subscriber id told, so that a stopped worker goes on where it was.
ALTER TABLE video_events ADD COLUMN fanout_after bigint NOT NULL DEFAULT 0;
ALTER TABLE video_events ADD COLUMN fanned_out_at timestamptz;
-- Events published before notifications existed are not announced now, years late.
UPDATE video_events SET fanned_out_at = now();
CREATE INDEX video_events_fanout_idx ON video_events (id) WHERE fanned_out_at IS NULL;

-- Down Migration
DROP INDEX video_events_fanout_idx;
ALTER TABLE video_events DROP COLUMN fanned_out_at;
ALTER TABLE video_events DROP COLUMN fanout_after;
DROP INDEX video_events_published_key;
DROP TABLE notification_preferences;
DROP TABLE notifications;
DROP TABLE email_tokens;
DROP INDEX subscriptions_channel_subscriber_idx;
ALTER TABLE subscriptions DROP COLUMN notify;
ALTER TABLE users DROP COLUMN last_digest_at;
ALTER TABLE users DROP COLUMN email_cadence;
ALTER TABLE users DROP COLUMN email_confirmed_at;
