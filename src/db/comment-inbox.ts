import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { ownerLive } from './visibility.js';
import type { HoldReason } from '../comments/review.js';

// The studio's comments inbox (issue 11, item 7): every comment and reply on one creator's
// videos, whatever the videos' visibility (they are the creator's own), held ones included.
// The owner is in every WHERE clause (comments.video_owner_id, copied from the video by a
// trigger): nothing here reads or changes a comment under another account's video.

export const INBOX_FILTERS = ['all', 'held', 'published'] as const;
export type InboxFilter = (typeof INBOX_FILTERS)[number];

export interface InboxComment {
  id: number;
  threadId: number | null;
  body: string;
  held: boolean;
  /** Which rule held it (null: not held, or held before reasons were recorded). */
  heldReason: HoldReason | null;
  createdAt: Date;
  editedAt: Date | null;
  author: { handle: string; displayName: string };
  video: { publicId: string; title: string; durationSeconds: number };
}

/**
 * Fixed fragments per filter, one prepared statement each (and each with and without a cursor):
 * "held" must name `c.held` literally for the planner to use the partial index
 * comments_owner_held_idx, and the cursor `c.id < $3` is then an index condition. (With
 * "$3 IS NULL OR c.id < $3" in one statement, the generic plan Postgres switches to after five
 * runs reads every entry above the cursor.)
 */
const FILTERS: Record<InboxFilter, string> = { all: 'true', held: 'c.held', published: 'NOT c.held' };

/**
 * One page of the inbox, newest first, after the comment `after` (keyset on id, as the watch
 * page's lists: comments posted meanwhile come before the cursor). A "[deleted]" root (kept for
 * its replies, no text) is not listed, nor a comment of a banned or deleted account. Ask for one
 * more than a page (keysetPage).
 *
 * EXPLAIN ANALYZE (generic plans, as prepared statements end up with) on 100,000 comments over
 * 200 videos of 20 creators, one creator with half of them and 2,000 of those held (a throwaway
 * script, not committed): "all" and "published" read comments_owner_inbox_idx, 51 rows, 0.25 ms
 * for the first page and for a page 30,000 comments down (the cursor is an index condition);
 * "held" reads comments_owner_held_idx, 51 rows, 0.2 ms. Authors and videos come through their
 * primary keys. Without the owner on the comment the plan walks comments_pkey backwards and
 * drops other creators' comments: 1.9 ms for a creator with 2.6% of them, 21 ms when the newest
 * 50,000 were someone else's, and more as the site grows.
 */
export async function listInboxComments(db: Queryable, ownerId: number, options: { filter: InboxFilter; after: number | null; limit: number }): Promise<InboxComment[]> {
  const { rows } = await db.query<{
    id: number; thread_id: number | null; body: string; held: boolean; held_reason: HoldReason | null; created_at: Date; edited_at: Date | null;
    handle: string; display_name: string; public_id: string; title: string; duration_seconds: number;
  }>(prepared(
    `comment-inbox-${options.filter}${options.after === null ? '' : '-after'}`,
    `SELECT c.id, c.thread_id, c.body, c.held, c.held_reason, c.created_at, c.edited_at, a.handle, a.display_name, v.public_id, v.title, v.duration_seconds
     FROM comments c JOIN users a ON a.id = c.author_id JOIN videos v ON v.id = c.video_id
     WHERE c.video_owner_id = $1 AND ${FILTERS[options.filter]}${options.after === null ? '' : ' AND c.id < $3'} AND c.deleted_at IS NULL AND ${ownerLive('a')}
     ORDER BY c.id DESC LIMIT $2`,
    options.after === null ? [ownerId, options.limit] : [ownerId, options.limit, options.after],
  ));
  return rows.map((r) => ({
    id: r.id,
    threadId: r.thread_id,
    body: r.body,
    held: r.held,
    heldReason: r.held_reason,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    author: { handle: r.handle, displayName: r.display_name },
    video: { publicId: r.public_id, title: r.title, durationSeconds: r.duration_seconds },
  }));
}

/**
 * How many comments on my videos wait for review, for the inbox's heading (comments_owner_held_idx:
 * 3.4 ms for 2,000 held in the measurement above; held comments are meant to be few).
 */
export async function countHeldComments(db: Queryable, ownerId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(prepared(
    'count-held-comments',
    `SELECT count(*)::int AS n FROM comments c JOIN users a ON a.id = c.author_id WHERE c.video_owner_id = $1 AND c.held AND c.deleted_at IS NULL AND ${ownerLive('a')}`,
    [ownerId],
  ));
  return rows[0]!.n;
}

/**
 * Of these comment ids, those under my videos and not deleted (comments_pkey), with whether
 * they are held and why; the others (another account's, gone, never there) are left out, for the
 * caller to report. An approve or reject acts only on what this returns.
 */
export async function findOwnComments(db: Queryable, ownerId: number, ids: number[]): Promise<{ id: number; held: boolean; heldReason: HoldReason | null }[]> {
  const { rows } = await db.query<{ id: number; held: boolean; heldReason: HoldReason | null }>(prepared(
    'find-own-comments',
    'SELECT c.id, c.held, c.held_reason AS "heldReason" FROM comments c WHERE c.id = ANY($2::bigint[]) AND c.video_owner_id = $1 AND c.deleted_at IS NULL ORDER BY c.id',
    [ownerId, ids],
  ));
  return rows;
}
