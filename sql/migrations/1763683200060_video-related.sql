-- Up Migration

-- Each video's related videos ("Up next"), worked out in the background and stored, so that a
-- watch page reads them in one indexed lookup (src/db/related-videos.ts). One row per video with
-- the ids in the order shown, rather than a row per pair: a list is always written and read
-- whole, so one row is one index entry to find and one tuple to rewrite, and a million videos'
-- lists take one row each instead of 20 million rows and two indexes. The ids carry no foreign
-- key: the page joins them to videos and applies the visibility rule, so one deleted, made
-- private, or whose owner was banned since is left out at once, and the next refresh drops it.
-- Video ids are never reused (an identity column), so a stale id can never name another video.
CREATE TABLE video_related (
  video_id bigint PRIMARY KEY REFERENCES videos (id) ON DELETE CASCADE,
  related_ids bigint[] NOT NULL CHECK (cardinality(related_ids) <= 50),
  computed_at timestamptz NOT NULL DEFAULT now()
);
-- The scheduled refresh takes the lists worked out longest ago first.
CREATE INDEX video_related_computed_idx ON video_related (computed_at);

-- Down Migration
DROP TABLE video_related;
