import { insertAuditEntry } from './audit-log.js';
import { approveHeld } from './comments.js';
import type { Pool, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';
import { ownerLive } from './visibility.js';
import type { Tell } from '../notifications/tell.js';

/**
 * Comments the site holds for its watched words (held_reason 'watched-word', issue 13 item 9),
 * which the site's moderators review at /admin/comments/held: the list, and approving one with
 * its audit row. Removing one is the moderators' removal with a reason (comment-moderation.ts).
 */

export interface SiteHeldComment {
  id: number;
  threadId: number | null;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  author: { handle: string; displayName: string };
  video: { publicId: string; title: string; durationSeconds: number; ownerHandle: string };
}

/**
 * Newest first, a page by keyset on the id (`after`: the last id of the page before). Reads the
 * partial index comments_watched_held_idx (migration 1763683202810), which holds only the
 * comments waiting, then each one's author, video and creator by primary key. Comments of banned
 * or deleted authors are left out, as everywhere (their comments show nowhere).
 */
export async function listSiteHeldComments(db: Queryable, options: { after: number | null; limit: number }): Promise<SiteHeldComment[]> {
  const { rows } = await db.query<{
    id: number; thread_id: number | null; body: string; created_at: Date; edited_at: Date | null;
    handle: string; display_name: string; public_id: string; title: string; duration_seconds: number; owner_handle: string;
  }>(prepared(
    `site-held-comments${options.after === null ? '' : '-after'}`,
    `SELECT c.id, c.thread_id, c.body, c.created_at, c.edited_at, a.handle, a.display_name, v.public_id, v.title, v.duration_seconds, o.handle AS owner_handle
     FROM comments c JOIN users a ON a.id = c.author_id JOIN videos v ON v.id = c.video_id JOIN users o ON o.id = v.owner_id
     WHERE c.held AND c.held_reason = 'watched-word' AND c.deleted_at IS NULL${options.after === null ? '' : ' AND c.id < $2'} AND ${ownerLive('a')}
     ORDER BY c.id DESC LIMIT $1`,
    options.after === null ? [options.limit] : [options.limit, options.after],
  ));
  return rows.map((r) => ({
    id: r.id,
    threadId: r.thread_id,
    body: r.body,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    author: { handle: r.handle, displayName: r.display_name },
    video: { publicId: r.public_id, title: r.title, durationSeconds: r.duration_seconds, ownerHandle: r.owner_handle },
  }));
}

/** How many wait, for the page's heading (the same partial index). */
export async function countSiteHeldComments(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(prepared(
    'count-site-held-comments',
    `SELECT count(*)::int AS n FROM comments c JOIN users a ON a.id = c.author_id
     WHERE c.held AND c.held_reason = 'watched-word' AND c.deleted_at IS NULL AND ${ownerLive('a')}`,
    [],
  ));
  return rows[0]!.n;
}

/**
 * A moderator approves a comment the site held: shown and counted from now on (approveHeld
 * 'site'), with the audit row ('comment.approve', the text approved) in the same transaction.
 * False when it was not waiting (approved or removed meanwhile: a resubmit).
 */
export async function approveSiteHeldComment(pool: Pool, approval: { moderatorId: number; commentId: number }, tell: Tell): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const approved = await approveHeld(client, approval.commentId, 'site', tell);
    if (!approved) return false;
    await insertAuditEntry(client, {
      actorId: approval.moderatorId,
      action: 'comment.approve',
      targetKind: 'comment',
      targetId: approval.commentId,
      subjectUserId: approved.authorId,
      // Reason codes are a-z and _ (audit_log's check): the rule that held it.
      reason: 'watched_word',
      note: null,
      before: { held: true, heldReason: approved.heldReason, body: approved.body, videoId: approved.videoId, threadId: approved.threadId },
      after: { held: false },
    });
    return true;
  });
}
