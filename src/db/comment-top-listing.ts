import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { ownerLive } from './visibility.js';
import { COLUMNS, RATED_BY, toComment, type Comment, type Row } from './comments.js';
import { PINNED_BRANCH, SHOWN } from './comment-listing.js';

/**
 * The "Top" sort of a video's top-level comments (the pinned one left out, as in newest), by the
 * stored scores of comment-ranking.ts, 20 at a time after a cursor.
 *
 * Why paging never repeats or skips a comment while likes change: the order is the stored
 * top_score, which a like does not move; only a re-rank does, for all of a video's roots at
 * once, bumping the video's epoch and keeping the previous scores in prev_top_score. The cursor
 * carries (epoch, score, id) of the last comment shown. While the video is on that epoch, the
 * next page reads top_score; once it is on the next one, prev_top_score, i.e. the very scores
 * the reader started on. Within one epoch's scores every row's key is fixed, so a keyset on
 * (score, id) neither repeats nor skips. A comment posted meanwhile has its score from the
 * start: on the reader's epoch it comes after the cursor (shown once) or before it (not shown);
 * one posted after the re-rank has no previous score and is not shown to a reader on the
 * previous epoch. Two re-ranks later (at least RERANK_MIN_INTERVAL_SECONDS) the cursor's scores
 * are gone: the listing says 'stale' and the page starts again from the top with a notice.
 */

export interface TopCursor {
  epoch: number;
  score: number;
  id: number;
}

/** A comment with its score in the order it was listed in, for the next cursor. */
export type RankedComment = Comment & { score: number };

/** A page of Top: its comments (ask for one more than a page) and the epoch of the order they are in. */
export interface TopPage {
  comments: RankedComment[];
  epoch: number;
}

type RankedRow = Row & { score: number; epoch: number | null };

/** The video's epoch of scores, read in the same statement (hence snapshot) as the scores. */
const EPOCH = '(SELECT comments_top_epoch FROM videos WHERE id = $1)';

/** The video's roots but the pinned one, with the viewer's rating of each (parameter `viewer`). */
function FROM_ROOTS(viewer: string): string {
  const rated = RATED_BY(viewer);
  return `, ${rated.column} FROM comments c JOIN users a ON a.id = c.author_id ${rated.join}
     WHERE c.video_id = $1 AND c.thread_id IS NULL AND c.pinned_at IS NULL AND ${ownerLive('a')}`;
}

/**
 * The first page, on the video's current scores: comments_video_top_idx read from its start,
 * `limit` rows (no sort of all roots), and the pinned comment before them (PINNED_BRANCH). The
 * epoch comes from the same statement, hence the same snapshot as the scores, so a re-rank
 * committing meanwhile cannot pair one epoch with the other's scores.
 */
async function firstPage(db: Queryable, videoId: number, options: { limit: number; viewerId: number | null; showHeld: boolean }): Promise<TopPage> {
  const { rows } = await db.query<RankedRow>(prepared(
    'list-top-comments',
    `${PINNED_BRANCH(`${COLUMNS}, c.top_score AS score, ${EPOCH} AS epoch, ${RATED_BY('$2').column}`, 'true', '$2', '$4')}
     UNION ALL
     (SELECT 1, ${COLUMNS}, c.top_score AS score, ${EPOCH} AS epoch
      ${FROM_ROOTS('$2')} AND ${SHOWN('$2', '$4')}
      ORDER BY c.top_score DESC, c.id DESC LIMIT $3)
     ORDER BY pin_order, score DESC, id DESC`,
    [videoId, options.viewerId ?? 0, options.limit, options.showHeld],
  ));
  return { comments: rows.map(ranked), epoch: rows.find((r) => r.epoch !== null)?.epoch ?? 0 };
}

/**
 * A later page after `after`: one statement of two branches, of which the video's epoch (read
 * by each branch's one-time filter, same snapshot) lets at most one run — top_score when the
 * video is still on the cursor's epoch, prev_top_score when it has moved to the next. Each is a
 * range read of comments_video_top_idx or comments_video_prev_top_idx after the cursor.
 */
async function laterPage(db: Queryable, videoId: number, after: TopCursor, options: { limit: number; viewerId: number | null; showHeld: boolean }): Promise<TopPage | 'stale'> {
  const branch = (column: string, epoch: string) => `(SELECT ${COLUMNS}, c.${column} AS score
     ${FROM_ROOTS('$4')} AND ${SHOWN('$4', '$6')} AND ${epoch} = (SELECT comments_top_epoch FROM videos WHERE id = $1)
       AND c.${column} IS NOT NULL AND (c.${column}, c.id) < ($3::double precision, $7::bigint)
     ORDER BY c.${column} DESC, c.id DESC LIMIT $5)`;
  const { rows } = await db.query<RankedRow>(prepared(
    'list-top-comments-after',
    `${branch('top_score', '$2::integer')} UNION ALL ${branch('prev_top_score', '$2::integer + 1')}
     ORDER BY score DESC, id DESC`,
    [videoId, after.epoch, after.score, options.viewerId ?? 0, options.limit, options.showHeld, after.id],
  ));
  if (rows.length > 0) return { comments: rows.map(ranked), epoch: after.epoch };
  // Nothing after the cursor: the end of the list, or an order that is gone (two re-ranks since).
  const { rows: video } = await db.query<{ epoch: number }>(prepared('find-comments-epoch', 'SELECT comments_top_epoch AS epoch FROM videos WHERE id = $1', [videoId]));
  const epoch = video[0]?.epoch ?? 0;
  return epoch === after.epoch || epoch === after.epoch + 1 ? { comments: [], epoch: after.epoch } : 'stale';
}

function ranked(r: RankedRow): RankedComment {
  return { ...toComment(r), score: r.score };
}

/**
 * A page of the video's top-level comments in the Top order, after `after` (null: the first
 * page), or 'stale' when the cursor's order is gone. Held comments are listed as SHOWN says.
 */
export async function listTopRootComments(
  db: Queryable,
  videoId: number,
  options: { after: TopCursor | null; limit: number; viewerId: number | null; showHeld: boolean },
): Promise<TopPage | 'stale'> {
  return options.after ? laterPage(db, videoId, options.after, options) : firstPage(db, videoId, options);
}
