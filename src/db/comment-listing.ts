import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { ownerLive } from './visibility.js';
import { COLUMNS, RATED_BY, toComment, type Comment, type Row } from './comments.js';

/**
 * The watch page's listings of comments: the pinned one, a video's top-level comments, and a
 * thread's replies. Who may see the video is decided before (loadVideo, canSeeVideo); here a
 * comment of a banned or deleted author is never listed (ownerLive) and a held one only to
 * those SHOWN names.
 */

/** Held comments are listed to their author (`viewer`), and to the creator when `showHeld` is true (parameter names). */
export const SHOWN = (viewer = '$3', showHeld = '$5') => `(NOT c.held OR c.author_id = ${viewer} OR ${showHeld}::boolean)`;

/**
 * The video's pinned comment as a branch of a listing's UNION ALL, taken only on a first page
 * (`first`, an SQL condition on the statement's parameters), if this viewer may see it (SHOWN),
 * with the viewer's rating. One statement with the page instead of one of its own: a query
 * costs the web process about as much as drawing all of a page's comments. `select` is the
 * listing's column list. The pinned row comes through comments_pinned_idx in a subquery kept
 * apart (OFFSET 0) from the join, then its author by users_pkey: flattened, the planner walked
 * comments_author_idx instead. The listings themselves leave it out, so paging never repeats it;
 * the caller finds it by `pinned`. Its `pin_order` 0 (the page's rows 1) puts it first.
 */
export const PINNED_BRANCH = (select: string, first: string, viewer: string, showHeld: string) => `(SELECT 0 AS pin_order, ${select}
     FROM (SELECT * FROM comments WHERE video_id = $1 AND pinned_at IS NOT NULL AND ${first} OFFSET 0) c
     JOIN users a ON a.id = c.author_id ${RATED_BY(viewer).join}
     WHERE ${ownerLive('a')} AND ${SHOWN(viewer, showHeld)})`;

/**
 * A video's top-level comments but the pinned one, newest first, after the comment `after` (keyset on id: new
 * comments come before the cursor, so paging on never repeats or skips one). Uses
 * comments_video_roots_idx. Ask for one more than a page (keysetPage). On the first page the
 * pinned comment comes too, first (PINNED_BRANCH; `pinned` set).
 */
export async function listRootComments(db: Queryable, videoId: number, options: { after: number | null; limit: number; viewerId: number | null; showHeld: boolean }): Promise<Comment[]> {
  const rated = RATED_BY('$3');
  const { rows } = await db.query<Row>(prepared(
    'list-root-comments',
    `${PINNED_BRANCH(`${COLUMNS}, ${rated.column}`, '$2::bigint IS NULL', '$3', '$5')}
     UNION ALL
     (SELECT 1, ${COLUMNS}, ${rated.column} FROM comments c JOIN users a ON a.id = c.author_id ${rated.join}
      WHERE c.video_id = $1 AND c.thread_id IS NULL AND c.pinned_at IS NULL AND ($2::bigint IS NULL OR c.id < $2) AND ${ownerLive('a')} AND ${SHOWN()}
      ORDER BY c.id DESC LIMIT $4)
     ORDER BY pin_order, id DESC`,
    [videoId, options.after, options.viewerId ?? 0, options.limit, options.showHeld],
  ));
  return rows.map(toComment);
}

/** A thread's replies, oldest first, after the reply `after` (comments_thread_idx). */
export async function listReplies(db: Queryable, threadId: number, options: { after: number | null; limit: number; viewerId: number | null; showHeld: boolean }): Promise<Comment[]> {
  const rated = RATED_BY('$3');
  const { rows } = await db.query<Row>(prepared(
    'list-comment-replies',
    `SELECT ${COLUMNS}, ${rated.column} FROM comments c JOIN users a ON a.id = c.author_id ${rated.join}
     WHERE c.thread_id = $1 AND ($2::bigint IS NULL OR c.id > $2) AND ${ownerLive('a')} AND ${SHOWN()}
     ORDER BY c.id LIMIT $4`,
    [threadId, options.after, options.viewerId ?? 0, options.limit, options.showHeld],
  ));
  return rows.map(toComment);
}
