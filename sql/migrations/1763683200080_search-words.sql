-- Up Migration

-- How many listed videos each search word is in, so that a search knows what its words cost
-- before it runs and picks its plan from that (src/db/search-plan.ts). `word` is a lexeme of
-- videos.search; the empty word, in no tsvector, counts the listed videos themselves.
-- "Listed" is the video's own state (ready and public, videoListed() in src/db/visibility.ts),
-- what videos_public_listing_idx holds: the count estimates the rows a plan reads, and a
-- banned owner's videos are read before they are left out.
-- Kept exact by the triggers below, in the transaction that changes the video, and paid only by
-- writes that change a video's words or whether it is listed (publishing, editing, hiding,
-- deleting), never by view and like counters.
-- C collation: a prefix search ("stor:*") sums its words through the primary key (starts_with).
CREATE TABLE search_words (
  word text COLLATE "C" PRIMARY KEY,
  videos integer NOT NULL
);

-- A video's words as counted: its lexemes and the empty word.
CREATE FUNCTION tubestead_search_words(search tsvector) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT unnest(array_append(tsvector_to_array(search), '')) $$;

-- Adds each change to its word's count and drops the words no listed video has any more.
-- Rows are changed in word order, so that transactions publishing at the same time lock the
-- common words' rows in the same order and never deadlock.
CREATE FUNCTION tubestead_change_search_words(words text[], changes integer[]) RETURNS void
  LANGUAGE sql AS $$
  INSERT INTO search_words AS w (word, videos)
  SELECT c.word, c.change FROM unnest(words, changes) AS c (word, change) WHERE c.change <> 0 ORDER BY c.word
  ON CONFLICT (word) DO UPDATE SET videos = w.videos + excluded.videos;
  DELETE FROM search_words WHERE word = ANY (words) AND videos <= 0;
$$;

-- Inserts and deletes, counted once per statement: the seed inserts a million videos in one.
CREATE FUNCTION tubestead_count_search_words() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM tubestead_change_search_words(array_agg(c.word), array_agg(c.n)) FROM (
      SELECT w.word, count(*)::integer AS n FROM inserted v, tubestead_search_words(v.search) AS w (word)
      WHERE v.status = 'ready' AND v.visibility = 'public' GROUP BY w.word
    ) c;
  ELSE
    PERFORM tubestead_change_search_words(array_agg(c.word), array_agg(c.n)) FROM (
      SELECT w.word, -count(*)::integer AS n FROM deleted v, tubestead_search_words(v.search) AS w (word)
      WHERE v.status = 'ready' AND v.visibility = 'public' GROUP BY w.word
    ) c;
  END IF;
  RETURN NULL;
END $$;

-- An update, per row: only the words it adds or removes change (an edit of one title word
-- touches that word's row, not the thirty others).
CREATE FUNCTION tubestead_recount_search_words() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM tubestead_change_search_words(array_agg(c.word), array_agg(c.n)) FROM (
    SELECT d.word, sum(d.n)::integer AS n FROM (
      SELECT w.word, -1 AS n FROM tubestead_search_words(OLD.search) AS w (word) WHERE OLD.status = 'ready' AND OLD.visibility = 'public'
      UNION ALL
      SELECT w.word, 1 FROM tubestead_search_words(NEW.search) AS w (word) WHERE NEW.status = 'ready' AND NEW.visibility = 'public'
    ) d GROUP BY d.word HAVING sum(d.n) <> 0
  ) c;
  RETURN NULL;
END $$;

CREATE TRIGGER videos_search_words_insert AFTER INSERT ON videos
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION tubestead_count_search_words();
CREATE TRIGGER videos_search_words_delete AFTER DELETE ON videos
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION tubestead_count_search_words();
-- The column list keeps counter updates (views, likes, progress) from firing it at all.
CREATE TRIGGER videos_search_words_update AFTER UPDATE OF title, description, tags, status, visibility ON videos
  FOR EACH ROW
  WHEN ((OLD.status = 'ready' AND OLD.visibility = 'public') IS DISTINCT FROM (NEW.status = 'ready' AND NEW.visibility = 'public')
        OR (NEW.status = 'ready' AND NEW.visibility = 'public' AND OLD.search IS DISTINCT FROM NEW.search))
  EXECUTE FUNCTION tubestead_recount_search_words();

-- The counts of the videos already there; no video changes between this and the triggers.
LOCK TABLE videos IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO search_words (word, videos)
SELECT word, ndoc FROM ts_stat($$SELECT search FROM videos WHERE status = 'ready' AND visibility = 'public'$$);
INSERT INTO search_words (word, videos)
SELECT '', count(*) FROM videos WHERE status = 'ready' AND visibility = 'public' HAVING count(*) > 0;

-- The few accounts that are not live (banned or deleted), which search leaves out of its
-- matches before it ranks them, as a list it reads once per search.
CREATE INDEX users_not_live_idx ON users (id) WHERE NOT (deleted_at IS NULL AND banned_at IS NULL);

-- Down Migration
DROP INDEX users_not_live_idx;
DROP TRIGGER videos_search_words_update ON videos;
DROP TRIGGER videos_search_words_delete ON videos;
DROP TRIGGER videos_search_words_insert ON videos;
DROP FUNCTION tubestead_recount_search_words();
DROP FUNCTION tubestead_count_search_words();
DROP FUNCTION tubestead_change_search_words(text[], integer[]);
DROP FUNCTION tubestead_search_words(tsvector);
DROP TABLE search_words;
