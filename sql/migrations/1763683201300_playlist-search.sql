-- Up Migration

-- Search finds public playlists by their title (issue 12, item 8): the title's words as
-- videos.search holds a video's (english configuration), kept by Postgres itself as a stored
-- generated column, so no write path (the forms, the seeder's bulk inserts) can forget it.
-- The GIN index holds public playlists only, the only ones search may show: unlisted and
-- private ones, Watch later among them, are not in it at all.
-- fastupdate off: with it on, new entries wait in a pending list that every search reads from
-- end to end until a vacuum merges it (50,000 playlists made in a row: 300 pages, 20–35 ms a
-- search, even for a word in no title). Off, each write puts its few title words in place at
-- once; playlists are written rarely, but note that adding or moving an item touches the row's
-- updated_at, which is indexed, so a public playlist's few words are written again then too
-- (tens of microseconds).
ALTER TABLE playlists ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', title)) STORED;
CREATE INDEX playlists_public_search_idx ON playlists USING gin (search) WITH (fastupdate = off) WHERE privacy = 'public';

-- Down Migration
DROP INDEX playlists_public_search_idx;
ALTER TABLE playlists DROP COLUMN search;
