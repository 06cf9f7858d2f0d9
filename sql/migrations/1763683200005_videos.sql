-- Up Migration

-- A video: what its creator typed, what ffprobe found in the file, and where processing is.
-- public_id is the 11-character random id in /watch/:id; for an unlisted video it is the only
-- secret, so it is never sequential.
CREATE TABLE videos (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id text NOT NULL CHECK (public_id ~ '^[A-Za-z0-9_-]{11}$'),
  owner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
  tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
  visibility text NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private')),
  status text NOT NULL DEFAULT 'uploaded' CHECK (status IN ('uploaded', 'processing', 'ready', 'failed')),
  -- Percent of the whole job; a video can be 'ready' (playable) while higher renditions are still made.
  progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  failure_reason text,
  original_key text,
  original_name text NOT NULL DEFAULT '',
  original_bytes bigint NOT NULL DEFAULT 0,
  -- From the probe: display dimensions (rotation applied), codecs, duration.
  duration_seconds double precision NOT NULL CHECK (duration_seconds > 0),
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  frame_rate double precision NOT NULL DEFAULT 0,
  video_codec text NOT NULL DEFAULT '',
  audio_codec text,
  probe jsonb NOT NULL DEFAULT '{}',
  -- Thumbnails are thumb-<stem>-<width>.webp|jpg; a new stem on every processing run keeps their URLs immutable.
  thumbnail_stem text,
  storyboard jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX videos_public_id_key ON videos (public_id);
-- A channel's page and the owner's studio, newest first.
CREATE INDEX videos_owner_created_idx ON videos (owner_id, created_at DESC, id DESC);
-- Public listings (home, channel pages): only ready public videos, by publication time.
CREATE INDEX videos_public_listing_idx ON videos (published_at DESC, id DESC) WHERE status = 'ready' AND visibility = 'public';
CREATE INDEX videos_owner_public_listing_idx ON videos (owner_id, published_at DESC, id DESC) WHERE status = 'ready' AND visibility = 'public';

-- The files made from a video: renditions (one per height), thumbnails, the storyboard sprite.
CREATE TABLE video_files (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('rendition', 'thumbnail', 'storyboard')),
  -- The name in /media/videos/:publicId/:name, made by the server (e.g. 720p-3kf9a2.mp4).
  name text NOT NULL CHECK (name ~ '^[a-z0-9-]+\.(mp4|webp|jpg)$'),
  storage_key text NOT NULL,
  mime_type text NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  bytes bigint NOT NULL,
  bitrate integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (video_id, name)
);
CREATE UNIQUE INDEX video_files_one_rendition_per_height ON video_files (video_id, height) WHERE kind = 'rendition';

-- Down Migration
DROP TABLE video_files;
DROP TABLE videos;
