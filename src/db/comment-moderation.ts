import { insertAuditEntry } from './audit-log.js';
import { dropComment } from './comment-deletion.js';
import type { Pool, PoolClient, Queryable } from './pool.js';
import { resolveReportsAbout } from './report-resolution.js';
import { tellNobody, type Tell } from '../notifications/tell.js';
import { prepared, withTransaction } from './pool.js';

/**
 * Moderators' actions on comments (issue 11, item 8): removal of any comment with a reason,
 * recorded in the audit log, and the earlier versions of an edited comment. The route has
 * checked the permission (canRemoveComment, canSeeCommentRevisions); these functions are named
 * apart from the author's and creator's deleteComment, which keeps its owner in the WHERE clause.
 */

export interface Removal {
  moderatorId: number;
  commentId: number;
  reason: string;
  note: string | null;
}

/** A removed comment as the audit log keeps it (`before`): enough to show it to moderators later. */
export interface RemovedCommentRecord {
  id: number;
  videoId: number;
  threadId: number | null;
  authorId: number;
  body: string;
  createdAt: string;
  editedAt: string | null;
  held: boolean;
  likeCount: number;
  replyCount: number;
  /** Earlier versions, oldest first (comment_revisions goes with the row). */
  revisions: { body: string; replacedAt: string }[];
}

/**
 * Removes a comment as deleteComment would (dropComment: "[removed]" kept while it has replies,
 * else gone; counters moved) and appends the audit entry in the same transaction, with the
 * comment as it was. The thread's root and the comment are locked (in id order, as dropComment
 * does) before the snapshot is read, so an edit or a delete at the same moment either comes
 * first and is what the record shows, or waits. 'nothing' when the comment is already deleted.
 */
export async function removeComment(pool: Pool, removal: Removal, tell: Tell = tellNobody): Promise<'removed' | 'kept-as-deleted' | 'nothing'> {
  return withTransaction(pool, async (client) => (await removeCommentWith(client, removal, tell)).outcome);
}

/**
 * removeComment inside the caller's transaction. The open report item about the comment (issue
 * 13, item 2) is resolved with it, after the comment's locks (the order every action takes:
 * the thing, then its item, then the item's reports); `itemId` is that item's id, or 0. Its
 * reporters are told (`tell`).
 */
export async function removeCommentWith(client: PoolClient, removal: Removal, tell: Tell): Promise<{ outcome: 'removed' | 'kept-as-deleted' | 'nothing'; itemId: number }> {
  const thread = await client.query<{ thread_id: number | null }>(prepared('find-comment-thread', 'SELECT thread_id FROM comments WHERE id = $1', [removal.commentId]));
  if (!thread.rows[0]) return { outcome: 'nothing', itemId: 0 };
  await client.query(prepared(
    'lock-comment-thread',
    'SELECT id, reply_count FROM comments WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE',
    [[thread.rows[0].thread_id ?? removal.commentId, removal.commentId]],
  ));
  const { rows } = await client.query<RemovedCommentRecord & { video_id: number; thread_id: number | null; held: boolean }>(prepared(
    'snapshot-comment-for-removal',
    `SELECT c.id, c.video_id, c.thread_id, c.held, c.video_id AS "videoId", c.thread_id AS "threadId", c.author_id AS "authorId", c.body,
            to_json(c.created_at) AS "createdAt", to_json(c.edited_at) AS "editedAt", c.like_count AS "likeCount", c.reply_count AS "replyCount",
            COALESCE((SELECT json_agg(json_build_object('body', r.body, 'replacedAt', r.replaced_at) ORDER BY r.id)
                      FROM comment_revisions r WHERE r.comment_id = c.id), '[]') AS revisions
     FROM comments c WHERE c.id = $1 AND c.deleted_at IS NULL`,
    [removal.commentId],
  ));
  const found = rows[0];
  if (!found) return { outcome: 'nothing', itemId: 0 };
  const outcome = await dropComment(client, removal.commentId, found, true);
  if (outcome === 'nothing') return { outcome, itemId: 0 };
  const { video_id: _v, thread_id: _t, ...before } = found;
  await insertAuditEntry(client, {
    actorId: removal.moderatorId,
    action: 'comment.remove',
    targetKind: 'comment',
    targetId: removal.commentId,
    subjectUserId: found.authorId,
    reason: removal.reason,
    note: removal.note,
    before,
    after: { state: outcome === 'kept-as-deleted' ? 'kept-as-removed' : 'gone' },
  });
  const itemId = await resolveReportsAbout(client, { kind: 'comment', id: removal.commentId }, { status: 'handled', moderatorId: removal.moderatorId, action: 'comment.remove' }, tell);
  return { outcome, itemId };
}

export interface CommentRevision {
  body: string;
  /** When this text was replaced by the next one. */
  replacedAt: Date;
}

/** A comment's earlier versions, oldest first (comment_revisions_comment_idx). */
export async function listCommentRevisions(db: Queryable, commentId: number): Promise<CommentRevision[]> {
  const { rows } = await db.query<{ body: string; replaced_at: Date }>(prepared(
    'list-comment-revisions',
    'SELECT body, replaced_at FROM comment_revisions WHERE comment_id = $1 ORDER BY id',
    [commentId],
  ));
  return rows.map((r) => ({ body: r.body, replacedAt: r.replaced_at }));
}
