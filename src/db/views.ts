import type { Pool } from './pool.js';
import { prepared, withTransaction } from './pool.js';
import { listed } from './visibility.js';

/**
 * Counts a view unless this viewer already counted one for this video in this clock hour; the
 * row and the counter change together (video_views_pkey finds the duplicate). Returns whether it
 * counted.
 */
export async function recordView(pool: Pool, videoId: number, viewerKey: string): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(prepared(
      'insert-view',
      `INSERT INTO video_views (video_id, viewer_key, hour) VALUES ($1, $2, date_trunc('hour', now()))
       ON CONFLICT DO NOTHING`,
      [videoId, viewerKey],
    ));
    if (rowCount !== 1) return false;
    await client.query(prepared('count-view', 'UPDATE videos SET view_count = view_count + 1 WHERE id = $1', [videoId]));
    return true;
  });
}

/** Rows moved per statement, so that a first roll-up of a large table holds its locks briefly. */
const ROLL_UP_BATCH = 10_000;

/**
 * Moves the views of clock hours before the previous one into daily counts (video_view_days),
 * and returns how many it moved. A new view is always of the current hour, so older rows are
 * only needed for counting; the previous hour stays for a transaction that began in it and has
 * not yet written. Each batch is one statement, so the rows leave video_views and enter the
 * daily counts at once: a reader sees them in one table or the other, never both or neither.
 * The view counters on videos are not touched. Several processes may run it at the same time:
 * SKIP LOCKED leaves each the rows the others are moving. Rows are found in viewed_at order
 * through video_views_viewed_at_idx (viewed_at and hour are set in the same statement, so
 * hour = date_trunc('hour', viewed_at)).
 */
export async function rollUpViews(pool: Pool): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await pool.query<{ moved: number }>(
      `WITH picked AS (
         SELECT video_id, viewer_key, hour FROM video_views
         WHERE viewed_at < date_trunc('hour', now()) - interval '1 hour'
         ORDER BY viewed_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       ),
       moved AS (
         DELETE FROM video_views w USING picked p
         WHERE w.video_id = p.video_id AND w.viewer_key = p.viewer_key AND w.hour = p.hour
         RETURNING w.video_id, w.viewed_at
       ),
       added AS (
         INSERT INTO video_view_days AS d (video_id, day, views)
         SELECT video_id, (viewed_at AT TIME ZONE 'UTC')::date, count(*) FROM moved GROUP BY 1, 2
         ON CONFLICT (video_id, day) DO UPDATE SET views = d.views + EXCLUDED.views
       )
       SELECT count(*)::int AS moved FROM moved`,
      [ROLL_UP_BATCH],
    );
    total += rows[0]!.moved;
    if (rows[0]!.moved < ROLL_UP_BATCH) return total;
  }
}
