-- Up Migration

-- When the people a comment concerns beyond its video's owner (the person it answers, those it
-- mentions) were told of it: once, the first time it is shown to all, at posting or when a held
-- comment is approved (src/notifications/comment-notices.ts). A published comment that an edit
-- held again for the site's watched words is not announced a second time when approved: only
-- the people its edit newly mentions are told. Comments published before notifications existed
-- count as announced, so that none is announced years late.
ALTER TABLE comments ADD COLUMN announced_at timestamptz;
UPDATE comments SET announced_at = created_at WHERE NOT held;

-- Down Migration
ALTER TABLE comments DROP COLUMN announced_at;
