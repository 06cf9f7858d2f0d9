-- Up Migration

-- The creator pins one top-level comment per video (src/db/comment-curation.ts): the unique
-- index makes "one" hold even if two pins race, and finds the pinned comment of the watch page.
CREATE UNIQUE INDEX comments_pinned_idx ON comments (video_id) WHERE pinned_at IS NOT NULL;

-- Down Migration
DROP INDEX comments_pinned_idx;
