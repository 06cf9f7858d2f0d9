-- Up Migration

-- Where a counted view came from (src/http/view-source.ts classifies the page the player was
-- reached from), and whether it was this viewer's first counted view of the video that UTC day:
-- both set when the view is counted, rolled up with it (rollUpViews in src/db/views.ts).
-- Rows counted before this migration are 'direct' and not first views: unknown either way.
ALTER TABLE video_views
  ADD COLUMN source text NOT NULL DEFAULT 'direct'
    CHECK (source IN ('home', 'search', 'related', 'channel', 'playlist', 'embed', 'external', 'direct')),
  ADD COLUMN first_today boolean NOT NULL DEFAULT false;

-- Distinct viewers per video per UTC day: the first_today views rolled up into the day's row.
-- Days rolled up before this migration have 0: the studio shows them as not recorded.
ALTER TABLE video_view_days ADD COLUMN viewers integer NOT NULL DEFAULT 0;

-- The views of each day per source, filled by the same roll-up statement as video_view_days,
-- so the two always agree for days after this migration. At most 8 rows a video a day: the
-- statistics of a video with a million views read a few hundred rows (this primary key).
CREATE TABLE video_view_sources (
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  day date NOT NULL,
  source text NOT NULL,
  views integer NOT NULL CHECK (views > 0),
  PRIMARY KEY (video_id, day, source)
);

-- Who has been counted today, per video: what tells recordView that a view is the viewer's
-- first of the day, even once that day's earlier hours have left video_views. Kept for the
-- current UTC day only (pruned by rollUpViews), so it never holds more than one day's distinct
-- viewers. No foreign key: a deleted video's rows go with the day, and cascading would need
-- another index on this write-heavy table. The day leads the key, so pruning is a range.
CREATE TABLE video_day_viewers (
  day date NOT NULL,
  video_id bigint NOT NULL,
  viewer_key text NOT NULL,
  PRIMARY KEY (day, video_id, viewer_key)
);

-- Likes and dislikes per day for the studio's statistics, read from the index alone.
CREATE INDEX video_ratings_video_rated_idx ON video_ratings (video_id, rated_at) INCLUDE (value);

-- Down Migration
DROP INDEX video_ratings_video_rated_idx;
DROP TABLE video_day_viewers;
DROP TABLE video_view_sources;
ALTER TABLE video_view_days DROP COLUMN viewers;
ALTER TABLE video_views DROP COLUMN first_today, DROP COLUMN source;
