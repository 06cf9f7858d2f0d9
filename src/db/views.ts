import type { Pool } from './pool.js';
import { prepared } from './pool.js';
import type { ViewSource } from '../http/view-source.js';

/** Who reports a view and where from, as the request gives it. */
export interface ViewReport {
  /** See viewerKey (src/http/viewer-key.ts). */
  viewerKey: string;
  /** The signed-in account, if any: the owner's own views are never counted. */
  viewerId: number | null;
  source: ViewSource;
}

/**
 * Counts a view unless this viewer already counted one for this video in this clock hour, or is
 * the video's owner; returns whether it counted. One statement, so one round trip, and the view
 * row, the counter and the day's viewer list change together or not at all
 * (video_views_pkey finds the repeat). The view is marked first_today when the viewer was not
 * yet in the day's list (video_day_viewers_pkey): two reports racing for the same viewer wait
 * on that key, and the second then finds the first's view row and does not count.
 * A signed-in viewer's counted view also marks the video watched by that account
 * (watched_videos, the first time only), which "Remove watched videos" on Watch later reads.
 */
export async function recordView(pool: Pool, videoId: number, report: ViewReport): Promise<boolean> {
  const { rows } = await pool.query<{ counted: number }>(prepared(
    'insert-view',
    `WITH video AS (
       SELECT id FROM videos WHERE id = $1 AND owner_id IS DISTINCT FROM $3::bigint
     ),
     new_today AS (
       INSERT INTO video_day_viewers (day, video_id, viewer_key)
       SELECT (now() AT TIME ZONE 'UTC')::date, id, $2 FROM video
       ON CONFLICT DO NOTHING
       RETURNING video_id
     ),
     counted AS (
       INSERT INTO video_views (video_id, viewer_key, hour, source, first_today)
       SELECT id, $2, date_trunc('hour', now()), $4, EXISTS (SELECT 1 FROM new_today) FROM video
       ON CONFLICT DO NOTHING
       RETURNING video_id
     ),
     bumped AS (
       UPDATE videos SET view_count = view_count + 1 WHERE id IN (SELECT video_id FROM counted)
     ),
     watched AS (
       INSERT INTO watched_videos (user_id, video_id)
       SELECT $3::bigint, video_id FROM counted WHERE $3::bigint IS NOT NULL
       ON CONFLICT DO NOTHING
     )
     SELECT count(*)::int AS counted FROM counted`,
    [videoId, report.viewerKey, report.viewerId, report.source],
  ));
  return rows[0]!.counted === 1;
}

/** Rows moved per statement, so that a first roll-up of a large table holds its locks briefly. */
const ROLL_UP_BATCH = 10_000;

/**
 * Moves the views of clock hours before the previous one into daily counts (video_view_days,
 * with the day's distinct viewers) and counts per day and source (video_view_sources), and
 * returns how many it moved. A new view is always of the current hour, so older rows are
 * only needed for counting; the previous hour stays for a transaction that began in it and has
 * not yet written. Each batch is one statement, so the rows leave video_views and enter the
 * daily counts at once: a reader sees them in one table or the other, never both or neither.
 * The view counters on videos are not touched. Several processes may run it at the same time:
 * SKIP LOCKED leaves each the rows the others are moving; the upserts go in key order, so two
 * of them never wait on each other crosswise. Rows are found in viewed_at order through
 * video_views_viewed_at_idx (viewed_at and hour are set in the same statement, so
 * hour = date_trunc('hour', viewed_at)).
 *
 * Distinct viewers, although a day's views arrive in many batches: each view already says
 * whether it was its viewer's first of the day (first_today, decided by recordView against
 * video_day_viewers), so a batch adds its first views and no batch needs the others' keys.
 * Exact, and no viewer key outlives its day. (Keeping keys per day to count them here would
 * store every day's keys; an estimate such as HyperLogLog needs an extension the embedded
 * Postgres lacks.) Distinct viewers over a period are the sum of its days: signed-out viewers'
 * keys change every day by design (viewer-key.ts), so nobody can be followed across days.
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
         RETURNING w.video_id, w.viewed_at, w.source, w.first_today
       ),
       per_source AS (
         SELECT video_id, (viewed_at AT TIME ZONE 'UTC')::date AS day, source,
                count(*) AS views, count(*) FILTER (WHERE first_today) AS viewers
         FROM moved GROUP BY 1, 2, 3
       ),
       added AS (
         INSERT INTO video_view_days AS d (video_id, day, views, viewers)
         SELECT video_id, day, sum(views), sum(viewers) FROM per_source GROUP BY 1, 2 ORDER BY 1, 2
         ON CONFLICT (video_id, day) DO UPDATE SET views = d.views + EXCLUDED.views, viewers = d.viewers + EXCLUDED.viewers
       ),
       sourced AS (
         INSERT INTO video_view_sources AS s (video_id, day, source, views)
         SELECT video_id, day, source, views FROM per_source ORDER BY 1, 2, 3
         ON CONFLICT (video_id, day, source) DO UPDATE SET views = s.views + EXCLUDED.views
       )
       SELECT count(*)::int AS moved FROM moved`,
      [ROLL_UP_BATCH],
    );
    total += rows[0]!.moved;
    if (rows[0]!.moved < ROLL_UP_BATCH) break;
  }
  await pruneDayViewers(pool);
  return total;
}

/**
 * Forgets the viewers of days that are over (an hour after midnight UTC, for a report that
 * began before it), in batches like the roll-up; their views already carry first_today.
 */
async function pruneDayViewers(pool: Pool): Promise<void> {
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM video_day_viewers WHERE (day, video_id, viewer_key) IN (
         SELECT day, video_id, viewer_key FROM video_day_viewers
         WHERE day < ((now() - interval '1 hour') AT TIME ZONE 'UTC')::date
         LIMIT $1
       )`,
      [ROLL_UP_BATCH],
    );
    if ((rowCount ?? 0) < ROLL_UP_BATCH) return;
  }
}
