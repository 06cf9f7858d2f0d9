import type { Pool, PoolClient, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';

/**
 * The stored ranking of the "Top" sort (sql/migrations/1763683200920_comments-top.sql has the
 * score, comment_top_score, and why). A like does not move its comment in the ranking: it marks
 * the video's comments changed, and a re-rank (rankVideos, run by the worker's
 * COMMENTS_RERANK job for videos marked at least RERANK_MIN_INTERVAL ago, and by the seeder)
 * recomputes every root of the video in one transaction, keeping the previous scores and
 * bumping the video's epoch, so that a reader paging meanwhile keeps a fixed order
 * (comment-top-listing.ts).
 *
 * Locks. A re-rank takes the video's ranking lock exclusively, then the video row, then the
 * roots, and clears the video's mark (comment_rank_changes). Every write that changes what a
 * score counts (a like, a reply posted, deleted or approved) takes the same lock shared first
 * and marks the video changed last: a re-rank therefore never runs while such a write is in
 * flight, and a write after it marks the video again, so no change is lost between the mark and
 * the recount.
 */

/** Namespace of the per-video ranking lock (first argument of the two-integer advisory locks; posting uses 11). */
const RANK_LOCK = 12;
/**
 * A video's comments are ranked again at most this often. A cursor stays good while the video's
 * epoch is its own or the next (see comment-top-listing.ts), so any paging session shorter than
 * this is never sent back to the first page.
 */
export const RERANK_MIN_INTERVAL_SECONDS = 10 * 60;
/** Videos ranked together by rankAllVideoComments, one transaction each batch. */
const RANK_ALL_BATCH = 500;

/** Ids past 2^31 fold onto others, which only makes two videos' writes and re-ranks wait for each other. */
const KEY = (param: string) => `(${param}::bigint % 2147483647)::int`;

/** Takes the video's ranking lock shared, for a write that changes likes, dislikes or replies. */
export async function holdRanking(client: PoolClient, videoId: number): Promise<void> {
  await client.query(prepared('hold-comment-ranking', `SELECT pg_advisory_xact_lock_shared($1, ${KEY('$2')})`, [RANK_LOCK, videoId]));
}

/** holdRanking for the video of comment `commentId`, found in the same statement (nothing when the comment is gone). */
export async function holdRankingOfComment(client: PoolClient, commentId: number): Promise<void> {
  await client.query(prepared(
    'hold-comment-ranking-of-comment',
    `SELECT pg_advisory_xact_lock_shared($1, ${KEY('video_id')}) FROM comments WHERE id = $2`,
    [RANK_LOCK, commentId],
  ));
}

/**
 * Marks the video's comments changed since their last ranking (after holdRanking, in the same
 * transaction, as its last write: the mark's key is then the last lock the write takes, so it
 * closes no circle with the row locks). Only the first mark after a re-rank writes a row.
 */
export async function markCommentsChanged(client: PoolClient, videoId: number): Promise<void> {
  await client.query(prepared(
    'mark-comments-changed',
    'INSERT INTO comment_rank_changes (video_id) VALUES ($1) ON CONFLICT (video_id) DO NOTHING',
    [videoId],
  ));
}

/** markCommentsChanged for the video of comment `commentId`. */
export async function markCommentsChangedOfComment(client: PoolClient, commentId: number): Promise<void> {
  await client.query(prepared(
    'mark-comments-changed-of-comment',
    'INSERT INTO comment_rank_changes (video_id) SELECT video_id FROM comments WHERE id = $1 ON CONFLICT (video_id) DO NOTHING',
    [commentId],
  ));
}

/**
 * Ranks the roots of these videos again, in one transaction: each root's score moves to
 * prev_top_score and its new one is computed from its counters, the videos' epochs go up by one
 * and their changed mark is cleared. Rows whose previous and current scores would stay as they
 * are are not rewritten (after two re-ranks, most of a video's comments). Returns the number of
 * roots rewritten.
 */
export async function rankVideos(pool: Pool, videoIds: number[]): Promise<number> {
  const ids = [...new Set(videoIds)].sort((a, b) => a - b);
  if (ids.length === 0) return 0;
  return withTransaction(pool, async (client) => {
    // In id order (unnest keeps the array's), so two batches never wait on each other in a circle.
    await client.query(prepared('lock-comment-rankings', `SELECT pg_advisory_xact_lock($1, ${KEY('id')}) FROM unnest($2::bigint[]) AS id`, [RANK_LOCK, ids]));
    await client.query(prepared(
      'bump-comments-epoch',
      'UPDATE videos SET comments_top_epoch = comments_top_epoch + 1, comments_ranked_at = now() WHERE id = ANY($1::bigint[])',
      [ids],
    ));
    await client.query(prepared('clear-comment-rank-changes', 'DELETE FROM comment_rank_changes WHERE video_id = ANY($1::bigint[])', [ids]));
    // comments_video_roots_idx finds the roots.
    const { rowCount } = await client.query(prepared(
      'rank-video-comments',
      `UPDATE comments SET prev_top_score = top_score, top_score = comment_top_score(like_count, dislike_count, reply_count, created_at)
       WHERE video_id = ANY($1::bigint[]) AND thread_id IS NULL
         AND (prev_top_score IS DISTINCT FROM top_score OR top_score <> comment_top_score(like_count, dislike_count, reply_count, created_at))`,
      [ids],
    ));
    return rowCount ?? 0;
  });
}

/** Ranks one video's comments again now (rankVideos for one). */
export async function rankVideoComments(pool: Pool, videoId: number): Promise<number> {
  return rankVideos(pool, [videoId]);
}

/**
 * Ranks again every video that has comments, RANK_ALL_BATCH videos a transaction: for the
 * seeder after a bulk load. Each comment inserted got its score from the counters it was
 * inserted with (the insert trigger); likes and replies added to it afterwards without the
 * writes here (rateComment, insertComment) count only once this has run. Returns the number of
 * videos ranked.
 */
export async function rankAllVideoComments(pool: Pool): Promise<number> {
  let after = 0;
  let ranked = 0;
  for (;;) {
    const { rows } = await pool.query<{ id: number }>(prepared(
      'list-videos-with-comments',
      `SELECT v.id FROM videos v WHERE v.id > $1 AND EXISTS (SELECT 1 FROM comments c WHERE c.video_id = v.id AND c.thread_id IS NULL)
       ORDER BY v.id LIMIT $2`,
      [after, RANK_ALL_BATCH],
    ));
    if (rows.length === 0) return ranked;
    const ids = rows.map((r) => r.id);
    await rankVideos(pool, ids);
    ranked += ids.length;
    after = ids.at(-1)!;
  }
}

/**
 * Ranks again the videos whose comments changed and were last ranked at least
 * RERANK_MIN_INTERVAL_SECONDS ago (or never), up to `limit` of them, oldest change first, one
 * transaction each (the locks of a busy video are held only for its own recount). Returns how
 * many it ranked; the worker's job runs again soon for the rest.
 */
export async function rankChangedVideos(pool: Pool, options: { limit?: number; minIntervalSeconds?: number } = {}): Promise<number> {
  const due = await findVideosToRank(pool, options.limit ?? 200, options.minIntervalSeconds ?? RERANK_MIN_INTERVAL_SECONDS);
  for (const id of due) await rankVideos(pool, [id]);
  return due.length;
}

/** Videos marked changed and due, oldest mark first (a deleted video's mark is due at once, and cleared by its "ranking"). */
async function findVideosToRank(db: Queryable, limit: number, minIntervalSeconds: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(prepared(
    'find-videos-to-rank',
    `SELECT c.video_id AS id FROM comment_rank_changes c LEFT JOIN videos v ON v.id = c.video_id
     WHERE v.comments_ranked_at IS NULL OR v.comments_ranked_at <= now() - make_interval(secs => $2)
     ORDER BY c.changed_at LIMIT $1`,
    [limit, minIntervalSeconds],
  ));
  return rows.map((r) => r.id);
}
