import type { Queryable } from './pool.js';
import { prepared } from './pool.js';

/**
 * Who a comment concerns, for telling them of it (src/notifications/comment-notices.ts): the
 * person it answers, its video's owner, the accounts it mentions, and whether it was announced
 * already (comments.announced_at). Whether each may see it is not asked here: the notification
 * itself asks (src/db/notifications.ts).
 */

export interface CommentAudience {
  id: number;
  videoId: number;
  authorId: number;
  threadId: number | null;
  body: string;
  held: boolean;
  announced: boolean;
  /** People told of a mention in it so far, over all its revisions (comments.mentions_told). */
  mentionsTold: number;
  /** The owner of the comment's video (comments.video_owner_id). */
  ownerId: number;
  /**
   * The person a reply answers: the one it names (reply_to_user_id, a reply to a reply), else its
   * thread root's author; null for a root comment.
   */
  answeredId: number | null;
}

/** The comment `id` unless deleted; null otherwise (a missing row is nothing). */
export async function findCommentAudience(db: Queryable, id: number): Promise<CommentAudience | null> {
  const { rows } = await db.query<{
    id: number; video_id: number; author_id: number; thread_id: number | null; body: string; held: boolean; announced: boolean; mentions_told: number; video_owner_id: number; answered_id: number | null;
  }>(prepared(
    'find-comment-audience',
    `SELECT c.id, c.video_id, c.author_id, c.thread_id, c.body, c.held, c.announced_at IS NOT NULL AS announced, c.mentions_told, c.video_owner_id,
            CASE WHEN c.thread_id IS NULL THEN NULL ELSE coalesce(c.reply_to_user_id, r.author_id) END AS answered_id
     FROM comments c LEFT JOIN comments r ON r.id = c.thread_id
     WHERE c.id = $1 AND c.deleted_at IS NULL`,
    [id],
  ));
  const r = rows[0];
  if (!r) return null;
  return {
    id: Number(r.id), videoId: Number(r.video_id), authorId: Number(r.author_id), threadId: r.thread_id === null ? null : Number(r.thread_id),
    body: r.body, held: r.held, announced: r.announced, mentionsTold: Number(r.mentions_told), ownerId: Number(r.video_owner_id), answeredId: r.answered_id === null ? null : Number(r.answered_id),
  };
}

/**
 * Records that a published comment is announced; false when it was already, or is held. The
 * UPDATE takes the comment's row lock, so two approvals at once announce it once.
 */
export async function markCommentAnnounced(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query(prepared(
    'mark-comment-announced',
    'UPDATE comments SET announced_at = now() WHERE id = $1 AND announced_at IS NULL AND NOT held',
    [id],
  ));
  return rowCount === 1;
}

/** The accounts with these handles (users_handle_key), whatever their state: the notification asks whether they are live. */
export async function findUserIdsByHandles(db: Queryable, handles: readonly string[]): Promise<Map<string, number>> {
  if (handles.length === 0) return new Map();
  const { rows } = await db.query<{ id: number; handle: string }>(prepared('find-users-by-handles', 'SELECT id, handle FROM users WHERE handle = ANY($1::text[])', [handles]));
  return new Map(rows.map((r) => [r.handle, Number(r.id)]));
}

/** Who was told already that this comment mentions them (notifications_comment_idx): a mention is told once. */
export async function listMentionedAlready(db: Queryable, commentId: number): Promise<Set<number>> {
  const { rows } = await db.query<{ user_id: number }>(prepared(
    'list-mentioned-already',
    `SELECT user_id FROM notifications WHERE comment_id = $1 AND kind = 'mention'`,
    [commentId],
  ));
  return new Set(rows.map((r) => Number(r.user_id)));
}

/** Counts `told` more people told of a mention in the comment (its lifetime budget, comments.mentions_told). */
export async function addMentionsTold(db: Queryable, id: number, told: number): Promise<void> {
  await db.query(prepared('add-mentions-told', 'UPDATE comments SET mentions_told = mentions_told + $2 WHERE id = $1', [id, told]));
}
