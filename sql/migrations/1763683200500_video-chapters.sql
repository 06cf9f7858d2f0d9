-- Up Migration

-- Chapters a creator typed in the studio's table (issue 10). Chapters written as timestamps in
-- the description are not stored: they are read from it whenever a page shows them
-- (src/chapters.ts), so they follow every change of the description, whoever makes it.
-- The primary key keeps two chapters from starting at the same second and orders the rows.
CREATE TABLE video_chapters (
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  start_seconds integer NOT NULL CHECK (start_seconds >= 0),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
  PRIMARY KEY (video_id, start_seconds)
);

-- Where a video's chapters come from: the timestamps in its description (YouTube's way, and what
-- every existing video gets) or the table above. A constant default: no table rewrite.
ALTER TABLE videos ADD COLUMN chapters_source text NOT NULL DEFAULT 'description'
  CHECK (chapters_source IN ('description', 'table'));

-- Down Migration
ALTER TABLE videos DROP COLUMN chapters_source;
DROP TABLE video_chapters;
