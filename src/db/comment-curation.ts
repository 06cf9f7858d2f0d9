import type { Pool, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';

/**
 * The creator's marks on comments under their videos: one pinned top-level comment per video,
 * and hearts. Who may set them is decided at the route (canCurateComment); a deleted comment
 * takes neither (the WHERE clauses), and deleting one with replies clears both (deleteComment).
 */

/** Namespace of the advisory lock that orders the pins of one video (after comments.ts's 11 and 12). */
const PIN_LOCK = 13;

/**
 * Pins the top-level comment `id` of `videoId`, unpinning the video's previous one in the same
 * transaction. Two pins of one video take turns on an advisory lock of that video
 * (comments_pinned_idx would refuse the second otherwise). Not the video's row: a reply locks
 * its root and then the video's row (its comment_count), so a pin holding the video's row while
 * it waits for a root being answered would deadlock with it. False when the comment is not a
 * live root of that video.
 */
export async function pinComment(pool: Pool, videoId: number, id: number): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    await client.query(prepared('lock-video-pins', 'SELECT pg_advisory_xact_lock($1, ($2::bigint % 2147483647)::int)', [PIN_LOCK, videoId]));
    await client.query(prepared(
      'unpin-other-comments',
      'UPDATE comments SET pinned_at = NULL WHERE video_id = $1 AND pinned_at IS NOT NULL AND id <> $2',
      [videoId, id],
    ));
    const { rowCount } = await client.query(prepared(
      'pin-comment',
      `UPDATE comments SET pinned_at = coalesce(pinned_at, now())
       WHERE id = $1 AND video_id = $2 AND thread_id IS NULL AND deleted_at IS NULL`,
      [id, videoId],
    ));
    return rowCount === 1;
  });
}

/** Unpins the comment (nothing if it was not pinned). */
export async function unpinComment(db: Queryable, id: number): Promise<void> {
  await db.query(prepared('unpin-comment', 'UPDATE comments SET pinned_at = NULL WHERE id = $1', [id]));
}

/** Hearts or unhearts a comment that is not deleted; false when there is none. Hearting twice keeps the first time. */
export async function heartComment(db: Queryable, id: number, hearted: boolean): Promise<boolean> {
  const { rowCount } = await db.query(prepared(
    'heart-comment',
    `UPDATE comments SET hearted_at = CASE WHEN $2 THEN coalesce(hearted_at, now()) END WHERE id = $1 AND deleted_at IS NULL`,
    [id, hearted],
  ));
  return rowCount === 1;
}
