import type { Pool, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';
import { holdRankingOfComment, markCommentsChangedOfComment } from './comment-ranking.js';
import { ratingDeltas, ratingOf, ratingValue, type Rating } from './ratings.js';

/** A comment's like or dislike: stored and counted as a video's are (ratings.ts). */
export type CommentRating = Rating;

/**
 * Sets the account's rating of a comment (null takes it back) and moves the comment's
 * like_count and dislike_count by the difference, in one transaction. The comment row is
 * locked first, so concurrent clicks on one comment are applied one after another and the
 * counters always equal the rows. Null when the comment is gone or deleted.
 */
export async function rateComment(pool: Pool, userId: number, commentId: number, rating: CommentRating): Promise<{ likes: number; dislikes: number } | null> {
  return withTransaction(pool, async (client) => {
    // The Top ranking (comment-ranking.ts): the video's ranking lock shared first, its changed
    // mark last. The comment's stored score does not move here; the next re-rank counts the like.
    await holdRankingOfComment(client, commentId);
    const locked = await client.query(prepared('lock-comment-for-rating', 'SELECT 1 FROM comments WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [commentId]));
    if (locked.rowCount === 0) return null;
    const { rows: old } = await client.query<{ value: number }>(prepared(
      'find-comment-rating',
      'SELECT value FROM comment_ratings WHERE user_id = $1 AND comment_id = $2',
      [userId, commentId],
    ));
    const before = old[0]?.value ?? 0;
    const after = ratingValue(rating);
    if (after === 0) {
      await client.query(prepared('delete-comment-rating', 'DELETE FROM comment_ratings WHERE user_id = $1 AND comment_id = $2', [userId, commentId]));
    } else {
      await client.query(prepared(
        'upsert-comment-rating',
        `INSERT INTO comment_ratings (user_id, comment_id, value) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, comment_id) DO UPDATE SET value = EXCLUDED.value, rated_at = now()`,
        [userId, commentId, after],
      ));
    }
    const { likes: likeDelta, dislikes: dislikeDelta } = ratingDeltas(before, after);
    const { rows } = await client.query<{ like_count: number; dislike_count: number }>(prepared(
      'count-comment-rating',
      'UPDATE comments SET like_count = like_count + $2, dislike_count = dislike_count + $3 WHERE id = $1 RETURNING like_count, dislike_count',
      [commentId, likeDelta, dislikeDelta],
    ));
    await markCommentsChangedOfComment(client, commentId);
    return { likes: rows[0]!.like_count, dislikes: rows[0]!.dislike_count };
  });
}

/** The account's ratings of these comments (comment_ratings_pkey), as a map from comment id. */
export async function findCommentRatings(db: Queryable, userId: number, commentIds: number[]): Promise<Map<number, CommentRating>> {
  if (commentIds.length === 0) return new Map();
  const { rows } = await db.query<{ comment_id: number; value: number }>(prepared(
    'find-comment-ratings',
    'SELECT comment_id, value FROM comment_ratings WHERE user_id = $1 AND comment_id = ANY($2::bigint[])',
    [userId, commentIds],
  ));
  return new Map(rows.map((r) => [r.comment_id, ratingOf(r.value)]));
}
