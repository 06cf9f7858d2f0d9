import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { runDataDir, useTestApp } from '../helpers/app.js';
import { tokenOf } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { filesUnder } from '../helpers/files.js';
import { recountedSearchWords, storedSearchWords } from '../helpers/search.js';
import { attachRendition } from '../helpers/videos.js';
import { uploadCaptions } from '../helpers/captions.js';

type Made = { id: number; publicId: string };

const VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there\n';
const captionsPage = (v: Made) => `/studio/videos/${v.publicId}/captions`;
const captionFile = (v: Made, language: string) => `/media/videos/${v.publicId}/captions/${language}.vtt`;
/** A word of its own for each test, which the English stemmer leaves as it is (see search-words.test.ts). */
const word = (prefix: string) => prefix + Array.from(crypto.randomBytes(6), (b) => 'bcdfghjkmnpqrtvwxz'[b % 18]).join('') + 'x';

async function tracksOf(video: Made): Promise<{ language: string; label: string; vtt: string }[]> {
  const { rows } = await testPool().query('SELECT language, label, vtt FROM video_captions WHERE video_id = $1 ORDER BY language', [video.id]);
  return rows;
}

const uploadTempFiles = () => filesUnder(path.join(runDataDir(), 'tmp', 'uploads'));

describe('studio: captions', () => {
  const t = useTestApp();
  let owner: Awaited<ReturnType<typeof createUser>>;
  let agent: Agent;

  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
  });

  describe('GET /studio/videos/:id/captions', () => {
    it('shows the owner the tracks and the upload form, under the Captions tab', async () => {
      const video = await createVideo(owner, { title: 'Captioned talk' });
      const res = await agent.get(captionsPage(video));
      assert.equal(res.status, 200);
      assert.match(res.text, /<a href="\/studio\/videos\/[^"]+\/captions" aria-current="page">Captions<\/a>/);
      assert.match(res.text, /no captions yet/);
      assert.match(res.text, /enctype="multipart\/form-data"/);
    });

    it("is a 404 for another user's video, private or public", async () => {
      const stranger = await signedInAgent(t.app, await createUser());
      for (const visibility of ['public', 'private'] as const) {
        const video = await createVideo(owner, { visibility });
        assert.equal((await stranger.get(captionsPage(video))).status, 404, visibility);
      }
    });
  });

  describe('POST /studio/videos/:id/captions', () => {
    it('adds a WebVTT track, then replaces it when the same language is uploaded again, and says so', async () => {
      const video = await createVideo(owner);
      const added = await uploadCaptions(agent, video, VTT, { language: 'pt-br', label: 'Português (Brasil)' });
      assert.equal(added.status, 303);
      assert.equal(added.headers.location, captionsPage(video));
      let page = await agent.get(captionsPage(video));
      assert.match(page.text, /Captions in Brazilian Portuguese \(pt-BR\) have been added/);
      assert.match(page.text, /Português \(Brasil\)/);
      assert.deepEqual(await tracksOf(video), [{ language: 'pt-BR', label: 'Português (Brasil)', vtt: VTT }]);

      const replaced = await uploadCaptions(agent, video, 'WEBVTT\n\n00:00:03.000 --> 00:00:04.000\nOlá\n', { language: 'PT-BR', label: 'Brasil' });
      assert.equal(replaced.status, 303);
      page = await agent.get(captionsPage(video));
      assert.match(page.text, /The Brazilian Portuguese \(pt-BR\) captions have been replaced by the new file/);
      assert.deepEqual(await tracksOf(video), [{ language: 'pt-BR', label: 'Brasil', vtt: 'WEBVTT\n\n00:00:03.000 --> 00:00:04.000\nOlá\n' }]);
      assert.deepEqual(uploadTempFiles(), [], 'no temporary file is left');
    });

    it('converts SRT to WebVTT', async () => {
      const video = await createVideo(owner);
      const res = await uploadCaptions(agent, video, '1\r\n00:00:01,500 --> 00:00:03,000\r\n<i>Bonjour</i>\r\n', { language: 'fr', label: 'Français' }, 'film.srt');
      assert.equal(res.status, 303);
      assert.match((await agent.get(captionsPage(video))).text, /converted from SRT to WebVTT/);
      assert.equal((await tracksOf(video))[0]!.vtt, 'WEBVTT\n\n00:00:01.500 --> 00:00:03.000\n<i>Bonjour</i>\n');
    });

    it('refuses a malformed file with 422 naming the wrong line, keeping what was typed and writing nothing', async () => {
      const video = await createVideo(owner);
      const res = await uploadCaptions(agent, video, 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:05.000 --> 00:00:04.000\nbackwards\n', { language: 'de', label: 'Deutsch' });
      assert.equal(res.status, 422);
      assert.match(res.text, /This file cannot be used. Line 6: the cue ends/);
      assert.match(res.text, /value="Deutsch"/);
      const latin1 = await uploadCaptions(agent, video, Buffer.concat([Buffer.from('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n'), Buffer.from([0x43, 0x61, 0x66, 0xe9])]));
      assert.equal(latin1.status, 422);
      assert.match(latin1.text, /Line 4: this is not UTF-8 text/);
      assert.deepEqual(await tracksOf(video), []);
      assert.deepEqual(uploadTempFiles(), []);
    });

    it('refuses a file over 2 MB with 413, leaving no temporary file', async () => {
      const video = await createVideo(owner);
      const cue = '00:00:01.000 --> 00:00:02.000\nfiller text\n\n';
      const big = Buffer.alloc(2 * 1024 * 1024 + 1, '\n');
      Buffer.from(`WEBVTT\n\n${cue}`).copy(big);
      const res = await uploadCaptions(agent, video, big);
      assert.equal(res.status, 413);
      assert.match(res.text, /larger than the 2 MiB limit/);
      assert.deepEqual(await tracksOf(video), []);
      assert.deepEqual(uploadTempFiles(), []);
      const justFits = Buffer.alloc(2 * 1024 * 1024, '\n');
      Buffer.from(`WEBVTT\n\n${cue}`).copy(justFits);
      assert.equal((await uploadCaptions(agent, video, justFits)).status, 303, 'exactly 2 MB is accepted');
    });

    it("is a 404 for another user's video, and writes nothing", async () => {
      const video = await createVideo(owner);
      const stranger = await signedInAgent(t.app, await createUser());
      assert.equal((await uploadCaptions(stranger, video, VTT)).status, 404);
      assert.deepEqual(await tracksOf(video), []);
      assert.deepEqual(uploadTempFiles(), []);
    });
  });

  describe('POST /studio/videos/:id/captions/:language/delete', () => {
    it('removes the track; sent again, it says there is none any more', async () => {
      const video = await createVideo(owner);
      await uploadCaptions(agent, video, VTT, { language: 'en', label: 'English' });
      await uploadCaptions(agent, video, VTT, { language: 'es', label: 'Español' });
      const token = await tokenOf(agent, '/settings');
      const res = await agent.post(`${captionsPage(video)}/en/delete`).type('form').send({ _csrf: token });
      assert.equal(res.status, 303);
      assert.deepEqual((await tracksOf(video)).map((tr) => tr.language), ['es']);
      assert.match((await agent.get(captionsPage(video))).text, /The English \(en\) captions have been removed/);
      const again = await agent.post(`${captionsPage(video)}/en/delete`).type('form').send({ _csrf: token });
      assert.equal(again.status, 303);
      assert.match((await agent.get(captionsPage(video))).text, /There are no English \(en\) captions any more/);
      const stranger = await signedInAgent(t.app, await createUser());
      const refused = await stranger.post(`${captionsPage(video)}/es/delete`).type('form').send({ _csrf: await tokenOf(stranger, '/settings') });
      assert.equal(refused.status, 404);
      assert.deepEqual((await tracksOf(video)).map((tr) => tr.language), ['es']);
    });
  });

  describe('GET /media/videos/:id/captions/:language.vtt', () => {
    it('serves the track as text/vtt, under the access rules of the video and its media', async () => {
      const stranger = await signedInAgent(t.app, await createUser());
      for (const visibility of ['public', 'unlisted', 'private'] as const) {
        const video = await createVideo(owner, { visibility });
        await uploadCaptions(agent, video, VTT);
        const mine = await agent.get(captionFile(video, 'en'));
        assert.equal(mine.status, 200, `${visibility}: the owner`);
        assert.equal(mine.headers['content-type'], 'text/vtt; charset=utf-8');
        assert.equal(mine.text, VTT);
        const expected = visibility === 'private' ? 404 : 200;
        assert.equal((await supertest(t.app).get(captionFile(video, 'en'))).status, expected, `${visibility}: signed out`);
        assert.equal((await stranger.get(captionFile(video, 'en'))).status, expected, `${visibility}: another account`);
        assert.equal((await supertest(t.app).get(captionFile(video, 'fr'))).status, 404, `${visibility}: no such language`);
      }
    });

    it('answers 304 to a browser that has the same track', async () => {
      const video = await createVideo(owner);
      await uploadCaptions(agent, video, VTT);
      const first = await supertest(t.app).get(captionFile(video, 'en'));
      assert.equal(first.headers['cache-control'], 'public, no-cache');
      assert.ok(first.headers.etag);
      assert.equal((await supertest(t.app).get(captionFile(video, 'en')).set('If-None-Match', first.headers.etag)).status, 304);
    });
  });

  describe('with the page cache on', () => {
    const cached = useTestApp({ PAGE_CACHE_SECONDS: '30' });

    it('keeps a public track for signed-out viewers, and serves the new one as soon as it is replaced', async () => {
      const video = await createVideo(owner);
      const author = await signedInAgent(cached.app, owner);
      await uploadCaptions(author, video, VTT);
      assert.equal((await supertest(cached.app).get(captionFile(video, 'en'))).headers.age, undefined, 'a miss');
      const kept = await supertest(cached.app).get(captionFile(video, 'en'));
      assert.equal(kept.headers.age, '0', 'kept');
      assert.equal(kept.headers['content-type'], 'text/vtt; charset=utf-8');
      const replacement = 'WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nReplaced\n';
      assert.equal((await uploadCaptions(author, video, replacement)).status, 303);
      assert.equal((await supertest(cached.app).get(captionFile(video, 'en'))).text, replacement);
    });
  });

  describe('the players', function () {
    this.timeout(60_000);

    it('list the tracks as <track> elements on the watch and embed pages, none of them default', async () => {
      const video = await createVideo(owner);
      await attachRendition(video);
      await uploadCaptions(agent, video, VTT, { language: 'en', label: 'English' });
      await uploadCaptions(agent, video, VTT, { language: 'zh-hant', label: '中文 <繁體>' });
      for (const page of [`/watch/${video.publicId}`, `/embed/${video.publicId}`]) {
        const html = (await supertest(t.app).get(page)).text;
        const tracks = [...html.matchAll(/<track [^>]*>/g)].map((m) => m[0]);
        assert.deepEqual(tracks, [
          `<track kind="subtitles" srclang="en" label="English" src="${captionFile(video, 'en')}">`,
          `<track kind="subtitles" srclang="zh-Hant" label="中文 &lt;繁體&gt;" src="${captionFile(video, 'zh-Hant')}">`,
        ], page);
      }
    });
  });

  describe('search', () => {
    it('finds a video by a word said only in its captions, and no longer once they are removed', async () => {
      const said = word('spoken');
      const video = await createVideo(owner, { title: 'A talk with nothing in its title' });
      const search = async () => (await supertest(t.app).get(`/search?q=${said}`)).text.includes(`/watch/${video.publicId}`);
      assert.equal(await search(), false);
      await uploadCaptions(agent, video, `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nand then she said ${said} twice: ${said.toUpperCase()}\n`);
      assert.equal(await search(), true, 'found by its captions');
      assert.equal((await storedSearchWords()).get(said), 1);
      assert.deepEqual([...(await storedSearchWords())].sort(), [...(await recountedSearchWords())].sort(), 'search_words as a recount makes it');
      const token = await tokenOf(agent, '/settings');
      await agent.post(`${captionsPage(video)}/en/delete`).type('form').send({ _csrf: token });
      assert.equal(await search(), false, 'not found once the captions are gone');
      assert.equal((await storedSearchWords()).get(said), undefined);
      assert.deepEqual([...(await storedSearchWords())].sort(), [...(await recountedSearchWords())].sort());
    });

    it('ranks a video with the word in its title above one that only says it', async () => {
      const said = word('ranked');
      const spoken = await createVideo(owner, { title: 'Only spoken' });
      const titled = await createVideo(owner, { title: `About ${said}` });
      await uploadCaptions(agent, spoken, `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${said}\n`);
      const html = (await supertest(t.app).get(`/search?q=${said}`)).text;
      const at = (v: Made) => html.indexOf(`/watch/${v.publicId}`);
      assert.ok(at(titled) !== -1 && at(spoken) !== -1, 'both found');
      assert.ok(at(titled) < at(spoken), 'the title match first');
    });
  });
});
