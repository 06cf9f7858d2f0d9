-- Up Migration

-- Playlists (issue 12). A playlist has its own privacy, independent of its videos': public
-- (on the channel's Playlists tab), unlisted (its unguessable public_id is its secret, as for
-- videos: 11 random base64url characters from src/routes/public-id.ts) or private (its owner
-- alone). Which of its videos a viewer may see is decided per item by the videos' own rule
-- (src/db/visibility.ts), never by the playlist's privacy.
--
-- Watch later is a playlist of kind 'watch_later', private for good, one per account (the
-- partial unique index below). It is created lazily, on first use (the owner's Playlists page,
-- or a first save to it), by one INSERT … ON CONFLICT DO NOTHING against that index: accounts
-- that never use it cost no row, and two first uses at once still make one.
CREATE TABLE playlists (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id text NOT NULL CHECK (public_id ~ '^[A-Za-z0-9_-]{11}$'),
  owner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL DEFAULT 'normal' CHECK (kind IN ('normal', 'watch_later')),
  -- Lengths in characters (code points), as the form counts them (src/forms/playlist.ts).
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 150),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
  privacy text NOT NULL DEFAULT 'private' CHECK (privacy IN ('public', 'unlisted', 'private')),
  -- The items, available or not; changed under the playlist's row lock with the rows it counts.
  item_count integer NOT NULL DEFAULT 0 CHECK (item_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Any change of its details or its items: the "Updated" the pages show and the tab's order.
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (kind = 'normal' OR privacy = 'private')
);
CREATE UNIQUE INDEX playlists_public_id_key ON playlists (public_id);
CREATE UNIQUE INDEX playlists_one_watch_later_key ON playlists (owner_id) WHERE kind = 'watch_later';
-- An owner's playlists, last updated first (their Playlists page), and the count against
-- PLAYLISTS_PER_ACCOUNT.
CREATE INDEX playlists_owner_idx ON playlists (owner_id, updated_at DESC, id DESC);
-- A channel's public playlists (its Playlists tab).
CREATE INDEX playlists_owner_public_idx ON playlists (owner_id, updated_at DESC, id DESC) WHERE privacy = 'public';

-- The videos of a playlist in order. position is a gapped bigint (src/db/playlist-order.ts):
-- new items go GAP after the last, a move takes a position between its new neighbours, so
-- one move writes one row whatever the playlist's size; when two neighbours leave no integer
-- between them, that playlist is renumbered in the same transaction (rare: it takes about 20
-- moves into the same gap). The unique position is checked at the end of each statement
-- (DEFERRABLE), so the renumbering's single UPDATE may pass through equal values.
CREATE TABLE playlist_items (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  playlist_id bigint NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
  -- NULL once the video is deleted: the item stays, as "Unavailable video", until the owner
  -- removes it (issue 12, item 5), and item_count stays true without touching playlists.
  video_id bigint REFERENCES videos (id) ON DELETE SET NULL,
  -- The video's public id, which never changes: the item's name in URLs
  -- (/playlist/:id/items/:videoId/…), still there after the video is deleted.
  video_public_id text NOT NULL CHECK (video_public_id ~ '^[A-Za-z0-9_-]{11}$'),
  position bigint NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  -- A video is in a playlist at most once.
  CONSTRAINT playlist_items_video_key UNIQUE (playlist_id, video_public_id),
  -- Paging by position (100 a page after a cursor) and the neighbours a move looks up read
  -- this index: a page reads 101 entries, a move two or three.
  CONSTRAINT playlist_items_position_key UNIQUE (playlist_id, position) DEFERRABLE INITIALLY IMMEDIATE
);
-- For ON DELETE SET NULL when a video is deleted.
CREATE INDEX playlist_items_video_idx ON playlist_items (video_id) WHERE video_id IS NOT NULL;

-- Down Migration
DROP TABLE playlist_items;
DROP TABLE playlists;
