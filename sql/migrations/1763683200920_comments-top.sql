-- Up Migration

-- The "Top" sort of a video's comments (issue 11, items 1 and 5; src/db/comment-ranking.ts).
--
-- The score, written once here and used by every write that stores it: a Reddit-like log score
-- with the creation time, sign(p)·log10(max(|p|, 1)) + seconds since 2025-01-01 / 86400, where
-- p = likes + 2·replies − dislikes/2 (a reply is a conversation started, worth two likes;
-- dislikes count, at half weight, toward ranking only). A comment a day newer needs ten times
-- fewer points to rank the same, which is the decay for age. Chosen over an HN-like
-- points / (age + 2)^1.5 because it does not depend on the time it is computed at: the score
-- stored when a comment is posted is exact until its likes or replies change, and scores
-- computed minutes apart compare as they should (an age-based score would need every root of
-- the video recomputed at one instant to be comparable at all).
CREATE FUNCTION comment_top_score(likes integer, dislikes integer, replies integer, created timestamptz)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN sign(likes + 2.0 * replies - 0.5 * dislikes)::double precision
         * log(greatest(abs(likes + 2.0 * replies - 0.5 * dislikes), 1))::double precision
       + (extract(epoch FROM created)::double precision - 1735689600) / 86400;

-- The stored rank of a root, NOT moved by each like: recomputed for all of a video's roots at
-- once by the re-rank (rankVideos), which bumps videos.comments_top_epoch and keeps each root's
-- score of the epoch before in prev_top_score, so that a reader who started paging before the
-- re-rank finishes on the scores they started with (the cursor carries epoch, score and id).
-- A comment posted after a re-rank has no previous score (NULL), and a reader on the previous
-- epoch never sees it: NULL fails the keyset comparison.
ALTER TABLE comments ADD COLUMN top_score double precision NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN prev_top_score double precision;
UPDATE comments SET top_score = comment_top_score(like_count, dislike_count, reply_count, created_at);

-- Every comment gets its score as it is inserted, whatever inserts it (posting, a seeder's bulk
-- load with counters already set): the score does not depend on the time it is computed at, so
-- this one is as right as a re-rank's until the comment's counts change.
CREATE FUNCTION comments_score_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.top_score := comment_top_score(NEW.like_count, NEW.dislike_count, NEW.reply_count, NEW.created_at);
  RETURN NEW;
END
$$;
CREATE TRIGGER comments_score_on_insert BEFORE INSERT ON comments FOR EACH ROW EXECUTE FUNCTION comments_score_on_insert();

-- The epoch of the video's stored scores, and when they were last computed.
ALTER TABLE videos ADD COLUMN comments_top_epoch integer NOT NULL DEFAULT 0;
ALTER TABLE videos ADD COLUMN comments_ranked_at timestamptz;

-- Videos whose comments' likes, dislikes or replies changed since their last ranking: the
-- re-rank job reads this small table, and ranks each at most once every 10 minutes. A table of
-- its own rather than a column of videos: marking takes no lock on the video's row, which the
-- writes of comments take in other orders (posting locks the root, then the video; pinning the
-- video, then the comments), so a like cannot deadlock with them. No foreign key either, for the
-- same reason (its check would lock the video's row); a deleted video's row is dropped by the
-- job.
CREATE TABLE comment_rank_changes (
  video_id bigint PRIMARY KEY,
  changed_at timestamptz NOT NULL DEFAULT now()
);

-- The first and later pages of Top: a range read of 21 index rows after the cursor, whatever
-- the number of comments, no sort of the roots (EXPLAIN ANALYZE with 10,000 roots on one video,
-- test/db/comment-top-plans.test.ts: Index Scan using comments_video_top_idx, 21 rows read,
-- first page 0.11 ms, a later page 0.16 ms; custom and generic plans alike).
CREATE INDEX comments_video_top_idx ON comments (video_id, top_score DESC, id DESC) WHERE thread_id IS NULL;
-- A reader on the previous epoch's scores (a re-rank came while they paged): the same, on
-- prev_top_score (rows without one are not indexed, they are never read on it): 21 rows, 0.18 ms.
CREATE INDEX comments_video_prev_top_idx ON comments (video_id, prev_top_score DESC, id DESC) WHERE thread_id IS NULL AND prev_top_score IS NOT NULL;

-- Down Migration
DROP TRIGGER comments_score_on_insert ON comments;
DROP FUNCTION comments_score_on_insert();
DROP INDEX comments_video_prev_top_idx;
DROP INDEX comments_video_top_idx;
DROP TABLE comment_rank_changes;
ALTER TABLE videos DROP COLUMN comments_ranked_at;
ALTER TABLE videos DROP COLUMN comments_top_epoch;
ALTER TABLE comments DROP COLUMN prev_top_score;
ALTER TABLE comments DROP COLUMN top_score;
DROP FUNCTION comment_top_score(integer, integer, integer, timestamptz);
