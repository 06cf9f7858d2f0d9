-- Up Migration

-- Comments held because they contain one of the site's watched words (site setting
-- watchedWords, issue 13 item 9): held_reason 'watched-word'. The site's moderators review them
-- at /admin/comments/held, newest first, which this partial index keeps to the few waiting
-- (approving or removing one takes it out of the index).
ALTER TABLE comments DROP CONSTRAINT comments_held_reason_check;
ALTER TABLE comments ADD CONSTRAINT comments_held_reason_check CHECK (held_reason IN ('held-mode', 'link', 'new-account', 'blocked-word', 'watched-word'));
CREATE INDEX comments_watched_held_idx ON comments (id DESC) WHERE held AND held_reason = 'watched-word' AND deleted_at IS NULL;

-- Down Migration
DROP INDEX comments_watched_held_idx;
UPDATE comments SET held_reason = NULL WHERE held_reason = 'watched-word';
ALTER TABLE comments DROP CONSTRAINT comments_held_reason_check;
ALTER TABLE comments ADD CONSTRAINT comments_held_reason_check CHECK (held_reason IN ('held-mode', 'link', 'new-account', 'blocked-word'));
