import assert from 'node:assert/strict';
import { refreshPopularVideos } from '../../src/db/popular-videos.js';
import { rollUpViews } from '../../src/db/views.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

/** Every video's views: recent rows plus rolled-up days. */
async function viewsPerVideo(): Promise<Map<number, number>> {
  const { rows } = await testPool().query(
    `SELECT video_id, sum(n)::int AS n FROM (
       SELECT video_id, count(*) AS n FROM video_views GROUP BY video_id
       UNION ALL SELECT video_id, views FROM video_view_days
     ) c GROUP BY video_id`,
  );
  return new Map(rows.map((r) => [r.video_id, r.n]));
}

/** "Popular this week" as worked out now, summing the days before today again or not. */
async function popularThisWeek(rebuildBase: boolean): Promise<unknown[]> {
  await refreshPopularVideos(testPool(), { rebuildBase });
  return (await testPool().query(`SELECT rank, video_id, views FROM popular_videos WHERE period = 'week' ORDER BY rank`)).rows;
}

describe('rollUpViews', function () {
  this.timeout(60_000);

  it('moves views of past hours into daily counts, keeping every count and "popular this week"', async () => {
    const channel = await createUser();
    const videos = [];
    for (let i = 0; i < 4; i++) videos.push(await createVideo(channel, { title: `Rolled ${i}` }));
    // [video, views, hours ago]: this hour and the last stay, older ones are rolled up; some
    // straddle the start of the week, some are long gone from it.
    const spread: [number, number, number][] = [
      [0, 30, 0], [0, 20, 1], [0, 40, 3], [0, 25, 2 * 24], [0, 10, 7 * 24 + 20],
      [1, 50, 5], [1, 35, 6 * 24 + 23], [1, 60, 7 * 24 + 1], [1, 80, 20 * 24],
      [2, 45, 2], [2, 45, 8 * 24], [3, 100, 30 * 24], [3, 1, 0],
    ];
    for (const [i, n, hoursAgo] of spread) {
      await testPool().query(
        `INSERT INTO video_views (video_id, viewer_key, hour, viewed_at)
         SELECT $1, 'roll:' || $3 || ':' || g, date_trunc('hour', t.at), t.at
         FROM generate_series(1, $2) g, (SELECT now() - $3 * interval '1 hour' AS at) t`,
        [videos[i]!.id, n, hoursAgo],
      );
    }
    const countsBefore = await viewsPerVideo();
    const popularBefore = await popularThisWeek(true);

    const moved = await rollUpViews(testPool());

    assert.ok(moved >= 40 + 25 + 10 + 50 + 35 + 60 + 80 + 45 + 45 + 100, `moved ${moved}`);
    assert.deepEqual(await viewsPerVideo(), countsBefore, 'every video has as many views as before');
    assert.deepEqual(await popularThisWeek(false), popularBefore, 'popular this week is unchanged');
    assert.deepEqual(await popularThisWeek(true), popularBefore, 'and so are the sums of the days before today');
    const { rows: left } = await testPool().query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE viewed_at < date_trunc('hour', now()) - interval '1 hour')::int AS old
       FROM video_views WHERE video_id = ANY($1)`,
      [videos.map((v) => v.id)],
    );
    assert.equal(left[0].old, 0, 'no row of an hour before the last is left');
    assert.ok(left[0].n >= 30 + 1, 'this hour\'s rows stay, to find repeated views');
    assert.equal(await rollUpViews(testPool()), 0, 'a second run finds nothing to move');
  });

  it('counts each view once when several processes roll up at the same time', async () => {
    const video = await createVideo(await createUser());
    await testPool().query(
      `INSERT INTO video_views (video_id, viewer_key, hour, viewed_at)
       SELECT $1, 'race:' || g, date_trunc('hour', t.at), t.at
       FROM generate_series(1, 25000) g CROSS JOIN LATERAL (SELECT now() - (g % 72 + 3) * interval '1 hour' AS at) t`,
      [video.id],
    );
    const moved = await Promise.all([rollUpViews(testPool()), rollUpViews(testPool()), rollUpViews(testPool())]);
    assert.ok(moved.reduce((a, b) => a + b, 0) >= 25000);
    assert.equal((await viewsPerVideo()).get(video.id), 25000);
    const { rows } = await testPool().query('SELECT count(*)::int AS n FROM video_views WHERE video_id = $1', [video.id]);
    assert.equal(rows[0].n, 0);
  });
});
