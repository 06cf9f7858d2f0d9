-- Up Migration

-- Why a comment was held for review (src/comments/review.ts holdReason), shown in the studio's
-- inbox so the creator sees which rule caught it: the video's mode ('held-mode'), an address
-- ('link'), an account younger than a day ('new-account'), the channel's blocked words
-- ('blocked-word'). NULL for comments never held, and for those held before it was recorded.
ALTER TABLE comments ADD COLUMN held_reason text CHECK (held_reason IN ('held-mode', 'link', 'new-account', 'blocked-word'));

-- Down Migration
ALTER TABLE comments DROP COLUMN held_reason;
