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

-- Ratings given and taken back per video per UTC day, written by rateVideo in the same
-- transaction as the rating and the counters (video_ratings keeps only each person's current
-- rating, not its history). A change from like to dislike is a like taken back and a dislike
-- given. The studio reads a video's last 90 days from this primary key: at most 90 rows,
-- however many ratings.
CREATE TABLE video_rating_days (
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  day date NOT NULL,
  likes integer NOT NULL DEFAULT 0 CHECK (likes >= 0),
  dislikes integer NOT NULL DEFAULT 0 CHECK (dislikes >= 0),
  likes_removed integer NOT NULL DEFAULT 0 CHECK (likes_removed >= 0),
  dislikes_removed integer NOT NULL DEFAULT 0 CHECK (dislikes_removed >= 0),
  PRIMARY KEY (video_id, day)
);
-- The ratings standing today, on the day each was last set: all the history there is of them.
INSERT INTO video_rating_days (video_id, day, likes, dislikes)
SELECT video_id, (rated_at AT TIME ZONE 'UTC')::date, count(*) FILTER (WHERE value = 1), count(*) FILTER (WHERE value = -1)
FROM video_ratings GROUP BY 1, 2;

-- Down Migration
DROP TABLE video_rating_days;
DROP TABLE video_day_viewers;
DROP TABLE video_view_sources;
ALTER TABLE video_view_days DROP COLUMN viewers;
ALTER TABLE video_views DROP COLUMN first_today, DROP COLUMN source;
