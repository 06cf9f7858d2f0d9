import type { Pool, PoolClient, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';
import { ownerLive } from './visibility.js';
import type { HoldReason } from '../comments/review.js';
import { ratingOf, type Rating } from './ratings.js';
import { holdRanking, holdRankingOfComment, markCommentsChanged } from './comment-ranking.js';
import { tellOfComment } from '../notifications/comment-notices.js';
import { tellNobody, type Tell } from '../notifications/tell.js';

/**
 * Comments under videos: writes (post, edit, approve; deleting is in comment-deletion.ts) that keep the counters on their rows in the
 * same transaction (the watch page's listings are in comment-listing.ts). Who may see the video is decided
 * before any of this (loadVideo at the route, canSeeVideo); here, a comment whose author is
 * banned or deleted is never listed (ownerLive on the author), and a held comment only to its
 * author. A listing of comments that does not start from one loaded video must also join
 * `listed()` / `watchableByLink()` on the video (src/db/visibility.ts).
 */

export interface Comment {
  id: number;
  videoId: number;
  authorId: number;
  threadId: number | null;
  body: string;
  likeCount: number;
  replyCount: number;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  /** Removed by a moderator (comment-moderation.ts): a kept root reads "[removed]", not "[deleted]". */
  removed: boolean;
  /**
   * The viewer's own like or dislike of it, when the listing read it in the same statement
   * (RATED_BY); undefined when it did not (findComment).
   */
  viewerRating?: Rating;
  held: boolean;
  /** Which rule held it (src/comments/review.ts); null when not held, or held before reasons were kept. */
  heldReason: HoldReason | null;
  /** Pinned by the creator: shown first on the first page (one per video). */
  pinned: boolean;
  /** Hearted by the creator ("♥ by the creator"). */
  hearted: boolean;
  author: { handle: string; displayName: string; avatarKey: string | null };
}

export const COLUMNS = `c.id, c.video_id, c.author_id, c.thread_id, c.body, c.like_count, c.reply_count, c.created_at, c.edited_at,
  c.deleted_at, c.removed, c.held, c.held_reason, c.pinned_at, c.hearted_at, a.handle, a.display_name, a.avatar_key`;

/**
 * The viewer's rating of each listed comment, read in the listing's own statement instead of a
 * query of its own: a probe of comment_ratings_pkey a row (nothing found for 0, signed out).
 * `viewer` names the statement's parameter.
 */
export const RATED_BY = (viewer: string) => ({
  column: 'cr.value AS viewer_rating',
  join: `LEFT JOIN comment_ratings cr ON cr.user_id = ${viewer} AND cr.comment_id = c.id`,
});

export interface Row {
  id: number;
  video_id: number;
  author_id: number;
  thread_id: number | null;
  body: string;
  like_count: number;
  reply_count: number;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
  removed: boolean;
  held: boolean;
  held_reason: HoldReason | null;
  pinned_at: Date | null;
  hearted_at: Date | null;
  handle: string;
  display_name: string;
  avatar_key: string | null;
  viewer_rating?: number | null;
}

export function toComment(r: Row): Comment {
  return {
    id: r.id,
    videoId: r.video_id,
    authorId: r.author_id,
    threadId: r.thread_id,
    body: r.body,
    likeCount: r.like_count,
    replyCount: r.reply_count,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
    removed: r.removed,
    held: r.held,
    heldReason: r.held_reason,
    pinned: r.pinned_at !== null,
    hearted: r.hearted_at !== null,
    author: { handle: r.handle, displayName: r.display_name, avatarKey: r.avatar_key },
    ...(r.viewer_rating === undefined ? {} : { viewerRating: ratingOf(r.viewer_rating) }),
  };
}

/** The same text from the same account on the same video and thread within this long is one comment. */
const DUPLICATE_WINDOW = '1 minute';
/** Namespace of the advisory lock that orders one account's posts (first argument of pg_advisory_xact_lock). */
const POSTING_LOCK = 11;

/** The comment `id` with its author, when the author is live; null otherwise (a missing row is nothing). */
export async function findComment(db: Queryable, id: number): Promise<(Comment & { videoPublicId: string }) | null> {
  const { rows } = await db.query<Row & { video_public_id: string }>(prepared(
    'find-comment',
    `SELECT ${COLUMNS}, v.public_id AS video_public_id FROM comments c JOIN users a ON a.id = c.author_id JOIN videos v ON v.id = c.video_id
     WHERE c.id = $1 AND ${ownerLive('a')}`,
    [id],
  ));
  return rows[0] ? { ...toComment(rows[0]), videoPublicId: rows[0].video_public_id } : null;
}

export interface NewComment {
  videoId: number;
  authorId: number;
  body: string;
  /** The comment answered: a root, or a reply (then the new one joins its thread). */
  parent: Comment | null;
  /** Held for the creator's review (the video's comments_mode is 'held'): not counted until approved. */
  held?: boolean;
  /** Why it is held (src/comments/review.ts), for the studio's inbox. */
  heldReason?: HoldReason | null;
}

/**
 * Posts a comment or a reply and moves the video's comment_count (and the thread's reply_count)
 * in the same transaction. One account's posts are taken one after another (an advisory lock
 * on the account), so a double-click or a resubmitted form finds the first and gets it back
 * (`created: false`) instead of making a second comment. Null when the thread is gone. Those it
 * concerns are told in the same transaction (`tell`: the posting route's; a test's factory
 * tells nobody), a resubmit telling nobody again.
 */
export async function insertComment(pool: Pool, comment: NewComment, tell: Tell = tellNobody): Promise<{ id: number; created: boolean } | null> {
  const threadId = comment.parent ? (comment.parent.threadId ?? comment.parent.id) : null;
  // A reply to a reply names the person answered; a reply to the thread's root does not need to.
  const replyTo = comment.parent?.threadId ? comment.parent.authorId : null;
  const body = replyTo && comment.parent && !startsWithMention(comment.body, comment.parent.author.handle)
    ? `@${comment.parent.author.handle} ${comment.body}`.slice(0, 10_000)
    : comment.body;
  return withTransaction(pool, async (client) => {
    // Keys of the two-integer form (apart from the bigint keys of jobs.ts); ids past 2^31 fold
    // onto others, which only makes two accounts wait for each other.
    await client.query(prepared('lock-comment-author', 'SELECT pg_advisory_xact_lock($1, ($2::bigint % 2147483647)::int)', [POSTING_LOCK, comment.authorId]));
    // A reply moves its root's reply_count, which the Top score counts (comment-ranking.ts).
    if (threadId !== null) await holdRanking(client, comment.videoId);
    // The thread's root first, as deleteComment locks it: the two never wait on each other in
    // opposite orders, and a root removed meanwhile is found gone here rather than failing the
    // insert's foreign key.
    if (threadId !== null) {
      const root = await client.query(prepared('lock-thread-root', 'SELECT 1 FROM comments WHERE id = $1 FOR UPDATE', [threadId]));
      if (root.rowCount === 0) return null;
    }
    const same = await client.query<{ id: number }>(prepared(
      'find-duplicate-comment',
      // comments_author_idx: the account's comments of the last minute only.
      `SELECT id FROM comments
       WHERE author_id = $1 AND video_id = $2 AND thread_id IS NOT DISTINCT FROM $3 AND body = $4
         AND created_at > now() - $5::interval AND deleted_at IS NULL
       ORDER BY created_at DESC LIMIT 1`,
      [comment.authorId, comment.videoId, threadId, body, DUPLICATE_WINDOW],
    ));
    if (same.rows[0]) return { id: same.rows[0].id, created: false };
    // Its Top score is set as it is inserted (the trigger comments_score_on_insert, migration
    // 920), and it never moves in the ranking of the epoch it was posted in (comment-top-listing.ts).
    const { rows } = await client.query<{ id: number }>(prepared(
      'insert-comment',
      `INSERT INTO comments (video_id, author_id, thread_id, reply_to_user_id, body, held, held_reason) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [comment.videoId, comment.authorId, threadId, replyTo, body, comment.held ?? false, comment.held ? (comment.heldReason ?? null) : null],
    ));
    // A held comment counts nowhere until approved (approveComment): counters show what all see.
    if (!comment.held) {
      await moveCounters(client, comment.videoId, threadId, 1, 1);
      if (threadId !== null) await markCommentsChanged(client, comment.videoId);
    }
    await tellOfComment(client, tell, rows[0]!.id, { posted: true });
    return { id: rows[0]!.id, created: true };
  });
}

function startsWithMention(body: string, handle: string): boolean {
  return body.toLowerCase().startsWith(`@${handle.toLowerCase()}`) && !/[\w.-]/.test(body.charAt(handle.length + 1));
}

/** Moves the video's comment_count by `comments` and the thread's reply_count by `replies` (when in a thread). */
export async function moveCounters(client: PoolClient, videoId: number, threadId: number | null, comments: number, replies: number): Promise<void> {
  if (comments !== 0) {
    await client.query(prepared('count-video-comments', 'UPDATE videos SET comment_count = comment_count + $2 WHERE id = $1', [videoId, comments]));
  }
  if (threadId !== null && replies !== 0) {
    await client.query(prepared('count-thread-replies', 'UPDATE comments SET reply_count = reply_count + $2 WHERE id = $1', [threadId, replies]));
  }
}

/**
 * The author's new text; the text it replaces is kept in comment_revisions. The author is in
 * the WHERE clause; a deleted comment is not edited. False when nothing matched. With
 * `holdForWatchedWord`, the edited comment is held for the site's moderators. The people the new
 * text newly mentions are told (`tell`), unless it is held.
 */
export async function updateCommentBody(pool: Pool, authorId: number, id: number, body: string, options: { holdForWatchedWord?: boolean }, tell: Tell): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    if (options.holdForWatchedWord) {
      // The new text holds a site watched word (src/comments/review.ts): held for the site's
      // moderators with the edit, its thread locked first (holdForWatchedWord), as every change
      // of counts locks it; a resubmit of the same text changes nothing.
      const current = await client.query<{ body: string }>(prepared('find-comment-to-edit', 'SELECT body FROM comments WHERE id = $1 AND author_id = $2 AND deleted_at IS NULL', [id, authorId]));
      if (!current.rows[0]) return false;
      if (current.rows[0].body !== body && !(await holdForWatchedWord(client, id))) return false;
    }
    const { rows } = await client.query<{ body: string }>(prepared(
      'lock-comment-for-edit',
      'SELECT body FROM comments WHERE id = $1 AND author_id = $2 AND deleted_at IS NULL FOR UPDATE',
      [id, authorId],
    ));
    if (!rows[0]) return false;
    // Sending the same text again (a resubmitted form) changes nothing and keeps no revision.
    if (rows[0].body === body) return true;
    await client.query(prepared('keep-comment-revision', 'INSERT INTO comment_revisions (comment_id, body) VALUES ($1, $2)', [id, rows[0].body]));
    await client.query(prepared('edit-comment', 'UPDATE comments SET body = $2, edited_at = now() WHERE id = $1', [id, body]));
    await tellOfComment(client, tell, id, { edited: { previousBody: rows[0].body } });
    return true;
  });
}

/**
 * The creator approves a held comment: it is shown to all and counted from now on. Not one the
 * site held for its watched words, which the site's moderators review (approveHeld 'site').
 * False when there was no such held comment to approve.
 */
export async function approveComment(pool: Pool, id: number, tell: Tell): Promise<boolean> {
  return withTransaction(pool, async (client) => (await approveHeld(client, id, 'creator', tell)) !== null);
}

/**
 * Approves a held comment in the caller's transaction: the creator's holds ('creator': any
 * reason but 'watched-word') or the site's ('site': 'watched-word' only, src/routes/admin-held-comments.ts).
 * The thread's root and the comment are locked in id order first, as deleteComment does. What
 * was approved (for the audit log), or null when nothing was. Those it concerns are told now
 * (`tell`, src/notifications/comment-notices.ts), as it is shown to all.
 */
export async function approveHeld(client: PoolClient, id: number, reviewer: 'creator' | 'site', tell: Tell): Promise<{ videoId: number; threadId: number | null; authorId: number; body: string; heldReason: HoldReason | null } | null> {
  await holdRankingOfComment(client, id);
  const { rows } = await client.query<{ thread_id: number | null }>(prepared('find-comment-thread', 'SELECT thread_id FROM comments WHERE id = $1', [id]));
  if (!rows[0]) return null;
  await client.query(prepared('lock-comment-thread', 'SELECT id, reply_count FROM comments WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [[rows[0].thread_id ?? id, id]]));
  const approved = await client.query<{ video_id: number; thread_id: number | null; author_id: number; body: string; held_reason: HoldReason | null }>(prepared(
    'approve-held-comment',
    `UPDATE comments c SET held = false FROM comments old
     WHERE c.id = $1 AND old.id = c.id AND c.held AND c.deleted_at IS NULL AND (c.held_reason IS NOT DISTINCT FROM 'watched-word') = $2
     RETURNING c.video_id, c.thread_id, c.author_id, c.body, old.held_reason`,
    [id, reviewer === 'site'],
  ));
  const row = approved.rows[0];
  if (!row) return null;
  await moveCounters(client, row.video_id, row.thread_id, 1, 1);
  // Its score is the one stored when it was posted (its creation time, no likes), which stays
  // its key in the current epoch so that no reader's paging sees it move; the replies it adds
  // to its root, and any likes it got while held, are counted by the next re-rank.
  await markCommentsChanged(client, row.video_id);
  await tellOfComment(client, tell, id, { approved: true });
  return { videoId: row.video_id, threadId: row.thread_id, authorId: row.author_id, body: row.body, heldReason: row.held_reason };
}

/**
 * Holds a comment again for the site's moderators after its author edited a watched word into
 * it (the caller's transaction, the comment's thread locked as approveHeld locks it): a
 * published one leaves the counts it was in; one already held by the creator's rules is the
 * moderators' from now on. False when it is deleted.
 */
export async function holdForWatchedWord(client: PoolClient, id: number): Promise<boolean> {
  await holdRankingOfComment(client, id);
  const { rows } = await client.query<{ thread_id: number | null }>(prepared('find-comment-thread', 'SELECT thread_id FROM comments WHERE id = $1', [id]));
  if (!rows[0]) return false;
  await client.query(prepared('lock-comment-thread', 'SELECT id, reply_count FROM comments WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [[rows[0].thread_id ?? id, id]]));
  const held = await client.query<{ video_id: number; thread_id: number | null; was_held: boolean }>(prepared(
    'hold-for-watched-word',
    `UPDATE comments c SET held = true, held_reason = 'watched-word' FROM comments old
     WHERE c.id = $1 AND old.id = c.id AND c.deleted_at IS NULL
     RETURNING c.video_id, c.thread_id, old.held AS was_held`,
    [id],
  ));
  const row = held.rows[0];
  if (!row) return false;
  if (!row.was_held) {
    await moveCounters(client, row.video_id, row.thread_id, -1, -1);
    await markCommentsChanged(client, row.video_id);
  }
  return true;
}

export type CommentsMode = 'on' | 'off' | 'held';
export const COMMENTS_MODES: readonly CommentsMode[] = ['on', 'off', 'held'];

/** The creator turns the video's comments on, off, or to held for review. */
export async function setCommentsMode(db: Queryable, videoId: number, mode: CommentsMode): Promise<void> {
  await db.query(prepared('set-comments-mode', 'UPDATE videos SET comments_mode = $2 WHERE id = $1', [videoId, mode]));
}
