-- Up Migration

-- Each channel's review rules (issue 11, item 7): which comments on its videos are held for its
-- review even when a video's comments are 'on' (src/comments/review.ts decides, at posting).
-- No row means no rule. `blocked_words` is stored as compared: NFKC, lower case, one entry per
-- element (src/forms/comment-review.ts limits it to 500 entries of 50 characters).
CREATE TABLE comment_review_rules (
  owner_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  hold_links boolean NOT NULL DEFAULT false,
  hold_new_accounts boolean NOT NULL DEFAULT false,
  blocked_words text[] NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The owner of the comment's video, on the comment, so the studio's inbox ("all comments on my
-- videos, newest first") reads one index range of one creator instead of merging the ranges
-- of every video of theirs. A video never changes owner, so the copy never goes stale; the
-- trigger fills it on every insert, whoever inserts (posting, the seeder, tests). No foreign key:
-- the video's own (and its owner's) cascade already removes the comment.
ALTER TABLE comments ADD COLUMN video_owner_id bigint;
UPDATE comments c SET video_owner_id = v.owner_id FROM videos v WHERE v.id = c.video_id;
ALTER TABLE comments ALTER COLUMN video_owner_id SET NOT NULL;

CREATE FUNCTION tubestead_comment_video_owner() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  SELECT v.owner_id INTO NEW.video_owner_id FROM videos v WHERE v.id = NEW.video_id;
  RETURN NEW;
END $$;
CREATE TRIGGER comments_video_owner BEFORE INSERT ON comments
  FOR EACH ROW EXECUTE FUNCTION tubestead_comment_video_owner();

-- The inbox, newest first after a cursor (src/db/comment-inbox.ts), "all" and "published";
-- and its "held" filter, which a partial index keeps small (held comments are few and leave
-- it when approved). Measured with EXPLAIN ANALYZE: see the listing's comment.
CREATE INDEX comments_owner_inbox_idx ON comments (video_owner_id, id DESC);
CREATE INDEX comments_owner_held_idx ON comments (video_owner_id, id DESC) WHERE held;

-- Down Migration
DROP INDEX comments_owner_held_idx;
DROP INDEX comments_owner_inbox_idx;
DROP TRIGGER comments_video_owner ON comments;
DROP FUNCTION tubestead_comment_video_owner();
ALTER TABLE comments DROP COLUMN video_owner_id;
DROP TABLE comment_review_rules;
