-- Up Migration

-- Comments under videos (issue 11). A thread is a root comment (thread_id NULL) and its
-- replies, all one level deep: a reply to a reply joins the same thread and names the person
-- answered (reply_to_user_id, and its text starts with @handle), so threads never nest.
-- Counters shown on pages (like_count, dislike_count, reply_count, videos.comment_count) are
-- changed in the same transaction as the rows they count (src/db/comments.ts).
CREATE TABLE comments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  thread_id bigint REFERENCES comments (id) ON DELETE CASCADE,
  reply_to_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
  -- Empty only once deleted while it had replies (shown as "[deleted]"); the length is counted
  -- in characters (code points), as the form counts it.
  body text NOT NULL CHECK (char_length(body) <= 10000 AND (body <> '' OR deleted_at IS NOT NULL)),
  like_count integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
  dislike_count integer NOT NULL DEFAULT 0 CHECK (dislike_count >= 0),
  reply_count integer NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  edited_at timestamptz,
  deleted_at timestamptz,
  -- Held for the creator's review: seen only by its author, the creator and moderators (later).
  held boolean NOT NULL DEFAULT false,
  pinned_at timestamptz,
  hearted_at timestamptz,
  CHECK (thread_id IS NULL OR thread_id <> id)
);

-- A video's roots newest first, 20 at a time after a cursor (listRootComments): id order is
-- creation order, and the keyset is (id) alone. EXPLAIN ANALYZE on the seeded 100,000 videos
-- (1.04 million comments), the 10,000-comment video: 21 rows read for the first page and for
-- the second (after=), 0.1–0.2 ms, each author by users_pkey. Pinned, held and banned authors'
-- comments are filtered after the index: a video with many held comments reads past them.
CREATE INDEX comments_video_roots_idx ON comments (video_id, id DESC) WHERE thread_id IS NULL;
-- A thread's replies oldest first, 10 at a time (listReplies): 10 rows read for a page of a
-- thread on the seeded catalogue (11 asked), 0.1 ms.
CREATE INDEX comments_thread_idx ON comments (thread_id, id) WHERE thread_id IS NOT NULL;
-- An author's comments newest first (my comments, later) and the duplicate check of posting,
-- which reads only the last minute's (0 to a few rows; 0.03 ms on the seeded catalogue).
CREATE INDEX comments_author_idx ON comments (author_id, created_at DESC);
CREATE INDEX comments_reply_to_user_idx ON comments (reply_to_user_id) WHERE reply_to_user_id IS NOT NULL;

-- Earlier versions of an edited comment, kept for moderators.
CREATE TABLE comment_revisions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  comment_id bigint NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
  body text NOT NULL,
  replaced_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comment_revisions_comment_idx ON comment_revisions (comment_id, id);

-- One rating per account and comment: 1 like, -1 dislike (likes on comments come later).
CREATE TABLE comment_ratings (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  comment_id bigint NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
  value smallint NOT NULL CHECK (value IN (-1, 1)),
  rated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, comment_id)
);
-- The primary key serves the watch page's "my ratings of these comments" (findCommentRatings:
-- one probe per comment shown, at most 21; 0.02 ms on the seeded catalogue). This index: one
-- comment's ratings, as a deleted comment's cascade reads them.
CREATE INDEX comment_ratings_comment_idx ON comment_ratings (comment_id);

-- Comments on the video that are not deleted (soft-deleted "[deleted]" ones excluded).
ALTER TABLE videos ADD COLUMN comment_count integer NOT NULL DEFAULT 0 CHECK (comment_count >= 0);

-- Down Migration
ALTER TABLE videos DROP COLUMN comment_count;
DROP TABLE comment_ratings;
DROP TABLE comment_revisions;
DROP TABLE comments;
