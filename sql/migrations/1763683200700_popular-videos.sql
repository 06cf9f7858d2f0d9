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

-- The week's counts before today, summed by the refresh once an hour (and when the UTC day
-- changes) rather than every minute: the videos most viewed in those 7 days, and below what
-- count every other video stays (floor). Each minute the refresh then sums only today's views
-- and adds them to these; a video outside them needs its days read only when today's views could
-- lift it past the floor into the top. Written only by the refresh, under its lock.
CREATE TABLE popular_bases (
  period text PRIMARY KEY CHECK (period IN ('week')),
  -- The day it was worked out on: it sums the 7 days before this one.
  day date NOT NULL,
  kept integer NOT NULL CHECK (kept > 0),
  -- No video outside popular_base_videos has more views in those days; 0 when it holds them all.
  floor integer NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE popular_base_videos (
  period text NOT NULL,
  video_id bigint NOT NULL,
  views integer NOT NULL,
  PRIMARY KEY (period, video_id)
);

-- Down Migration
DROP TABLE popular_base_videos;
DROP TABLE popular_bases;
DROP TABLE popular_videos;
