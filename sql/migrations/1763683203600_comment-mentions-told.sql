-- Up Migration

-- How many people a comment has told of a mention over its whole life (issue 14): editing a
-- comment over and over, with new @handles each time, would otherwise mail the whole site one
-- request at a time. The first MAX_MENTIONS_PER_COMMENT (src/notifications/comment-notices.ts)
-- are told, whichever revisions named them.
ALTER TABLE comments ADD COLUMN mentions_told smallint NOT NULL DEFAULT 0 CHECK (mentions_told >= 0);

-- Down Migration
ALTER TABLE comments DROP COLUMN mentions_told;
