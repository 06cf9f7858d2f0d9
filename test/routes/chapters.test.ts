import assert from 'node:assert/strict';
import supertest from 'supertest';
import { MAX_CHAPTERS } from '../../src/chapters.js';
import { insertVideoFile } from '../../src/db/video-files.js';
import { MAX_TABLE_ROWS } from '../../src/forms/chapters.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

// Chapters (issue 10, item 5): the studio's Chapters tab, and what the watch page, the embed and
// the WebVTT track publish.

const DESCRIPTION = 'A walk.\n\n0:00 Start\n0:40 - The bridge\nThe river (1:30)\n\nThanks!';

/** The chapters form as the page sends it: `start[]` and `title[]` repeated, one pair a row. */
async function postChapters(agent: Agent, publicId: string, source: string, rows: [string, string][]) {
  const token = await tokenFor(agent, `/studio/videos/${publicId}/chapters`);
  const body = new URLSearchParams({ _csrf: token, source });
  for (const [start, title] of rows) {
    body.append('start[]', start);
    body.append('title[]', title);
  }
  return agent.post(`/studio/videos/${publicId}/chapters`).type('form').send(body.toString());
}

async function storedChapters(videoId: number) {
  const { rows } = await testPool().query('SELECT start_seconds, title FROM video_chapters WHERE video_id = $1 ORDER BY start_seconds', [videoId]);
  const source = await testPool().query('SELECT chapters_source FROM videos WHERE id = $1', [videoId]);
  return { source: source.rows[0].chapters_source as string, table: rows.map((r) => [r.start_seconds, r.title]) };
}

/** A playable rendition row, so watch and embed pages have a <video> (no file is needed for the page). */
async function givePlayer(video: { id: number; publicId: string }) {
  await insertVideoFile(testPool(), video.id, { kind: 'rendition', name: '360p-chapters.mp4', storageKey: `videos/${video.publicId}/360p-chapters.mp4`, mimeType: 'video/mp4', width: 640, height: 360, bytes: 1000 });
}

function jsonLd(html: string) {
  const match = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html);
  assert.ok(match, 'the page has JSON-LD');
  return JSON.parse(match[1]!);
}

/** The chapter list under the player: [href, time, title] of each link. */
function listedChapters(html: string): string[][] {
  const section = /<section class="card chapters"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  return [...section.matchAll(/<a href="([^"]+)" data-seek="\d+"><span class="chapter-time">([^<]+)<\/span> <span class="chapter-title">([^<]+)<\/span><\/a>/g)].map((m) => [m[1]!, m[2]!, m[3]!]);
}

describe('chapters', () => {
  const t = useTestApp();

  describe('GET /studio/videos/:id/chapters', () => {
    it("shows the owner the description's chapters and the table", async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { description: DESCRIPTION, durationSeconds: 150 });
      const res = await (await signedInAgent(t.app, owner)).get(`/studio/videos/${video.publicId}/chapters`);
      assert.equal(res.status, 200);
      assert.match(res.text, /aria-current="page"[^>]*>Chapters<\/a>/);
      assert.match(res.text, /The description gives these chapters/);
      assert.match(res.text, /<span class="chapter-time">1:30<\/span> The river/);
      assert.match(res.text, /id="source-description" name="source" value="description" checked/);
      assert.equal((res.text.match(/name="start\[\]"/g) ?? []).length, 5, 'five blank rows to add chapters');
    });

    it('says why the description gives no chapters', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { description: '0:00 Start\n0:05 Too soon\n1:00 End', durationSeconds: 150 });
      const res = await (await signedInAgent(t.app, owner)).get(`/studio/videos/${video.publicId}/chapters`);
      assert.match(res.text, /The description gives no chapters\. Line 1: this chapter lasts 5 s/);
    });

    it("answers 404 for another user's video, public or private, and sends signed-out visitors to sign in", async () => {
      const owner = await createUser();
      const stranger = await signedInAgent(t.app, await createUser());
      for (const visibility of ['public', 'private'] as const) {
        const video = await createVideo(owner, { visibility });
        assert.equal((await stranger.get(`/studio/videos/${video.publicId}/chapters`)).status, 404, visibility);
      }
      const video = await createVideo(owner);
      assert.equal((await supertest(t.app).get(`/studio/videos/${video.publicId}/chapters`)).status, 303);
    });
  });

  describe('POST /studio/videos/:id/chapters', () => {
    it('saves the table, which the watch page, the JSON-LD and the track then show', async () => {
      const owner = await createUser();
      const agent = await signedInAgent(t.app, owner);
      const video = await createVideo(owner, { description: DESCRIPTION, durationSeconds: 150.5 });
      await givePlayer(video);
      // Out of order and with blank rows, as a creator adding a row at the bottom would send it.
      const res = await postChapters(agent, video.publicId, 'table', [['0:00', 'Opening'], ['2:00', 'Ending & <credits>'], ['', ''], ['1:00', 'Middle'], ['', '']]);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/studio/videos/${video.publicId}/chapters`);
      assert.deepEqual(await storedChapters(video.id), { source: 'table', table: [[0, 'Opening'], [60, 'Middle'], [120, 'Ending & <credits>']] });
      assert.match((await agent.get(String(res.headers.location))).text, /the video shows the 3 chapters of the table/);

      const watch = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.deepEqual(listedChapters(watch.text), [
        [`/watch/${video.publicId}?t=0`, '0:00', 'Opening'],
        [`/watch/${video.publicId}?t=60`, '1:00', 'Middle'],
        [`/watch/${video.publicId}?t=120`, '2:00', 'Ending &amp; &lt;credits&gt;'],
      ]);
      assert.match(watch.text, new RegExp(`<video[^]*<track kind="chapters" label="Chapters" srclang="en" src="/media/videos/${video.publicId}/chapters.vtt" default>[^]*</video>`));

      const watchUrl = `http://localhost:3000/watch/${video.publicId}`;
      assert.deepEqual(jsonLd(watch.text).hasPart, [
        { '@type': 'Clip', name: 'Opening', startOffset: 0, endOffset: 60, url: `${watchUrl}?t=0` },
        { '@type': 'Clip', name: 'Middle', startOffset: 60, endOffset: 120, url: `${watchUrl}?t=60` },
        { '@type': 'Clip', name: 'Ending & <credits>', startOffset: 120, endOffset: 151, url: `${watchUrl}?t=120` },
      ]);
      assert.ok(!watch.text.includes('"Ending & <credits>"'), 'JSON-LD cannot close its <script>');

      const track = await supertest(t.app).get(`/media/videos/${video.publicId}/chapters.vtt`);
      assert.equal(track.status, 200);
      assert.equal(track.headers['content-type'], 'text/vtt; charset=utf-8');
      assert.equal(track.text, 'WEBVTT\n\n1\n00:00:00.000 --> 00:01:00.000\nOpening\n\n2\n00:01:00.000 --> 00:02:00.000\nMiddle\n\n3\n00:02:00.000 --> 00:02:30.500\nEnding &amp; &lt;credits&gt;\n');

      const embed = await supertest(t.app).get(`/embed/${video.publicId}`);
      assert.match(embed.text, new RegExp(`<track kind="chapters"[^>]* src="/media/videos/${video.publicId}/chapters.vtt" default>`));
    });

    it("switches back to the description's chapters, keeping the table", async () => {
      const owner = await createUser();
      const agent = await signedInAgent(t.app, owner);
      const video = await createVideo(owner, { description: DESCRIPTION, durationSeconds: 150 });
      assert.equal((await postChapters(agent, video.publicId, 'table', [['0:00', 'A'], ['0:30', 'B'], ['1:00', 'C']])).status, 303);
      assert.deepEqual(listedChapters((await supertest(t.app).get(`/watch/${video.publicId}`)).text).map((c) => c[2]), ['A', 'B', 'C']);

      const res = await postChapters(agent, video.publicId, 'description', [['0:00', 'A'], ['0:30', 'B'], ['1:00', 'C'], ['', '']]);
      assert.equal(res.status, 303);
      assert.match((await agent.get(String(res.headers.location))).text, /the video shows the 3 chapters of its description/);
      assert.deepEqual(await storedChapters(video.id), { source: 'description', table: [[0, 'A'], [30, 'B'], [60, 'C']] });
      const watch = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.deepEqual(listedChapters(watch.text).map((c) => c[2]), ['Start', 'The bridge', 'The river']);
      assert.deepEqual(jsonLd(watch.text).hasPart.map((c: { endOffset: number }) => c.endOffset), [40, 90, 150]);
    });

    it('turns chapters off with an empty table', async () => {
      const owner = await createUser();
      const agent = await signedInAgent(t.app, owner);
      const video = await createVideo(owner, { description: DESCRIPTION, durationSeconds: 150 });
      await givePlayer(video);
      assert.equal((await postChapters(agent, video.publicId, 'table', [['', ''], ['', '']])).status, 303);
      const watch = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.deepEqual(listedChapters(watch.text), []);
      assert.ok(!watch.text.includes('kind="chapters"'), 'no track without chapters');
      assert.equal(jsonLd(watch.text).hasPart, undefined);
      assert.equal((await supertest(t.app).get(`/media/videos/${video.publicId}/chapters.vtt`)).text, 'WEBVTT\n');
    });

    it('refuses a table that breaks the rules with 422, naming the rows and keeping what was typed', async () => {
      const owner = await createUser();
      const agent = await signedInAgent(t.app, owner);
      const video = await createVideo(owner, { durationSeconds: 150 });
      const before = await storedChapters(video.id);
      const res = await postChapters(agent, video.publicId, 'table', [['0:00', 'Intro'], ['0:05', 'Too "short"'], ['', ''], ['1:7', 'Typo'], ['2:00', '']]);
      assert.equal(res.status, 422);
      assert.match(res.text, /Row 4: write the start as minutes:seconds/);
      assert.match(res.text, /Row 5: give this chapter a title/);
      assert.match(res.text, /id="field-start-4" name="start\[\]" type="text" size="8" value="1:7"/);
      assert.match(res.text, /id="field-title-2" name="title\[\]" type="text" maxlength="100" value="Too &#34;short&#34;"/);
      assert.match(res.text, /id="source-table" name="source" value="table" checked/);
      assert.equal((res.text.match(/name="start\[\]"/g) ?? []).length, 5, 'the rows as sent, the blank one in place');
      assert.deepEqual(await storedChapters(video.id), before);

      const tooShort = await postChapters(agent, video.publicId, 'table', [['0:00', 'Intro'], ['0:05', 'Short'], ['1:00', 'End']]);
      assert.equal(tooShort.status, 422);
      assert.match(tooShort.text, /Row 1: this chapter lasts 5 s before the next one starts/);
      assert.match(tooShort.text, /href="#field-start-1"/);
      assert.deepEqual(await storedChapters(video.id), before);
    });

    it('refuses a JSON body with more rows than the page offers before checking them, with 422 and a page of its usual size', async () => {
      const owner = await createUser();
      const agent = await signedInAgent(t.app, owner);
      const video = await createVideo(owner, { durationSeconds: 100_000 });
      const before = await storedChapters(video.id);
      const token = await tokenFor(agent, `/studio/videos/${video.publicId}/chapters`);
      // JSON has no field limit: 5,000 rows fit in 64 kB.
      const rows = 5000;
      const res = await agent.post(`/studio/videos/${video.publicId}/chapters`).set('X-CSRF-Token', token)
        .send({ source: 'table', 'start[]': Array.from({ length: rows }, (_, i) => String(i * 10)), 'title[]': Array.from({ length: rows }, () => 'a') });
      assert.equal(res.status, 422);
      assert.match(res.text, new RegExp(`The table has ${rows} rows: send at most ${MAX_TABLE_ROWS}`));
      assert.ok((res.text.match(/name="start\[\]"/g) ?? []).length <= MAX_TABLE_ROWS, 'the page shows no more rows than it offers');
      assert.ok(res.text.length < 100_000, `${res.text.length} bytes`);
      assert.deepEqual(await storedChapters(video.id), before);

      // As many rows as the page can hold go through as JSON too: the chapters, then the blank rows.
      const full = Array.from({ length: MAX_TABLE_ROWS }, (_, i) => (i < MAX_CHAPTERS ? [String(i * 10), `C${i}`] : ['', '']));
      const saved = await agent.post(`/studio/videos/${video.publicId}/chapters`).set('X-CSRF-Token', token)
        .send({ source: 'table', 'start[]': full.map((r) => r[0]), 'title[]': full.map((r) => r[1]) });
      assert.equal(saved.status, 303);
      assert.equal((await storedChapters(video.id)).table.length, MAX_CHAPTERS);
    });

    it("answers 404 for another user's video and writes nothing", async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const stranger = await signedInAgent(t.app, await createUser());
      const token = await tokenFor(stranger, '/settings');
      const res = await stranger.post(`/studio/videos/${video.publicId}/chapters`).type('form').send(`_csrf=${encodeURIComponent(token)}&source=table&start%5B%5D=0:00&title%5B%5D=Mine`);
      assert.equal(res.status, 404);
      assert.deepEqual(await storedChapters(video.id), { source: 'description', table: [] });
    });
  });

  describe('GET /media/videos/:id/chapters.vtt', () => {
    it("is served to whoever may see the video's media, and to no one else", async () => {
      const owner = await createUser();
      const ownerAgent = await signedInAgent(t.app, owner);
      const moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
      const stranger = await signedInAgent(t.app, await createUser());
      const description = '0:00 One\n0:20 Two\n0:40 Three';
      const cases = [
        // Shared caches may keep (and revalidate) a listed video's track only.
        { video: await createVideo(owner, { description }), visitors: 200, cache: 'public, no-cache' },
        { video: await createVideo(owner, { description, visibility: 'unlisted' }), visitors: 200, cache: 'private, no-cache' },
        { video: await createVideo(owner, { description, visibility: 'private' }), visitors: 404, cache: null },
        { video: await createVideo(owner, { description, status: 'processing' }), visitors: 404, cache: null },
      ];
      for (const { video, visitors, cache } of cases) {
        const url = `/media/videos/${video.publicId}/chapters.vtt`;
        const signedOut = await supertest(t.app).get(url);
        assert.equal(signedOut.status, visitors, `${url} signed out`);
        if (cache) assert.equal(signedOut.headers['cache-control'], cache, url);
        assert.equal((await stranger.get(url)).status, visitors, `${url} another user`);
        for (const agent of [ownerAgent, moderator]) {
          const res = await agent.get(url);
          assert.equal(res.status, 200, url);
          // Whatever is made for a signed-in viewer is personal (src/http/security.ts).
          assert.equal(res.headers['cache-control'], 'private, no-store');
          assert.match(res.text, /^WEBVTT\n\n1\n00:00:00\.000 --> 00:00:20\.000\nOne\n/);
        }
      }
      assert.equal((await supertest(t.app).get('/media/videos/AAAAAAAAAAA/chapters.vtt')).status, 404);
    });
  });
});
