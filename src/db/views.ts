import type { Pool } from './pool.js';
import { withTransaction } from './pool.js';
import { listed } from './visibility.js';

/**
 * Counts a view unless this viewer already counted one for this video in this clock hour; the
 * row and the counter change together (video_views_pkey finds the duplicate). Returns whether it
 * counted.
 */
export async function recordView(pool: Pool, videoId: number, viewerKey: string): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      `INSERT INTO video_views (video_id, viewer_key, hour) VALUES ($1, $2, date_trunc('hour', now()))
       ON CONFLICT DO NOTHING`,
      [videoId, viewerKey],
    );
    if (rowCount !== 1) return false;
    await client.query('UPDATE videos SET view_count = view_count + 1 WHERE id = $1', [videoId]);
    return true;
  });
}

/** Ids of the public videos most viewed in the last 7 days, most first (uses video_views_viewed_at_idx). */
export async function listPopularThisWeek(pool: Pool, limit: number): Promise<{ videoId: number; weekViews: number }[]> {
  const { rows } = await pool.query<{ video_id: number; week_views: number }>(
    `SELECT w.video_id, w.week_views FROM (
       SELECT video_id, count(*)::int AS week_views FROM video_views WHERE viewed_at > now() - interval '7 days' GROUP BY video_id
     ) w JOIN videos v ON v.id = w.video_id JOIN users u ON u.id = v.owner_id
     WHERE ${listed()}
     ORDER BY w.week_views DESC, w.video_id DESC
     LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ videoId: r.video_id, weekViews: r.week_views }));
}
