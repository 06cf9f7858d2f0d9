-- Up Migration

-- A video's caption tracks, one per language (a BCP 47 tag, canonical case: pt-BR, zh-Hant).
-- The WebVTT text itself is kept here, not in media storage: a track is at most a few MB (the
-- upload limit is 2 MB), so a row is small next to the videos; a replacement, the search words
-- and a deletion are then one transaction, a track goes with its video (ON DELETE CASCADE)
-- with no file left behind, and every web process reads it without shared storage.
-- search_words: the track's distinct words, which the video's caption_text is made of.
CREATE TABLE video_captions (
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  language text NOT NULL CHECK (language ~ '^[A-Za-z0-9-]{2,35}$'),
  label text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 60),
  source_format text NOT NULL CHECK (source_format IN ('vtt', 'srt')),
  vtt text NOT NULL,
  cue_count integer NOT NULL CHECK (cue_count > 0),
  search_words text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (video_id, language)
);

-- What is said in the video (the distinct words of its caption tracks), searched with the
-- lowest weight: a word in a title still ranks a video above one that only mentions it.
-- Adding a column with a constant default rewrites nothing.
ALTER TABLE videos ADD COLUMN caption_text text NOT NULL DEFAULT '';

SET LOCAL maintenance_work_mem = '256MB';
-- The new expression rewrites the table and its indexes once (every caption_text is '', so every
-- vector keeps its lexemes and search_words stays exact without triggers firing).
ALTER TABLE videos ALTER COLUMN search SET EXPRESSION AS (
  setweight(to_tsvector('english', title), 'A') ||
  setweight(to_tsvector('english', tubestead_tags_text(tags)), 'B') ||
  setweight(to_tsvector('english', description), 'C') ||
  setweight(to_tsvector('english', caption_text), 'D')
);

-- search_words follows caption changes as it follows edits of the other searched columns.
DROP TRIGGER videos_search_words_update ON videos;
CREATE TRIGGER videos_search_words_update AFTER UPDATE OF title, description, tags, caption_text, status, visibility ON videos
  FOR EACH ROW
  WHEN ((OLD.status = 'ready' AND OLD.visibility = 'public') IS DISTINCT FROM (NEW.status = 'ready' AND NEW.visibility = 'public')
        OR (NEW.status = 'ready' AND NEW.visibility = 'public' AND OLD.search IS DISTINCT FROM NEW.search))
  EXECUTE FUNCTION tubestead_recount_search_words();

-- Down Migration
DROP TRIGGER videos_search_words_update ON videos;
CREATE TRIGGER videos_search_words_update AFTER UPDATE OF title, description, tags, status, visibility ON videos
  FOR EACH ROW
  WHEN ((OLD.status = 'ready' AND OLD.visibility = 'public') IS DISTINCT FROM (NEW.status = 'ready' AND NEW.visibility = 'public')
        OR (NEW.status = 'ready' AND NEW.visibility = 'public' AND OLD.search IS DISTINCT FROM NEW.search))
  EXECUTE FUNCTION tubestead_recount_search_words();
-- Caption words leave the vectors without the triggers firing: recounted from the videos.
ALTER TABLE videos ALTER COLUMN search SET EXPRESSION AS (
  setweight(to_tsvector('english', title), 'A') ||
  setweight(to_tsvector('english', tubestead_tags_text(tags)), 'B') ||
  setweight(to_tsvector('english', description), 'C')
);
ALTER TABLE videos DROP COLUMN caption_text;
DROP TABLE video_captions;
LOCK TABLE videos IN SHARE ROW EXCLUSIVE MODE;
DELETE FROM search_words;
INSERT INTO search_words (word, videos)
SELECT word, ndoc FROM ts_stat($$SELECT search FROM videos WHERE status = 'ready' AND visibility = 'public'$$);
INSERT INTO search_words (word, videos)
SELECT '', count(*) FROM videos WHERE status = 'ready' AND visibility = 'public' HAVING count(*) > 0;
