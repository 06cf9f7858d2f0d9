import type { Pool, PoolClient } from './pool.js';
import { prepared, withTransaction } from './pool.js';
import { holdRanking, markCommentsChanged } from './comment-ranking.js';
import { moveCounters } from './comments.js';

// Deleting a comment, by its author or the creator (deleteComment) or by a moderator
// (comment-moderation.ts, through dropComment): "[deleted]" kept while a root has replies, else
// gone, and the counters moved in the same transaction.

/**
 * The author, or the creator (`by` is the video's owner), deletes a comment; both are in the
 * WHERE clause, the route having checked which one asks (canDeleteComment). A root with replies (held ones too) stays as "[deleted]" (its text emptied,
 * deleted_at set) so that its replies keep their place, until its last reply goes; any other
 * comment is removed. The
 * video's comment_count counts comments not deleted, and a thread's reply_count its reply rows,
 * both moved here. The thread's root is locked first, so a reply posted at the same moment
 * either is counted before the decision or waits for it.
 */
export async function deleteComment(pool: Pool, by: number, id: number): Promise<'removed' | 'kept-as-deleted' | 'nothing'> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ video_id: number; thread_id: number | null; held: boolean }>(prepared(
      'find-comment-for-delete',
      `SELECT c.video_id, c.thread_id, c.held FROM comments c JOIN videos v ON v.id = c.video_id
       WHERE c.id = $1 AND (c.author_id = $2 OR v.owner_id = $2) AND c.deleted_at IS NULL`,
      [id, by],
    ));
    const found = rows[0];
    if (!found) return 'nothing';
    return dropComment(client, id, found);
  });
}

/** Whether the thread has any reply row, held or not (comments_thread_idx; the root is locked). */
async function hasReplyRows(client: PoolClient, threadId: number): Promise<boolean> {
  const { rowCount } = await client.query(prepared('thread-has-replies', 'SELECT 1 FROM comments WHERE thread_id = $1 LIMIT 1', [threadId]));
  return rowCount === 1;
}

/**
 * Deletes the comment `id` found (not yet deleted) by deleteComment, or by a moderator's
 * removeComment (comment-moderation.ts, `removed`: its placeholder reads "[removed]"): the one
 * place that decides between "[deleted]" and gone and moves the counters. 'nothing' when another
 * request deleted it first (found before the locks were taken).
 */
export async function dropComment(client: PoolClient, id: number, found: { video_id: number; thread_id: number | null; held: boolean }, removed = false): Promise<'removed' | 'kept-as-deleted' | 'nothing'> {
  // A reply deleted moves its root's reply_count, which the Top score counts (comment-ranking.ts).
  if (found.thread_id !== null) await holdRanking(client, found.video_id);
  const locked = await client.query<{ reply_count: number }>(prepared(
    'lock-comment-thread',
    'SELECT id, reply_count FROM comments WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE',
    [[found.thread_id ?? id, id]],
  ));
  const root = locked.rows[0];
  if (!root) return 'nothing';
  // Any reply row keeps the root, held ones too (reply_count counts only those shown): deleting
  // it outright would take replies the creator has not reviewed with it.
  if (found.thread_id === null && (root.reply_count > 0 || (await hasReplyRows(client, id)))) {
    const kept = await client.query(prepared('soft-delete-comment', `UPDATE comments SET body = '', deleted_at = now(), removed = $2, pinned_at = NULL, hearted_at = NULL WHERE id = $1 AND deleted_at IS NULL`, [id, removed]));
    if (kept.rowCount === 0) return 'nothing';
    // A held root (answered by the creator) was never counted.
    await moveCounters(client, found.video_id, null, found.held ? 0 : -1, 0);
    return 'kept-as-deleted';
  }
  const gone = await client.query(prepared('delete-comment', 'DELETE FROM comments WHERE id = $1 AND deleted_at IS NULL', [id]));
  // Deleted meanwhile by someone else, after both found it: its counters have already moved.
  if (gone.rowCount === 0) return 'nothing';
  const counted = found.held ? 0 : -1;
  await moveCounters(client, found.video_id, found.thread_id, counted, counted);
  if (found.thread_id !== null && !found.held) await markCommentsChanged(client, found.video_id);
  // The last reply under a "[deleted]" root takes the root with it: it was kept only for its
  // replies (already out of comment_count, so no counter moves).
  if (found.thread_id !== null) {
    await client.query(prepared(
      'delete-empty-deleted-root',
      `DELETE FROM comments r WHERE r.id = $1 AND r.deleted_at IS NOT NULL AND r.reply_count = 0
       AND NOT EXISTS (SELECT 1 FROM comments c WHERE c.thread_id = r.id)`,
      [found.thread_id],
    ));
  }
  return 'removed';
}

