import type { Pool, PoolClient, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';
import { WITH_OWNER, toVideoWithOwner, type VideoWithOwner } from './videos.js';
import { listed } from './visibility.js';

/*
 * "Popular this week": the most viewed videos, worked out by one worker every minute
 * (src/jobs/handlers/popular-videos.ts) and stored in popular_videos, so that home reads a few
 * rows by the primary key whatever the catalogue's size. Summing a week of counts takes seconds
 * at a million videos (1.7 million daily counts into 780,000 sums); a web process doing it for
 * home made the page's cost grow with the catalogue.
 *
 * The refresh itself sums the whole week only once an hour: the 7 days before today hardly
 * change (only the roll-up moves their rows, keeping every sum), so their sums are kept for the
 * 5,000 most viewed videos (popular_base_videos) with the floor no other video exceeds. Each
 * minute only today's views are summed and added; a video outside the kept ones can reach the
 * top only if today's views lift it from the floor past the candidates' last, and only those
 * have their days read. The result is the same as summing the week each time, but for videos
 * tied exactly at the floor, far below what home shows. How much it saves depends on how
 * uneven the views are: the seeded catalogue's are nearly flat (the most viewed has 11 in a
 * week), so there every video viewed today is read and a minute's refresh takes half the time of
 * the whole week's sum (1.3–1.8 s against 2.7–3.2 s at a million videos); with views falling off
 * as on real sites (the same catalogue with 200,000 videos' views made 200,000/rank), 200 videos
 * are read and it takes 0.26–0.31 s.
 */

export type PopularPeriod = 'week';

export interface PopularSizes {
  /**
   * Ids kept per list; home shows 8. The page leaves out any video hidden since the list was
   * worked out (made private, deleted, owner banned), so the spare ones keep the section full
   * until the next refresh.
   */
  stored: number;
  /**
   * The most viewed are ranked before anything is joined, and only the first this many are
   * checked for visibility: should more than that share of them be hidden, fewer are stored.
   */
  candidates: number;
  /** Videos whose sums of the days before today are kept between hourly refreshes; at least `candidates`. */
  baseKept: number;
}

export const POPULAR_SIZES: PopularSizes = { stored: 200, candidates: 1000, baseKept: 5000 };

/** The days before today are summed again once this old, so that counts written into past days (a seed, a restore) show within the hour. */
const BASE_MAX_AGE_SECONDS = 3600;

/**
 * Memory for summing in one pass: with the default (4 MB) a million-video catalogue's weekly
 * sums spill to disk in batches, about a quarter of their time. Only for this transaction, in
 * the one worker that runs it.
 */
const REFRESH_WORK_MEM = '64MB';

/** Days are UTC days, as video_view_days counts them; whole days, so a roll-up changes no sum. */
const TODAY = `(now() AT TIME ZONE 'UTC')::date`;
const TODAY_START = `(date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
const WEEK_START = `((date_trunc('day', now() AT TIME ZONE 'UTC') - interval '7 days') AT TIME ZONE 'UTC')`;

/**
 * Works out the listed videos most viewed this week (today so far and the 7 days before) and
 * replaces the stored list; returns how many it stored. `rebuildBase` sums the days before
 * today again now (for a caller that has just written views into them). Each sum reads recent
 * rows (video_views_viewed_at_idx) and daily counts (video_view_days_day_idx) in one statement,
 * so a roll-up running meanwhile is seen entirely or not at all. The table lock conflicts with
 * itself only (readers take ACCESS SHARE): two refreshes at once take turns rather than
 * inserting the same ranks, and readers see the old list until commit.
 */
export async function refreshPopularVideos(pool: Pool, options: { rebuildBase?: boolean; sizes?: PopularSizes } = {}): Promise<number> {
  const sizes = options.sizes ?? POPULAR_SIZES;
  return withTransaction(pool, async (client) => {
    await client.query('LOCK TABLE popular_videos IN SHARE ROW EXCLUSIVE MODE');
    await client.query(`SET LOCAL work_mem = '${REFRESH_WORK_MEM}'`);
    if (options.rebuildBase || !(await baseIsCurrent(client, sizes))) await rebuildBase(client, sizes);
    await client.query(prepared('delete-popular-videos', 'DELETE FROM popular_videos WHERE period = $1', ['week']));
    const { rowCount } = await client.query(prepared(
      'insert-popular-this-week',
      `WITH today AS MATERIALIZED (
         SELECT video_id, sum(views)::int AS views FROM (
           SELECT video_id, count(*) AS views FROM video_views WHERE viewed_at >= ${TODAY_START} GROUP BY video_id
           UNION ALL
           SELECT video_id, views FROM video_view_days WHERE day = ${TODAY}
         ) counts GROUP BY video_id
       ),
       known AS MATERIALIZED (
         SELECT b.video_id, b.views + coalesce(t.views, 0) AS week_views
         FROM popular_base_videos b LEFT JOIN today t ON t.video_id = b.video_id
         WHERE b.period = $1
       ),
       -- What today's views must reach to lift a video from the floor to the last candidate;
       -- with fewer candidates than wanted, every video viewed today is one.
       bar AS MATERIALIZED (
         SELECT CASE WHEN count(*) < $3::int THEN 0 ELSE min(week_views) - (SELECT floor FROM popular_bases WHERE period = $1) END AS today_needed
         FROM (SELECT week_views FROM known ORDER BY week_views DESC LIMIT $3) best
       ),
       rising AS MATERIALIZED (
         SELECT t.video_id, t.views
           + coalesce((SELECT sum(d.views) FROM video_view_days d WHERE d.video_id = t.video_id AND d.day >= ${TODAY} - 7 AND d.day < ${TODAY}), 0)::int
           + (SELECT count(*) FROM video_views w WHERE w.video_id = t.video_id AND w.viewed_at >= ${WEEK_START} AND w.viewed_at < ${TODAY_START})::int AS week_views
         FROM today t
         WHERE t.views >= (SELECT today_needed FROM bar)
           AND NOT EXISTS (SELECT 1 FROM popular_base_videos b WHERE b.period = $1 AND b.video_id = t.video_id)
       ),
       top AS MATERIALIZED (
         SELECT video_id, week_views FROM known UNION ALL SELECT video_id, week_views FROM rising
         ORDER BY week_views DESC, video_id DESC
         LIMIT $3
       )
       INSERT INTO popular_videos (period, rank, video_id, views)
       SELECT $1, row_number() OVER (ORDER BY w.week_views DESC, w.video_id DESC), w.video_id, w.week_views
       FROM top w JOIN videos v ON v.id = w.video_id JOIN users u ON u.id = v.owner_id
       WHERE ${listed()}
       ORDER BY w.week_views DESC, w.video_id DESC
       LIMIT $2`,
      ['week', sizes.stored, sizes.candidates],
    ));
    return rowCount ?? 0;
  });
}

/** Whether the kept sums of the days before today were worked out today, at these sizes, within the hour. */
async function baseIsCurrent(client: PoolClient, sizes: PopularSizes): Promise<boolean> {
  const { rowCount } = await client.query(prepared(
    'find-current-popular-base',
    `SELECT 1 FROM popular_bases
     WHERE period = $1 AND day = ${TODAY} AND kept = $2 AND computed_at >= now() - $3::int * interval '1 second'`,
    ['week', sizes.baseKept, BASE_MAX_AGE_SECONDS],
  ));
  return rowCount === 1;
}

/** Sums the 7 days before today per video and keeps the baseKept most viewed, with the floor below them. */
async function rebuildBase(client: PoolClient, sizes: PopularSizes): Promise<void> {
  await client.query(prepared('delete-popular-base-videos', 'DELETE FROM popular_base_videos WHERE period = $1', ['week']));
  await client.query(prepared(
    'insert-popular-base-videos',
    `INSERT INTO popular_base_videos (period, video_id, views)
     SELECT $1, video_id, sum(views)::int FROM (
       SELECT video_id, count(*) AS views FROM video_views WHERE viewed_at >= ${WEEK_START} AND viewed_at < ${TODAY_START} GROUP BY video_id
       UNION ALL
       SELECT video_id, views FROM video_view_days WHERE day >= ${TODAY} - 7 AND day < ${TODAY}
     ) counts GROUP BY video_id
     ORDER BY sum(views) DESC, video_id DESC
     LIMIT $2`,
    ['week', sizes.baseKept],
  ));
  await client.query(prepared(
    'upsert-popular-base',
    `INSERT INTO popular_bases (period, day, kept, floor)
     SELECT $1, ${TODAY}, $2::int, CASE WHEN count(*) < $2::int THEN 0 ELSE min(views) END FROM popular_base_videos WHERE period = $1
     ON CONFLICT (period) DO UPDATE SET day = EXCLUDED.day, kept = EXCLUDED.kept, floor = EXCLUDED.floor, computed_at = now()`,
    ['week', sizes.baseKept],
  ));
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
