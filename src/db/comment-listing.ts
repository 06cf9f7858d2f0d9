import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { ownerLive } from './visibility.js';
import { COLUMNS, findComment, toComment, type Comment, type Row } from './comments.js';

/**
 * The watch page's listings of comments: the pinned one, a video's top-level comments, and a
 * thread's replies. Who may see the video is decided before (loadVideo, canSeeVideo); here a
 * comment of a banned or deleted author is never listed (ownerLive) and a held one only to
 * those SHOWN names.
 */

/** Held comments are listed to their author (`viewer`), and to the creator when `showHeld` is true (parameter names). */
export const SHOWN = (viewer = '$3', showHeld = '$5') => `(NOT c.held OR c.author_id = ${viewer} OR ${showHeld}::boolean)`;

/**
 * The video's pinned comment, if any and if this viewer may see it (held ones to their author
 * alone, as SHOWN). Its id comes through comments_pinned_idx alone, then the row by findComment
 * (pkey): one statement joining users let the planner walk comments_author_idx instead. It is
 * shown first on the first page and left out of listRootComments, so paging never repeats it.
 */
export async function findPinnedComment(db: Queryable, videoId: number, viewerId: number | null, showHeld: boolean): Promise<Comment | null> {
  const { rows } = await db.query<{ id: number }>(prepared(
    'find-pinned-comment-id',
    'SELECT id FROM comments WHERE video_id = $1 AND pinned_at IS NOT NULL',
    [videoId],
  ));
  if (!rows[0]) return null;
  const pinned = await findComment(db, rows[0].id);
  return pinned && (!pinned.held || pinned.authorId === viewerId || showHeld) ? pinned : null;
}

/**
 * A video's top-level comments but the pinned one, newest first, after the comment `after` (keyset on id: new
 * comments come before the cursor, so paging on never repeats or skips one). Uses
 * comments_video_roots_idx. Ask for one more than a page (keysetPage).
 */
export async function listRootComments(db: Queryable, videoId: number, options: { after: number | null; limit: number; viewerId: number | null; showHeld: boolean }): Promise<Comment[]> {
  const { rows } = await db.query<Row>(prepared(
    'list-root-comments',
    `SELECT ${COLUMNS} FROM comments c JOIN users a ON a.id = c.author_id
     WHERE c.video_id = $1 AND c.thread_id IS NULL AND c.pinned_at IS NULL AND ($2::bigint IS NULL OR c.id < $2) AND ${ownerLive('a')} AND ${SHOWN()}
     ORDER BY c.id DESC LIMIT $4`,
    [videoId, options.after, options.viewerId ?? 0, options.limit, options.showHeld],
  ));
  return rows.map(toComment);
}

/** A thread's replies, oldest first, after the reply `after` (comments_thread_idx). */
export async function listReplies(db: Queryable, threadId: number, options: { after: number | null; limit: number; viewerId: number | null; showHeld: boolean }): Promise<Comment[]> {
  const { rows } = await db.query<Row>(prepared(
    'list-comment-replies',
    `SELECT ${COLUMNS} FROM comments c JOIN users a ON a.id = c.author_id
     WHERE c.thread_id = $1 AND ($2::bigint IS NULL OR c.id > $2) AND ${ownerLive('a')} AND ${SHOWN()}
     ORDER BY c.id LIMIT $4`,
    [threadId, options.after, options.viewerId ?? 0, options.limit, options.showHeld],
  ));
  return rows.map(toComment);
}
