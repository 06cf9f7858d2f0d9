-- Up Migration

-- What a moderator did about a queue item (issue 13, item 2): the action that closed it
-- ('dismiss', 'comment.remove', 'video.takedown', 'user.warn', 'user.ban', …), set in the same
-- transaction as the action and the item's reports (src/db/report-resolution.ts), so the item's
-- history on the item page and the author's history say what came of every report.
ALTER TABLE report_items ADD COLUMN action text CHECK (action IS NULL OR char_length(action) <= 40);

-- Down Migration
ALTER TABLE report_items DROP COLUMN action;
