-- Up Migration

-- Search finds public playlists by their title (issue 12, item 8): the title's words as
-- videos.search holds a video's (english configuration), kept by Postgres itself as a stored
-- generated column, so no write path (the forms, the seeder's bulk inserts) can forget it.
-- The GIN index holds public playlists only, the only ones search may show: unlisted and
-- private ones, Watch later among them, are not in it at all.
ALTER TABLE playlists ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', title)) STORED;
CREATE INDEX playlists_public_search_idx ON playlists USING gin (search) WHERE privacy = 'public';

-- Down Migration
DROP INDEX playlists_public_search_idx;
ALTER TABLE playlists DROP COLUMN search;
