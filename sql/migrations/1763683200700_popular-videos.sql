-- Up Migration

-- The most viewed videos of a period ("popular this week" on home), worked out in the background
-- by one worker every minute and stored, so that home reads a few rows by the primary key instead
-- of summing a week of view counts (src/db/popular-videos.ts). A list is replaced whole in one
-- transaction, so a reader sees the old list or the new one. It holds more than home shows: the
-- page joins the ids to videos and applies the visibility rule, so a video made private, deleted,
-- or whose owner was banned since is left out at once and the section still fills. The ids carry
-- no foreign key, as in video_related: video ids are never reused, so a stale id names nothing.
-- Keyed by period so that "today" or "this month" can follow as more rows of the same table.
CREATE TABLE popular_videos (
  period text NOT NULL CHECK (period IN ('week')),
  rank integer NOT NULL CHECK (rank > 0),
  video_id bigint NOT NULL,
  views integer NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (period, rank)
);

-- Down Migration
DROP TABLE popular_videos;
