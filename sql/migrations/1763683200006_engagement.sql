-- Up Migration

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Counters pages show, changed in the same transaction as the rows they count.
ALTER TABLE videos
  ADD COLUMN view_count bigint NOT NULL DEFAULT 0 CHECK (view_count >= 0),
  ADD COLUMN like_count integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
  ADD COLUMN dislike_count integer NOT NULL DEFAULT 0 CHECK (dislike_count >= 0);
ALTER TABLE users
  ADD COLUMN subscriber_count integer NOT NULL DEFAULT 0 CHECK (subscriber_count >= 0);

-- Generated columns need immutable expressions; array_to_string is only stable in general,
-- but for text[] it is immutable.
CREATE FUNCTION tubestead_tags_text(text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string($1, ' ') $$;

-- Full-text search: title weighs most, then tags, then the description.
ALTER TABLE videos ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', title), 'A') ||
  setweight(to_tsvector('english', tubestead_tags_text(tags)), 'B') ||
  setweight(to_tsvector('english', description), 'C')
) STORED;
CREATE INDEX videos_search_idx ON videos USING gin (search);
-- Typo and prefix tolerance on titles and channel names.
CREATE INDEX videos_title_trgm_idx ON videos USING gin (lower(title) gin_trgm_ops);
CREATE INDEX users_names_trgm_idx ON users USING gin ((handle || ' ' || lower(display_name)) gin_trgm_ops);

-- One row per counted view: a viewer (an account, or a daily-keyed hash of address and user
-- agent) counts once per video per clock hour.
CREATE TABLE video_views (
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  viewer_key text NOT NULL,
  hour timestamptz NOT NULL,
  viewed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (video_id, viewer_key, hour)
);
-- "Popular this week" counts the views of the last 7 days per video.
CREATE INDEX video_views_viewed_at_idx ON video_views (viewed_at, video_id);

CREATE TABLE video_ratings (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  value smallint NOT NULL CHECK (value IN (-1, 1)),
  rated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, video_id)
);
CREATE INDEX video_ratings_video_idx ON video_ratings (video_id);

CREATE TABLE subscriptions (
  subscriber_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  channel_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  subscribed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscriber_id, channel_id),
  CHECK (subscriber_id <> channel_id)
);
CREATE INDEX subscriptions_channel_idx ON subscriptions (channel_id);

-- Down Migration
DROP TABLE subscriptions;
DROP TABLE video_ratings;
DROP TABLE video_views;
DROP INDEX users_names_trgm_idx;
DROP INDEX videos_title_trgm_idx;
ALTER TABLE videos DROP COLUMN search;
DROP FUNCTION tubestead_tags_text(text[]);
ALTER TABLE users DROP COLUMN subscriber_count;
ALTER TABLE videos DROP COLUMN view_count, DROP COLUMN like_count, DROP COLUMN dislike_count;
