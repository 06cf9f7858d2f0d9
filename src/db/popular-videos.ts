import type { Pool, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';
import { WITH_OWNER, toVideoWithOwner, type VideoWithOwner } from './videos.js';
import { listed } from './visibility.js';

/*
 * "Popular this week": the most viewed videos, worked out by one worker every minute
 * (src/jobs/handlers/popular-videos.ts) and stored in popular_videos, so that home reads a few
 * rows by the primary key whatever the catalogue's size. Summing a week of counts takes seconds
 * at a million videos (1.7 million daily counts hashed, 780,000 sums ranked); a web process
 * doing it on a page view made the page's cost grow with the catalogue.
 */

export type PopularPeriod = 'week';

/**
 * Ids kept per list; home shows 8. The page leaves out any video hidden since the list was
 * worked out (made private, deleted, owner banned), so the spare ones keep the section full
 * until the next refresh, a minute later at most.
 */
export const POPULAR_STORED = 200;

/**
 * The most viewed are ranked before anything is joined, and only the first this many are
 * checked for visibility: joining every video of a week's counts before ranking would read
 * 780,000 rows at a million videos. Should more than this share of the top be hidden, the list
 * holds fewer than POPULAR_STORED.
 */
const CANDIDATES_PER_STORED = 5;

/**
 * Memory for summing the week in one pass: with the default (4 MB) the sums of a million-video
 * catalogue spill to disk in batches, about a third of the refresh's time. Only for this
 * transaction, in the one worker that runs it.
 */
const REFRESH_WORK_MEM = '64MB';

/**
 * Works out the listed videos most viewed this week and replaces the stored list; returns how
 * many it stored. This week is today (UTC) so far and the 7 days before, whole days so that
 * rolled-up daily counts and recent rows add up the same before and after a roll-up; one
 * statement reads both, so a roll-up running meanwhile is seen entirely or not at all. Recent
 * rows through video_views_viewed_at_idx, days through video_view_days_day_idx.
 * The table lock conflicts with itself only (readers take ACCESS SHARE): two refreshes at once
 * take turns rather than inserting the same ranks, and readers see the old list until commit.
 */
export async function refreshPopularVideos(pool: Pool): Promise<number> {
  return withTransaction(pool, async (client) => {
    await client.query('LOCK TABLE popular_videos IN SHARE ROW EXCLUSIVE MODE');
    await client.query(`SET LOCAL work_mem = '${REFRESH_WORK_MEM}'`);
    await client.query(prepared('delete-popular-videos', 'DELETE FROM popular_videos WHERE period = $1', ['week']));
    const { rowCount } = await client.query(prepared(
      'insert-popular-this-week',
      `WITH top AS MATERIALIZED (
         SELECT video_id, sum(views)::int AS week_views FROM (
           SELECT video_id, count(*) AS views FROM video_views
           WHERE viewed_at >= (date_trunc('day', now() AT TIME ZONE 'UTC') - interval '7 days') AT TIME ZONE 'UTC'
           GROUP BY video_id
           UNION ALL
           SELECT video_id, views FROM video_view_days WHERE day >= (now() AT TIME ZONE 'UTC')::date - 7
         ) counts GROUP BY video_id
         ORDER BY week_views DESC, video_id DESC
         LIMIT $3
       )
       INSERT INTO popular_videos (period, rank, video_id, views)
       SELECT $1, row_number() OVER (ORDER BY w.week_views DESC, w.video_id DESC), w.video_id, w.week_views
       FROM top w JOIN videos v ON v.id = w.video_id JOIN users u ON u.id = v.owner_id
       WHERE ${listed()}
       ORDER BY w.week_views DESC, w.video_id DESC
       LIMIT $2`,
      ['week', POPULAR_STORED, POPULAR_STORED * CANDIDATES_PER_STORED],
    ));
    return rowCount ?? 0;
  });
}

/**
 * The stored list's videos that are listed now, most viewed first (popular_videos_pkey, then
 * videos_pkey and users_pkey per row, stopping at `limit`). Empty until the first refresh.
 */
export async function listPopularVideos(db: Queryable, period: PopularPeriod, limit: number): Promise<VideoWithOwner[]> {
  const { rows } = await db.query(prepared(
    'list-popular-videos',
    `SELECT ${WITH_OWNER} FROM popular_videos p
     JOIN videos v ON v.id = p.video_id JOIN users u ON u.id = v.owner_id
     WHERE p.period = $1 AND ${listed()}
     ORDER BY p.rank
     LIMIT $2`,
    [period, limit],
  ));
  return rows.map(toVideoWithOwner);
}
