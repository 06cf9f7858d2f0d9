import assert from 'node:assert/strict';
import supertest from 'supertest';
import { POPULAR_SIZES, listPopularVideos, refreshPopularVideos } from '../../src/db/popular-videos.js';
import { REFRESH_POPULAR } from '../../src/jobs/queue.js';
import { createTestApp, useTestApp, useWorker } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

/** Views far above any other test's, so that these videos lead the site's list while this file runs. */
const MANY = 50_000_000;

/** Counted as rolled-up views of `daysAgo` (video_view_days). */
const views = (videoId: number, n: number, daysAgo: number) => testPool().query(
  `INSERT INTO video_view_days (video_id, day, views) VALUES ($1, (now() AT TIME ZONE 'UTC')::date - $3::int, $2)
   ON CONFLICT (video_id, day) DO UPDATE SET views = EXCLUDED.views`,
  [videoId, n, daysAgo]);

const storedList = async () =>
  (await testPool().query<{ rank: number; video_id: string; views: number }>(`SELECT rank, video_id, views FROM popular_videos WHERE period = 'week' ORDER BY rank`)).rows
    .map((r) => ({ rank: r.rank, videoId: Number(r.video_id), views: r.views }));

describe('popular this week', function () {
  this.timeout(60_000);
  const owners: number[] = [];
  let top: { id: number; publicId: string }[];

  before(async () => {
    const channel = await createUser();
    owners.push(channel.id);
    top = [];
    // Ten videos, the first the most viewed; their views split between days and recent rows.
    for (let i = 0; i < 10; i++) {
      const video = await createVideo(channel, { title: `Popular ${i}` });
      await views(video.id, MANY - i * 1000, 2);
      top.push(video);
    }
    await testPool().query(
      `INSERT INTO video_views (video_id, viewer_key, hour, viewed_at)
       SELECT $1, 'popular:' || g, date_trunc('hour', now()), now() FROM generate_series(1, 5) g`,
      [top[9]!.id]);
  });

  after(async () => {
    await testPool().query('DELETE FROM videos WHERE owner_id = ANY($1)', [owners]);
    await refreshPopularVideos(testPool());
  });

  it('stores the most viewed listed videos of the week, ranked, and nothing older or hidden', async () => {
    const channel = await createUser();
    owners.push(channel.id);
    const lastMonth = await createVideo(channel, { title: 'Popular last month' });
    await views(lastMonth.id, MANY * 2, 20);
    const hidden = await createVideo(channel, { title: 'Popular but private', visibility: 'private' });
    await views(hidden.id, MANY * 2, 1);

    const stored = await refreshPopularVideos(testPool(), { rebuildBase: true });

    const list = await storedList();
    assert.equal(list.length, stored);
    assert.ok(stored <= POPULAR_SIZES.stored);
    assert.deepEqual(list.map((r) => r.rank), list.map((_, i) => i + 1), 'ranks 1, 2, 3… without gaps');
    assert.deepEqual(list.slice(0, 10).map((r) => r.videoId), top.map((v) => v.id));
    assert.equal(list[9]!.views, MANY - 9000 + 5, 'recent rows and daily counts add up');
    assert.ok(!list.some((r) => r.videoId === lastMonth.id), 'views older than a week do not count');
    assert.ok(!list.some((r) => r.videoId === hidden.id), 'a private video is not stored');
  });

  it('stores the same list from the kept sums of the days before today as from summing them again', async () => {
    await refreshPopularVideos(testPool(), { rebuildBase: true });
    const summedAgain = await storedList();
    await Promise.all([refreshPopularVideos(testPool()), refreshPopularVideos(testPool())]);
    assert.deepEqual(await storedList(), summedAgain);
  });

  it('leaves out on home a video hidden after the refresh, and fills the section from the next ones', async () => {
    await refreshPopularVideos(testPool());
    await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [top[0]!.id]);
    const banned = await createUser();
    owners.push(banned.id);
    const ofBanned = await createVideo(banned, { title: 'Popular, owner banned later' });
    await views(ofBanned.id, MANY + 1, 1);
    await refreshPopularVideos(testPool(), { rebuildBase: true });
    await banUser(banned);

    assert.deepEqual((await listPopularVideos(testPool(), 'week', 8)).map((v) => v.id), top.slice(1, 9).map((v) => v.id));
    // A new app: its page cache may hold home from before.
    const html = (await supertest(createTestApp().app).get('/')).text;
    const popular = html.slice(html.indexOf('id="popular-title"'), html.indexOf('id="latest-title"'));
    assert.ok(!popular.includes(top[0]!.publicId), 'made private after the refresh');
    assert.ok(!popular.includes(ofBanned.publicId), 'owner banned after the refresh');
    for (const video of top.slice(1, 9)) assert.ok(popular.includes(video.publicId), `${video.publicId} fills the section`);
  });

  it('counts the whole week of a video that today\'s views lift from outside the kept sums', async () => {
    const channel = await createUser();
    owners.push(channel.id);
    const kept: { id: number }[] = [];
    // Seven of the days before today; six are kept (the floor is the sixth's), the seventh is not.
    for (let i = 0; i < 7; i++) {
      const video = await createVideo(channel, { title: `Kept ${i}` });
      await views(video.id, 2 * MANY - i * 1000, 2);
      kept.push(video);
    }
    const risen = await createVideo(channel, { title: 'Risen today' });
    await views(risen.id, 1000, 3);
    await views(risen.id, 2 * MANY, 0);
    await views(kept[6]!.id, 6500, 0);
    const sizes = { stored: 3, candidates: 4, baseKept: 6 };

    await refreshPopularVideos(testPool(), { sizes });
    const expected = [
      { rank: 1, videoId: risen.id, views: 2 * MANY + 1000 },
      { rank: 2, videoId: kept[6]!.id, views: 2 * MANY + 500 },
      { rank: 3, videoId: kept[0]!.id, views: 2 * MANY },
    ];
    assert.deepEqual(await storedList(), expected);
    await refreshPopularVideos(testPool(), { rebuildBase: true });
    assert.deepEqual((await storedList()).slice(0, 3), expected, 'as when every sum is kept');
  });

  describe('in the background', () => {
    useWorker(useTestApp());

    it('is worked out by a job that every worker asks pg-boss for, once a period', async () => {
      const done = async () => (await testPool().query(
        `SELECT count(*) FILTER (WHERE state = 'completed')::int AS completed, count(*) FILTER (WHERE state = 'failed')::int AS failed
         FROM pgboss.job WHERE name = $1`, [REFRESH_POPULAR])).rows[0] as { completed: number; failed: number };
      for (let tries = 0; (await done()).completed === 0 && tries < 300; tries++) await new Promise((r) => setTimeout(r, 100));
      // One a minute: a long run has several.
      const { completed, failed } = await done();
      assert.ok(completed >= 1);
      assert.equal(failed, 0);
    });
  });
});
