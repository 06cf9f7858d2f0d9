-- Up Migration

-- What the studio's edit page adds to a video: a category and a language (from the fixed lists
-- of src/forms/video-choices.ts; NULL until the creator picks one), and a scheduled publication.
-- The lists live in code so that a new entry needs no migration; these checks only keep the
-- columns to the shape of a list key and of a BCP 47 tag.
ALTER TABLE videos
  ADD COLUMN category text CHECK (category ~ '^[a-z]+(-[a-z]+)*$' AND char_length(category) <= 40),
  ADD COLUMN language text CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$' AND char_length(language) <= 35),
  -- When a scheduled video becomes public (UTC). Set exactly while visibility is 'scheduled':
  -- the listings' partial indexes hold only visibility = 'public', so a scheduled video is not
  -- public until publishDueVideos (src/db/video-events.ts) turns it so, with published_at set
  -- to this time and this column cleared.
  ADD COLUMN publish_at timestamptz;

ALTER TABLE videos DROP CONSTRAINT videos_visibility_check;
ALTER TABLE videos ADD CONSTRAINT videos_visibility_check CHECK (visibility IN ('public', 'unlisted', 'private', 'scheduled'));
ALTER TABLE videos ADD CONSTRAINT videos_publish_at_check CHECK ((visibility = 'scheduled') = (publish_at IS NOT NULL));

-- The videos due for publication, read every half minute by each worker: only scheduled ones.
CREATE INDEX videos_scheduled_idx ON videos (publish_at) WHERE visibility = 'scheduled';

-- Every change a creator saves on the edit page: who, when, and each changed field's old and new
-- value ({"title": {"old": "…", "new": "…"}, …}), for the moderation issue's audit log. Only
-- edits that change something are recorded. The rows go with their video (a deleted video's
-- words are gone from the site, its history with it); the editor's id stays as a number if the
-- account goes.
CREATE TABLE video_edits (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  editor_id bigint NOT NULL,
  edited_at timestamptz NOT NULL DEFAULT now(),
  changes jsonb NOT NULL CHECK (jsonb_typeof(changes) = 'object' AND changes <> '{}')
);
CREATE INDEX video_edits_video_idx ON video_edits (video_id, edited_at DESC, id DESC);

-- Things that happened to a video that other parts of the site act on later, in order. Today one
-- kind: 'published', written when a scheduled video becomes public (at = its publication time),
-- which the notifications issue reads to tell subscribers. Readers keep the last id they
-- handled; rows are only ever inserted.
CREATE TABLE video_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('published')),
  at timestamptz NOT NULL
);
CREATE INDEX video_events_video_idx ON video_events (video_id);

-- Down Migration
DROP TABLE video_events;
DROP TABLE video_edits;
DROP INDEX videos_scheduled_idx;
-- A scheduled video goes back to private: the old check knows no 'scheduled'.
ALTER TABLE videos DROP CONSTRAINT videos_publish_at_check;
UPDATE videos SET visibility = 'private' WHERE visibility = 'scheduled';
ALTER TABLE videos DROP CONSTRAINT videos_visibility_check;
ALTER TABLE videos ADD CONSTRAINT videos_visibility_check CHECK (visibility IN ('public', 'unlisted', 'private'));
ALTER TABLE videos DROP COLUMN publish_at, DROP COLUMN language, DROP COLUMN category;
