import assert from 'node:assert/strict';
import supertest from 'supertest';
import { createTestApp, useTestApp } from '../helpers/app.js';
import { refreshPopularVideos } from '../../src/db/popular-videos.js';
import { channelLive, listed as listedSql } from '../../src/db/visibility.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { insertVideos } from '../helpers/search.js';

const HOSTILE_QUERIES = [
  '"unterminated', '\\', '\\\\"', '&|!:*()', '!!!', ':*', "'; DROP TABLE videos; --", 'a & b | !c', '(((', 'or or or', '-', '- -x', '"" ""',
  '<script>alert(1)</script>', 'x'.repeat(10_000), '\u0000\u0001', '%_%', 'a:*', 'ĉu ŝi', '🎥',
];

describe('discovery', function () {
  this.timeout(60_000);
  const t = useTestApp();
  const word = `zork${Date.now().toString(36)}`;
  let owner: Awaited<ReturnType<typeof createUser>>;
  const v: Record<string, { id: number; publicId: string }> = {};

  before(async () => {
    owner = await createUser({ displayName: `Channel ${word}` });
    v.inTitle = await createVideo(owner, { title: `How to ${word} a bicycle`, durationSeconds: 100, tags: ['repair'] });
    v.inTag = await createVideo(owner, { title: 'Tuesday workshop', tags: [word, 'tools'], durationSeconds: 30 * 60 });
    v.inDescription = await createVideo(owner, { title: 'Long ride', description: `${word} <b>other</b> & more. We talk about it at 1:05, see https://example.org/a?b=1&c=2`, durationSeconds: 600 });
    v.unlisted = await createVideo(owner, { title: `Unlisted ${word}`, visibility: 'unlisted' });
    v.private = await createVideo(owner, { title: `Private ${word}`, visibility: 'private' });
    v.processing = await createVideo(owner, { title: `Processing ${word}`, status: 'processing' });
  });

  describe('GET /search', () => {
    it('ranks title over tags over description, and shows the matching channel above', async () => {
      const res = await supertest(t.app).get('/search').query({ q: word });
      assert.equal(res.status, 200);
      const order = [v.inTitle!, v.inTag!, v.inDescription!].map((x) => res.text.indexOf(x.publicId));
      assert.ok(order.every((i) => i > 0), 'all three found');
      assert.ok(order[0]! < order[1]! && order[1]! < order[2]!, `title, tags, description: ${order}`);
      assert.ok(res.text.indexOf(`@${owner.handle}`) < order[0]!, 'the channel comes first');
      for (const hidden of [v.unlisted!, v.private!, v.processing!]) assert.ok(!res.text.includes(hidden.publicId));
    });

    it('highlights matches with every other character escaped', async () => {
      const res = await supertest(t.app).get('/search').query({ q: word });
      assert.match(res.text, new RegExp(`<mark>${word}</mark>`));
      assert.match(res.text, /class="snippet">[^<]*<mark>[^<]*<\/mark>[^<]*&lt;b&gt;other&lt;\/b&gt; &amp; more/);
      assert.doesNotMatch(res.text, /<b>other<\/b>/);
    });

    it('keeps every <mark> closed when stored text holds the highlight markers themselves', async () => {
      // Written directly, as rows from before the forms refused control characters would be.
      const marked = await createVideo(await createUser(), { title: `Marker \u0002${word}x\u0003 \u0004<i>`, description: `${word}x opens \u0002 and never closes \u0005` });
      const res = await supertest(t.app).get('/search').query({ q: `${word}x` });
      assert.ok(res.text.includes(marked.publicId));
      assert.equal((res.text.match(/<mark>/g) ?? []).length, (res.text.match(/<\/mark>/g) ?? []).length);
      assert.match(res.text, /Marker <mark>\w+<\/mark> &lt;i&gt;/);
    });

    it('understands quotes, -word and or, and forgives typos and unfinished words', async () => {
      const quoted = (await supertest(t.app).get('/search').query({ q: `"${word} a bicycle"` })).text;
      assert.ok(quoted.includes(v.inTitle!.publicId), 'the phrase finds its video');
      assert.ok(!quoted.includes(v.inTag!.publicId), 'the phrase finds only its video');
      const excluded = (await supertest(t.app).get('/search').query({ q: `${word} -bicycle` })).text;
      assert.ok(!excluded.includes(v.inTitle!.publicId), '-word excludes');
      assert.ok(excluded.includes(v.inTag!.publicId), '-word keeps the others');
      const either = (await supertest(t.app).get('/search').query({ q: 'bicycle or workshop' })).text;
      assert.ok(either.includes(v.inTitle!.publicId) && either.includes(v.inTag!.publicId), 'or');
      const prefix = (await supertest(t.app).get('/search').query({ q: word.slice(0, -3) })).text;
      assert.ok(prefix.includes(v.inTitle!.publicId), 'prefix');
      const typo = (await supertest(t.app).get('/search').query({ q: `how to ${word} a bicycel` })).text;
      assert.ok(typo.includes(v.inTitle!.publicId), 'typo');
      const channelTypo = (await supertest(t.app).get('/search').query({ q: `chanel ${word}` })).text;
      assert.ok(channelTypo.includes(`href="/@${owner.handle}"`), 'a channel name with a typo');
    });

    it('forgives a typo in one word of a long title or a long channel name, closest words first', async () => {
      const channel = await createUser({ displayName: 'The Northern Vermont Woodworking Collective' });
      const pattern = await createVideo(channel, { title: 'Test pattern in full HD' });
      const long = await createVideo(channel, { title: 'The complete and unabridged history of the mechanical typewriter, told in twelve chapters' });
      const near = await createVideo(channel, { title: 'Pater' });
      const patern = (await supertest(t.app).get('/search').query({ q: 'patern' })).text;
      assert.ok(patern.includes(pattern.publicId), '"patern" finds "Test pattern in full HD"');
      assert.ok(patern.indexOf(pattern.publicId) < patern.indexOf(near.publicId) || !patern.includes(near.publicId), 'a whole word one letter off comes before a shorter title');
      const typewriter = (await supertest(t.app).get('/search').query({ q: 'typewritter' })).text;
      assert.ok(typewriter.includes(long.publicId), 'a typo in one word of a long title');
      const woodworking = (await supertest(t.app).get('/search').query({ q: 'woodworkng' })).text;
      assert.ok(woodworking.includes(`href="/@${channel.handle}"`), 'a typo in one word of a long channel name');
    });

    it('filters by duration and upload date, and sorts by views or date', async () => {
      const long = (await supertest(t.app).get('/search').query({ q: word, duration: 'long' })).text;
      assert.ok(long.includes(v.inTag!.publicId) && !long.includes(v.inTitle!.publicId));
      const short = (await supertest(t.app).get('/search').query({ q: word, duration: 'short' })).text;
      assert.ok(short.includes(v.inTitle!.publicId) && !short.includes(v.inTag!.publicId));
      await testPool().query(`UPDATE videos SET published_at = now() - interval '2 days' WHERE id = $1`, [v.inDescription!.id]);
      const today = (await supertest(t.app).get('/search').query({ q: word, uploaded: 'day' })).text;
      assert.ok(!today.includes(v.inDescription!.publicId), 'uploaded=day leaves out a video of two days ago');
      assert.ok(today.includes(v.inTitle!.publicId), 'uploaded=day keeps today\'s');
      await testPool().query('UPDATE videos SET view_count = 1000 WHERE id = $1', [v.inDescription!.id]);
      const viewsRes = await supertest(t.app).get('/search').query({ q: word, sort: 'views' });
      assert.equal(viewsRes.status, 200);
      const byViews = viewsRes.text;
      assert.ok(byViews.indexOf(v.inDescription!.publicId) < byViews.indexOf(v.inTitle!.publicId));
      const byDate = (await supertest(t.app).get('/search').query({ q: word, sort: 'date' })).text;
      assert.ok(byDate.indexOf(v.inDescription!.publicId) > byDate.indexOf(v.inTag!.publicId));
    });

    it('pages through every match of a word that is not common, best first', async () => {
      const rarer = `${word}rarer`;
      const channel = await createUser();
      const made = [];
      for (let i = 0; i < 30; i++) made.push(await createVideo(channel, { title: i === 29 ? `${rarer} in the title` : `Part ${i}`, description: `about ${rarer}` }));
      const pages = await Promise.all([1, 2].map(async (page) => (await supertest(t.app).get('/search').query({ q: rarer, page })).text));
      const found = pages.map((html) => [...html.matchAll(/href="\/watch\/([A-Za-z0-9_-]{11})"/g)].map((m) => m[1]!));
      assert.equal(new Set(found.flat()).size, 30, 'all thirty, none twice');
      assert.equal(found[0]![0], made[29]!.publicId, 'the title match first');
    });

    it('ranks, filters and pages every match of a word in a hundred-odd videos', async () => {
      const common = `${word}common`;
      const busy = await createUser();
      const made = [];
      for (let i = 0; i < 130; i++) made.push(await createVideo(busy, { title: i % 10 === 0 ? `${common} in the title ${i}` : `Clip ${i}`, description: `about ${common}`, durationSeconds: i % 2 ? 100 : 2000 }));
      const hidden = await createVideo(busy, { title: `${common} private`, visibility: 'private' });
      const found = new Set<string>();
      for (let page = 1; page <= 8; page++) {
        const res = await supertest(t.app).get('/search').query({ q: common, page });
        assert.equal(res.status, 200);
        for (const m of res.text.matchAll(/href="\/watch\/([A-Za-z0-9_-]{11})"/g)) found.add(m[1]!);
      }
      assert.equal(made.filter((x) => found.has(x.publicId)).length, 130, 'every match, over the pages');
      assert.ok(!found.has(hidden.publicId));
      const first = (await supertest(t.app).get('/search').query({ q: common })).text;
      const titled = made.filter((_, i) => i % 10 === 0).map((x) => first.indexOf(x.publicId));
      assert.ok(titled.every((i) => i > 0), 'the title matches rank first');
      const long = (await supertest(t.app).get('/search').query({ q: common, duration: 'long' })).text;
      assert.ok(long.includes(made[0]!.publicId) && !long.includes(made[1]!.publicId));
      const byViews = await supertest(t.app).get('/search').query({ q: common, sort: 'views' });
      assert.equal(byViews.status, 200);
      assert.ok(made.some((x) => byViews.text.includes(x.publicId)));
    });

    it('ranks and sorts by views a common word\'s newest 200 matches only, in ten pages', async () => {
      const bounded = `${word}bounded`;
      const channel = await createUser();
      try {
        // In 1,500 videos: common enough for the newest-matches plan (src/db/search-plan.ts).
        const newer = await insertVideos(channel, Array.from({ length: 1500 }, (_, i) => ({ title: `${bounded} clip ${i}`, minutesAgo: i, viewCount: i === 7 ? 500 : 0 })));
        const [old] = await insertVideos(channel, [{ title: `${bounded} classic`, minutesAgo: 400 * 24 * 60, viewCount: 1_000_000 }]);
        const byViews = (await supertest(t.app).get('/search').query({ q: bounded, sort: 'views' })).text;
        const ranked = [...byViews.matchAll(/href="\/watch\/([A-Za-z0-9_-]{11})"/g)].map((m) => m[1]!);
        assert.ok(!ranked.includes(old!.publicId), 'the old one is not ranked by views');
        assert.equal(ranked[0], newer[7]!.publicId, 'the most viewed of the newest first');
        assert.match(byViews, /rel="next"/);
        const tenth = (await supertest(t.app).get('/search').query({ q: bounded, page: 10 })).text;
        assert.equal(new Set([...tenth.matchAll(/href="\/watch\/([A-Za-z0-9_-]{11})"/g)].map((m) => m[1])).size, 20, 'a full tenth page');
        assert.doesNotMatch(tenth, /rel="next"/, 'the tenth page is the last');
      } finally {
        await testPool().query('DELETE FROM videos WHERE owner_id = $1', [channel.id]);
      }
    });

    it('answers every hostile query with a page, never a 500', async () => {
      const sorts = ["relevance'; --", 'relevance', 'date', 'views'];
      for (const [i, q] of HOSTILE_QUERIES.entries()) {
        const res = await supertest(t.app).get('/search').query({ q, sort: sorts[i % sorts.length], duration: i % 2 ? 'x' : 'long', uploaded: i % 3 ? '1 year' : 'week', page: i % 2 ? '-5' : '2' });
        assert.ok(res.status === 200 || res.status === 303, `${JSON.stringify(q.slice(0, 30))} answered ${res.status}`);
        assert.doesNotMatch(res.text, /<script>alert/);
      }
    });
  });

  describe('listings never show unlisted, private or unfinished videos', () => {
    it('on home, the channel, feeds, the sitemap and related videos', async () => {
      const pages = ['/', `/@${owner.handle}`, '/feeds/videos.atom', `/@${owner.handle}/feed.atom`, '/sitemap.xml', `/watch/${v.inTitle!.publicId}`];
      for (const path of pages) {
        const res = await supertest(t.app).get(path);
        assert.equal(res.status, 200, path);
        for (const hidden of [v.unlisted!, v.private!, v.processing!]) assert.ok(!res.text.includes(hidden.publicId), `${path} shows ${hidden.publicId}`);
      }
      const watch = (await supertest(t.app).get(`/watch/${v.inTitle!.publicId}`)).text;
      const related = watch.slice(watch.indexOf('Up next'));
      assert.ok(related.includes(v.inTag!.publicId), 'the same channel is related');
      assert.ok(!related.includes(v.inTitle!.publicId), 'never the video itself');
    });

    it('drops a related video made private at once, though the list was worked out before', async () => {
      const channel = await createUser();
      const watched = await createVideo(channel, { title: 'Watched beside a soon private one' });
      const beside = await createVideo(channel, { title: 'Soon private' });
      const upNext = async () => {
        const html = (await supertest(t.app).get(`/watch/${watched.publicId}`)).text;
        return html.slice(html.indexOf('Up next'));
      };
      assert.ok((await upNext()).includes(beside.publicId));
      await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [beside.id]);
      assert.ok(!(await upNext()).includes(beside.publicId));
    });
  });

  describe('home', () => {
    it('shows as popular this week the videos most viewed in the last 7 days, never a private one', async () => {
      const channel = await createUser();
      const thisWeek = await createVideo(channel, { title: 'Watched this week' });
      const lastMonth = await createVideo(channel, { title: 'Watched last month' });
      const hidden = await createVideo(channel, { title: 'Watched but private', visibility: 'private' });
      const views = (videoId: number, n: number, daysAgo: number) => testPool().query(
        `INSERT INTO video_views (video_id, viewer_key, hour, viewed_at)
         SELECT $1, 'test:' || g, date_trunc('hour', now() - $3 * interval '1 day'), now() - $3 * interval '1 day' FROM generate_series(1, $2) g`,
        [videoId, n, daysAgo]);
      await views(thisWeek.id, 5000, 1);
      await views(lastMonth.id, 9000, 20);
      await views(hidden.id, 9000, 1);
      await refreshPopularVideos(testPool(), { rebuildBase: true });
      // A new app: its page cache may hold home from before.
      const html = (await supertest(createTestApp().app).get('/')).text;
      const popular = html.slice(html.indexOf('Popular this week'), html.indexOf('id="latest-title"'));
      assert.ok(popular.includes(thisWeek.publicId));
      assert.ok(!popular.includes(lastMonth.publicId), 'views older than a week do not count');
      assert.ok(!popular.includes(hidden.publicId));
    });
  });

  describe('home pagination', () => {
    it('stays stable when videos are added meanwhile', async () => {
      const other = await createUser();
      for (let i = 0; i < 30; i++) await createVideo(other, { title: `Paged ${i}` });
      const first = (await supertest(t.app).get('/')).text;
      const next = /href="\/\?after=([A-Za-z0-9_-]{11})"/.exec(first)![1]!;
      const secondBefore = (await supertest(t.app).get(`/?after=${next}`)).text;
      for (let i = 0; i < 3; i++) await createVideo(other, { title: `Inserted ${i}` });
      const secondAfter = (await supertest(t.app).get(`/?after=${next}`)).text;
      const ids = (html: string) => [...html.matchAll(/<h3 class="video-title"><a href="\/watch\/([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(ids(secondAfter), ids(secondBefore));
    });
  });

  describe('metadata for other software', () => {
    it('puts OpenGraph, a Twitter player card, oEmbed discovery and parseable JSON-LD on the watch page', async () => {
      const res = await supertest(t.app).get(`/watch/${v.inDescription!.publicId}`);
      assert.match(res.text, /<meta property="og:title" content="Long ride">/);
      assert.match(res.text, /<meta name="twitter:card" content="player">/);
      assert.match(res.text, /<link rel="alternate" type="application\/json\+oembed" href="[^"]+\/oembed\?url=/);
      const json = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(res.text)![1]!;
      const data = JSON.parse(json);
      assert.equal(data['@type'], 'VideoObject');
      assert.equal(data.name, 'Long ride');
      assert.equal(data.duration, 'PT10M0S');
      assert.ok(data.embedUrl.endsWith(`/embed/${v.inDescription!.publicId}`));
      assert.ok(Array.isArray(data.interactionStatistic));
    });

    it('links addresses safely and timestamps to a start time in the description', async () => {
      const res = await supertest(t.app).get(`/watch/${v.inDescription!.publicId}`);
      assert.match(res.text, /<a href="https:\/\/example\.org\/a\?b=1&amp;c=2" rel="nofollow ugc noopener noreferrer">/);
      assert.match(res.text, new RegExp(`<a href="/watch/${v.inDescription!.publicId}\\?t=65" data-seek="65">1:05</a>`));
    });

    it('answers oEmbed for public and unlisted videos, not private ones', async () => {
      const url = `${t.config.publicUrl.origin}/watch/${v.inTitle!.publicId}`;
      const res = await supertest(t.app).get('/oembed').query({ url, format: 'json' });
      assert.equal(res.status, 200);
      assert.equal(res.body.type, 'video');
      assert.equal(res.body.version, '1.0');
      assert.match(res.body.html, /^<iframe src="[^"]+\/embed\//);
      assert.equal((await supertest(t.app).get('/oembed').query({ url: `${t.config.publicUrl.origin}/watch/${v.private!.publicId}` })).status, 404);
      assert.equal((await supertest(t.app).get('/oembed').query({ url: 'https://evil.example/watch/abcdefghijk' })).status, 404);
      assert.equal((await supertest(t.app).get('/oembed').query({ url, format: 'xml' })).status, 501);
    });

    it('lets only /embed/:id be framed by other sites', async () => {
      const embed = await supertest(t.app).get(`/embed/${v.inTitle!.publicId}`);
      assert.equal(embed.status, 200);
      assert.match(embed.headers['content-security-policy'] as string, /frame-ancestors \*/);
      assert.equal(embed.headers['x-frame-options'], undefined);
      const watch = await supertest(t.app).get(`/watch/${v.inTitle!.publicId}`);
      assert.match(watch.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
      assert.equal((await supertest(t.app).get(`/embed/${v.private!.publicId}`)).status, 404);
    });

    it('serves Atom feeds, a sitemap and robots.txt', async () => {
      const feed = await supertest(t.app).get(`/@${owner.handle}/feed.atom`);
      assert.match(feed.headers['content-type'] as string, /application\/atom\+xml/);
      assert.match(feed.text, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/);
      assert.equal((feed.text.match(/<entry>/g) ?? []).length, 3);
      const index = await supertest(t.app).get('/sitemap.xml');
      assert.match(index.text, /<sitemapindex /);
      const files = [...index.text.matchAll(/<loc>http:\/\/localhost:3000(\/sitemaps\/[a-z]+-\d+\.xml)<\/loc>/g)].map((m) => m[1]!);
      const sitemaps = await Promise.all(files.map((file) => supertest(t.app).get(file)));
      const all = sitemaps.map((s) => s.text).join('');
      assert.match(all, new RegExp(`/watch/${v.inTitle!.publicId}</loc>`));
      assert.match(all, new RegExp(`/@${owner.handle}</loc>`));
      const robots = await supertest(t.app).get('/robots.txt');
      assert.match(robots.text, /Sitemap: http:\/\/localhost:3000\/sitemap\.xml/);
    });
  });
});

describe('GET /sitemap.xml on a catalogue larger than one file', function () {
  this.timeout(60_000);
  const t = useTestApp({ SITEMAP_URLS_PER_FILE: '3' });

  it('lists files that together hold every listed video and live channel, each within the limit', async () => {
    const owner = await createUser();
    const listed = [];
    for (let i = 0; i < 7; i++) listed.push(await createVideo(owner, { title: `Sitemap ${i}` }));
    const hidden = await createVideo(owner, { title: 'Sitemap private', visibility: 'private' });
    const index = await supertest(t.app).get('/sitemap.xml');
    assert.equal(index.status, 200);
    const files = [...index.text.matchAll(/<loc>http:\/\/localhost:3000(\/sitemaps\/[a-z]+-\d+\.xml)<\/loc>/g)].map((m) => m[1]!);
    const { rows: [counts] } = await testPool().query(
      `SELECT (SELECT count(*)::int FROM videos v JOIN users u ON u.id = v.owner_id WHERE ${listedSql('v', 'u')}) AS videos,
         (SELECT count(*)::int FROM users u WHERE ${channelLive('u')}) AS channels`,
    );
    assert.equal(files.filter((f) => f.includes('videos-')).length, Math.ceil(counts.videos / 3));
    assert.equal(files.filter((f) => f.includes('channels-')).length, Math.ceil((counts.channels + 1) / 3));
    const bodies = [];
    for (const file of files) {
      const res = await supertest(t.app).get(file);
      assert.equal(res.status, 200, file);
      assert.ok((res.text.match(/<url>/g) ?? []).length <= 3, `${file} holds at most 3 addresses`);
      bodies.push(res.text);
    }
    const all = bodies.join('');
    for (const video of listed) assert.ok(all.includes(`/watch/${video.publicId}</loc>`), `${video.publicId} listed`);
    assert.ok(!all.includes(hidden.publicId), 'a private video is in no file');
    assert.equal((all.match(/\/watch\//g) ?? []).length, counts.videos, 'each video once');
    assert.ok(all.includes(`/@${owner.handle}</loc>`));
    for (const missing of ['/sitemaps/videos-0.xml', `/sitemaps/videos-${Math.ceil(counts.videos / 3) + 1}.xml`, '/sitemaps/videos-x.xml', '/sitemaps/videos-01.xml']) {
      assert.equal((await supertest(t.app).get(missing)).status, 404, missing);
    }
  });
});
