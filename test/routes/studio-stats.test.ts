import assert from 'node:assert/strict';
import supertest from 'supertest';
import { rollUpViews } from '../../src/db/views.js';
import { lastDays } from '../../src/db/video-stats.js';
import { viewToken } from '../../src/http/viewer-key.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { postForm } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

/** The secret test apps sign with (test/helpers/app.ts). */
const SECRET = 'test-secret-that-is-long-enough-for-sessions';

/** The page's table of days: day → [views, unique viewers, likes, dislikes]. */
function dayTable(html: string): Map<string, number[]> {
  const rows = [...html.matchAll(/<tr data-day="([\d-]+)">(.*?)<\/tr>/g)];
  return new Map(rows.map(([, day, cells]) => [day!, [...cells!.matchAll(/<td class="num">([\d,]+)<\/td>/g)].map((m) => Number(m[1]!.replace(/,/g, '')))]));
}

/** The page's table of sources: label → views. */
function sourceTable(html: string): Map<string, number> {
  const table = /<table class="studio-table stats-sources"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
  return new Map([...table.matchAll(/<th scope="row">([^<]+)<\/th><td class="num">([\d,]+)<\/td>/g)].map((m) => [m[1]!, Number(m[2]!.replace(/,/g, ''))]));
}

function parseCsv(text: string): string[][] {
  // Enough for this file: no cell of the test's data holds a line break.
  return text.trim().split('\r\n').map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => m[1]!).slice(0, -1)
    .map((cell) => (cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell)));
}

describe('studio statistics', function () {
  this.timeout(60_000);
  const t = useTestApp();

  async function report(agent: Agent | ReturnType<typeof supertest.agent>, publicId: string, referrer?: string) {
    const form: Record<string, string> = { token: viewToken(SECRET, publicId) };
    if (referrer !== undefined) form.referrer = referrer;
    return agent.post(`/watch/${publicId}/view`).type('form').send(form);
  }

  describe('GET /studio/videos/:id/stats and /stats.csv', () => {
    it('shows seeded views, viewers and ratings per day, in the table and the CSV, for each period', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { title: 'Counted' });
      const days = lastDays(90);
      const ago = (n: number) => days[days.length - 1 - n]!;
      // [days ago, views, viewers]: rolled-up days inside and outside each period.
      for (const [n, views, viewers] of [[1, 120, 80], [5, 30, 20], [20, 7, 7], [60, 1000, 900], [100, 55, 50]] as const) {
        await testPool().query('INSERT INTO video_view_days (video_id, day, views, viewers) VALUES ($1, $2::date - $3::int, $4, $5)', [video.id, lastDays(1)[0], n, views, viewers]);
      }
      await testPool().query(`INSERT INTO video_view_sources (video_id, day, source, views) VALUES ($1, $2::date - 1, 'search', 100), ($1, $2::date - 1, 'home', 20)`, [video.id, lastDays(1)[0]]);
      // Today's views not yet rolled up: three, two of them first views of their viewer today.
      await testPool().query(
        `INSERT INTO video_views (video_id, viewer_key, hour, viewed_at, source, first_today)
         SELECT $1, 'seen:' || g, date_trunc('hour', now()), now(), 'embed', g < 3 FROM generate_series(1, 3) g`,
        [video.id],
      );
      await testPool().query('INSERT INTO video_rating_days (video_id, day, likes, dislikes, likes_removed) VALUES ($1, $2::date - 2, 5, 1, 1)', [video.id, lastDays(1)[0]]);
      // Today's ratings through the page's form: two likes and a dislike, then a like changed to a dislike.
      const raters = await Promise.all([1, 2, 3].map(async () => signedInAgent(t.app, await createUser())));
      for (const [i, value] of [[0, 'like'], [1, 'like'], [2, 'dislike'], [1, 'dislike'], [0, 'like']] as const) {
        assert.equal((await postForm(raters[i]!, `/watch/${video.publicId}/rate`, { value })).status, 303);
      }

      const agent = await signedInAgent(t.app, owner);
      const week = await agent.get(`/studio/videos/${video.publicId}/stats?period=7`);
      assert.equal(week.status, 200);
      const table = dayTable(week.text);
      assert.equal(table.size, 7);
      assert.deepEqual(table.get(ago(0)), [3, 2, 2, 2, 1, 0], 'a resubmitted like changes nothing');
      assert.deepEqual(table.get(ago(1)), [120, 80, 0, 0, 0, 0]);
      assert.deepEqual(table.get(ago(2)), [0, 0, 5, 1, 1, 0]);
      assert.deepEqual(table.get(ago(5)), [30, 20, 0, 0, 0, 0]);
      assert.match(week.text, /<dt>Likes given<\/dt><dd>7<\/dd>/);
      assert.match(week.text, /<dt>Views<\/dt><dd>153<\/dd>/);
      assert.match(week.text, /<dt>Unique viewers<\/dt><dd>102<\/dd>/);
      assert.match(week.text, /<svg class="bar-chart"[^>]*role="img"/);
      assert.match(week.text, /<title>[^<]*: 120 views<\/title>/, 'each bar says its day and count');
      assert.deepEqual(Object.fromEntries(sourceTable(week.text)), {
        Search: 100, 'Home page and feeds': 20, 'Embedded player': 3, 'Not recorded (counted before sources were)': 30,
        'Another watch page': 0, 'Channel pages': 0, Playlists: 0, 'Other sites': 0, 'Direct or unknown': 0,
      });

      assert.equal(dayTable((await agent.get(`/studio/videos/${video.publicId}/stats`)).text).size, 28, '28 days unless asked');
      const quarter = await agent.get(`/studio/videos/${video.publicId}/stats?period=90`);
      assert.match(quarter.text, /<dt>Views<\/dt><dd>1,160<\/dd>/, 'the 100-day-old day is outside');

      const csv = await agent.get(`/studio/videos/${video.publicId}/stats.csv?period=28`);
      assert.equal(csv.status, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(String(csv.headers['content-disposition']), new RegExp(`^attachment; filename="?${video.publicId}-statistics-28-days.csv"?$`));
      const rows = parseCsv(csv.text);
      assert.deepEqual(rows[0], ['date', 'video', 'title', 'views', 'unique_viewers', 'likes', 'dislikes', 'likes_removed', 'dislikes_removed', 'views_home', 'views_search', 'views_related', 'views_channel', 'views_playlist', 'views_embed', 'views_external', 'views_direct']);
      assert.equal(rows.length, 1 + 28);
      const byDay = new Map(rows.slice(1).map((r) => [r[0], r]));
      assert.deepEqual(byDay.get(ago(1)), [ago(1), video.publicId, 'Counted', '120', '80', '0', '0', '0', '0', '20', '100', '0', '0', '0', '0', '0', '0']);
      assert.deepEqual(byDay.get(ago(20))!.slice(3, 5), ['7', '7']);
      assert.deepEqual(byDay.get(ago(0))!.slice(3, 5), ['3', '2']);
    });

    it('classifies each counted view by the referrer the player reports', async () => {
      const video = await createVideo(await createUser());
      const site = t.config.publicUrl.origin;
      const cases: [string | undefined, string][] = [
        [undefined, 'direct'], ['', 'direct'], [`${site}/`, 'home'], [`${site}/feed/subscriptions`, 'home'],
        [`${site}/search?q=cats`, 'search'], [`${site}/watch/AAAAAAAAAAA`, 'related'], [`${site}/@someone`, 'channel'],
        [`${site}/playlist/PL123`, 'playlist'], [`${site}/watch/AAAAAAAAAAA?list=PL123`, 'playlist'], [`${site}/embed/${video.publicId}`, 'embed'],
        ['https://elsewhere.example/page', 'external'], ['not a url', 'direct'], ['javascript:alert(1)', 'direct'],
        [`https://elsewhere.example/${'x'.repeat(10_000)}`, 'external'],
      ];
      for (const [referrer, source] of cases) {
        const viewer = await signedInAgent(t.app, await createUser());
        const res = await report(viewer, video.publicId, referrer);
        assert.equal(res.status, 201, `${String(referrer).slice(0, 60)} answered ${res.status}`);
        const { rows } = await testPool().query('SELECT source FROM video_views WHERE video_id = $1 ORDER BY viewed_at DESC, ctid DESC LIMIT 1', [video.id]);
        assert.equal(rows[0].source, source, String(referrer).slice(0, 60));
      }
    });

    it('has the embed page report its views as embedded, with a token of its own', async () => {
      const video = await createVideo(await createUser());
      await attachRendition(video);
      const embed = await supertest(t.app).get(`/embed/${video.publicId}`);
      assert.equal(embed.status, 200);
      assert.match(embed.text, new RegExp(`<video id="embed-player"[^>]*data-view-url="/watch/${video.publicId}/view"`));
      const token = /data-view-token="([^"]+)"/.exec(embed.text)?.[1];
      assert.ok(token);
      assert.match(embed.text, /<script type="module" src="\/static\/js\/embed-view\.[0-9a-f]+\.js"><\/script>/);
      // What embed-view.js sends: the token and the embed page's own address.
      const res = await supertest(t.app).post(`/watch/${video.publicId}/view`).type('form').send({ token, referrer: `${t.config.publicUrl.origin}/embed/${video.publicId}` });
      assert.equal(res.status, 201);
      const { rows } = await testPool().query('SELECT source FROM video_views WHERE video_id = $1', [video.id]);
      assert.deepEqual(rows, [{ source: 'embed' }]);
    });

    it("never counts the owner's own views", async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const ownerAgent = await signedInAgent(t.app, owner);
      const res = await report(ownerAgent, video.publicId, `${t.config.publicUrl.origin}/`);
      assert.equal(res.status, 200);
      assert.equal(res.body.counted, false);
      const { rows } = await testPool().query('SELECT view_count, (SELECT count(*)::int FROM video_views WHERE video_id = $1) AS rows, (SELECT count(*)::int FROM video_day_viewers WHERE video_id = $1) AS viewers FROM videos WHERE id = $1', [video.id]);
      assert.deepEqual(rows[0], { view_count: 0, rows: 0, viewers: 0 });
      assert.equal((await report(await signedInAgent(t.app, await createUser()), video.publicId)).status, 201, 'anyone else counts');
    });

    it('counts a viewer once a day in unique viewers, across hours and roll-ups', async () => {
      const video = await createVideo(await createUser());
      const viewer = await signedInAgent(t.app, await createUser());
      assert.equal((await report(viewer, video.publicId)).status, 201);
      // The first view moves to an earlier hour, as if watched then: the next report is a new hour's view.
      await testPool().query(`UPDATE video_views SET hour = hour - interval '3 hours', viewed_at = viewed_at - interval '3 hours' WHERE video_id = $1`, [video.id]);
      assert.equal((await report(viewer, video.publicId)).status, 201);
      const { rows } = await testPool().query('SELECT first_today FROM video_views WHERE video_id = $1 ORDER BY viewed_at', [video.id]);
      assert.deepEqual(rows.map((r) => r.first_today), [true, false]);
      await testPool().query(`INSERT INTO video_day_viewers (day, video_id, viewer_key) VALUES ((now() AT TIME ZONE 'UTC')::date - 2, $1, 'gone')`, [video.id]);
      await rollUpViews(testPool());
      const { rows: kept } = await testPool().query('SELECT viewer_key FROM video_day_viewers WHERE video_id = $1 ORDER BY viewer_key', [video.id]);
      assert.equal(kept.length, 1, "days that are over are forgotten, today's viewers kept");
      assert.notEqual(kept[0].viewer_key, 'gone');
      const { rows: after } = await testPool().query(
        `SELECT sum(views)::int AS views, sum(viewers)::int AS viewers FROM (
           SELECT views, viewers FROM video_view_days WHERE video_id = $1
           UNION ALL SELECT 1, first_today::int FROM video_views WHERE video_id = $1) c`,
        [video.id],
      );
      assert.deepEqual(after[0], { views: 2, viewers: 1 });
      const { rows: sources } = await testPool().query('SELECT source, views FROM video_view_sources WHERE video_id = $1', [video.id]);
      assert.deepEqual(sources, [{ source: 'direct', views: 1 }], 'the rolled-up view keeps its source');
    });

    it("answers 404 for another user's video, public or private, and sends strangers to sign in", async () => {
      const owner = await createUser();
      const stranger = await signedInAgent(t.app, await createUser());
      for (const video of [await createVideo(owner), await createVideo(owner, { visibility: 'private' })]) {
        for (const path of [`/studio/videos/${video.publicId}/stats`, `/studio/videos/${video.publicId}/stats.csv`]) {
          assert.equal((await stranger.get(path)).status, 404, path);
          const anonymous = await supertest(t.app).get(path);
          assert.equal(anonymous.status, 303);
          assert.match(String(anonymous.headers.location), /^\/login\?next=/);
        }
      }
    });

    it('keeps a title that looks like a formula as text in the CSV', async () => {
      const owner = await createUser();
      const agent = await signedInAgent(t.app, owner);
      for (const title of ['=HYPERLINK("http://evil.example","click")', '+1+1', '-2+3', '@SUM(A1)', '\tstarts with a tab']) {
        const video = await createVideo(owner, { title });
        const csv = await agent.get(`/studio/videos/${video.publicId}/stats.csv?period=7`);
        const cells = parseCsv(csv.text).slice(1).map((r) => r[2]);
        assert.deepEqual(new Set(cells), new Set([`'${title}`]), title);
      }
    });

    it('shows a page that works for a video nobody watched yet', async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const res = await (await signedInAgent(t.app, owner)).get(`/studio/videos/${video.publicId}/stats?period=90`);
      assert.equal(res.status, 200);
      assert.match(res.text, /No views from/);
      assert.match(res.text, /aria-current="page">Statistics</);
    });
  });
});
