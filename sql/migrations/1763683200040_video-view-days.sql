-- Up Migration

-- Views older than the deduplication window, counted per video per day (UTC). video_views
-- keeps only the last hours' rows, which are all it needs to count one view per viewer per
-- video per clock hour; older rows are moved here (see rollUpViews in src/db/views.ts).
CREATE TABLE video_view_days (
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  day date NOT NULL,
  views integer NOT NULL CHECK (views > 0),
  PRIMARY KEY (video_id, day)
);
-- "Popular this week" sums the days of the last week per video, from this index alone.
CREATE INDEX video_view_days_day_idx ON video_view_days (day, video_id) INCLUDE (views);

-- Down Migration
DROP TABLE video_view_days;
