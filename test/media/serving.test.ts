import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { useTestApp, useWorker } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { fixtures } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo, waitForProcessing } from '../helpers/videos.js';
import { filesUnder } from '../helpers/files.js';

async function renditionOf(publicId: string): Promise<{ name: string; key: string }> {
  const { rows } = await testPool().query(
    `SELECT f.name, f.storage_key FROM video_files f JOIN videos v ON v.id = f.video_id WHERE v.public_id = $1 AND f.kind = 'rendition' ORDER BY f.height DESC LIMIT 1`,
    [publicId],
  );
  return { name: rows[0].name, key: rows[0].storage_key };
}

describe('serving media', function () {
  this.timeout(120_000);
  const t = useTestApp();
  useWorker(t);
  let owner: Awaited<ReturnType<typeof createUser>>;
  let ownerAgent: Agent;
  const ids: Record<'public' | 'unlisted' | 'private', string> = { public: '', unlisted: '', private: '' };

  before(async () => {
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    for (const visibility of ['public', 'unlisted', 'private'] as const) {
      const res = await uploadVideo(ownerAgent, await fixtures.h264(), { title: `A ${visibility} video`, visibility });
      ids[visibility] = publicIdFrom(res.headers.location);
    }
    for (const id of Object.values(ids)) assert.equal((await waitForProcessing(id)).status, 'ready');
  });

  describe('GET /media/videos/:id/:name', () => {
    it('answers Range requests byte for byte, with 206, Content-Range and Accept-Ranges', async () => {
      const { name, key } = await renditionOf(ids.public);
      const bytes = fs.readFileSync(path.join(t.config.dataDir, 'media', key));
      const url = `/media/videos/${ids.public}/${name}`;
      const whole = await supertest(t.app).get(url).buffer(true).parse((res, cb) => { const parts: Buffer[] = []; res.on('data', (c: Buffer) => parts.push(c)); res.on('end', () => cb(null, Buffer.concat(parts))); });
      assert.equal(whole.status, 200);
      assert.equal(whole.headers['accept-ranges'], 'bytes');
      assert.equal(whole.headers['content-type'], 'video/mp4');
      assert.match(whole.headers['cache-control'] as string, /public, max-age=31536000, immutable/);
      assert.ok(whole.headers.etag);
      assert.ok(whole.headers['last-modified']);
      assert.ok(bytes.equals(whole.body));
      for (const [range, start, end] of [['bytes=0-99', 0, 99], ['bytes=1000-', 1000, bytes.length - 1], ['bytes=-500', bytes.length - 500, bytes.length - 1]] as const) {
        const res = await supertest(t.app).get(url).set('Range', range).buffer(true).parse((r, cb) => { const parts: Buffer[] = []; r.on('data', (c: Buffer) => parts.push(c)); r.on('end', () => cb(null, Buffer.concat(parts))); });
        assert.equal(res.status, 206, range);
        assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${bytes.length}`);
        assert.ok(bytes.subarray(start, end + 1).equals(res.body), range);
      }
    });

    it('answers 416 for a range outside the file, and HEAD without a body', async () => {
      const { name, key } = await renditionOf(ids.public);
      const size = fs.statSync(path.join(t.config.dataDir, 'media', key)).size;
      const url = `/media/videos/${ids.public}/${name}`;
      const outside = await supertest(t.app).get(url).set('Range', `bytes=${size + 10}-${size + 20}`);
      assert.equal(outside.status, 416);
      assert.equal(outside.headers['content-range'], `bytes */${size}`);
      const head = await supertest(t.app).head(url);
      assert.equal(head.status, 200);
      assert.equal(Number(head.headers['content-length']), size);
      const notModified = await supertest(t.app).get(url).set('If-None-Match', head.headers.etag as string);
      assert.equal(notModified.status, 304);
    });

    it('serves a private video\'s files to its owner only', async () => {
      const { name } = await renditionOf(ids.private);
      const url = `/media/videos/${ids.private}/${name}`;
      assert.equal((await supertest(t.app).get(url)).status, 404);
      const stranger = await signedInAgent(t.app, await createUser());
      assert.equal((await stranger.get(url)).status, 404);
      const mine = await ownerAgent.get(url).set('Range', 'bytes=0-9');
      assert.equal(mine.status, 206);
      assert.match(mine.headers['cache-control'] as string, /private/);
      const moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
      assert.equal((await moderator.get(url).set('Range', 'bytes=0-9')).status, 206);
    });

    it('serves an unlisted video through its id, but never lists it', async () => {
      const { name } = await renditionOf(ids.unlisted);
      assert.equal((await supertest(t.app).get(`/media/videos/${ids.unlisted}/${name}`).set('Range', 'bytes=0-9')).status, 206);
      assert.equal((await supertest(t.app).get(`/watch/${ids.unlisted}`)).status, 200);
      for (const page of ['/', `/@${owner.handle}`]) {
        const html = (await supertest(t.app).get(page)).text;
        assert.ok(html.includes(ids.public), `${page} lists the public video`);
        assert.ok(!html.includes(ids.unlisted), `${page} does not list the unlisted one`);
        assert.ok(!html.includes(ids.private), `${page} does not list the private one`);
      }
    });

    it('refuses names that are not the video\'s files, and never reads paths from the request', async () => {
      for (const name of ['..%2F..%2Fsecrets%2Fsession-secret', 'source', 'original.mp4', '360p.mp4', '%2e%2e', 'x.mp4%00.jpg']) {
        assert.equal((await supertest(t.app).get(`/media/videos/${ids.public}/${name}`)).status, 404, name);
      }
      const { name } = await renditionOf(ids.public);
      assert.equal((await supertest(t.app).get(`/media/videos/${ids.private}/${name}`)).status, 404, 'another video\'s file name');
      assert.equal((await supertest(t.app).get(`/media/originals/${ids.public}/source`)).status, 404);
    });
  });

  describe('watch pages and the API', () => {
    it('hide private videos from everyone but the owner', async () => {
      assert.equal((await supertest(t.app).get(`/watch/${ids.private}`)).status, 404);
      assert.equal((await supertest(t.app).get(`/api/v1/videos/${ids.private}`)).status, 404);
      assert.equal((await ownerAgent.get(`/watch/${ids.private}`)).status, 200);
      assert.equal((await supertest(t.app).get('/watch/not-an-id')).status, 404);
    });
  });

  describe('POST /studio/videos/:id/delete', () => {
    it('is refused to others, and removes the rows and every file for the owner', async () => {
      const res = await uploadVideo(ownerAgent, await fixtures.noAudio(), { title: 'To delete' });
      const publicId = publicIdFrom(res.headers.location);
      await waitForProcessing(publicId);
      const stranger = await signedInAgent(t.app, await createUser());
      const strangerToken = await tokenFor(stranger, `/watch/${publicId}`);
      assert.equal((await stranger.post(`/studio/videos/${publicId}/delete`).type('form').send({ _csrf: strangerToken })).status, 403);

      const token = await tokenFor(ownerAgent, `/watch/${publicId}`);
      const deleted = await ownerAgent.post(`/studio/videos/${publicId}/delete`).type('form').send({ _csrf: token });
      assert.equal(deleted.status, 303);
      const { rows } = await testPool().query('SELECT 1 FROM videos WHERE public_id = $1', [publicId]);
      assert.equal(rows.length, 0);
      assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'media', 'videos', publicId)), []);
      assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'media', 'originals', publicId)), []);
      assert.equal((await supertest(t.app).get(`/watch/${publicId}`)).status, 404);
    });

    it('lets a moderator delete any video', async () => {
      const res = await uploadVideo(ownerAgent, await fixtures.noAudio(), { title: 'Moderated' });
      const publicId = publicIdFrom(res.headers.location);
      const moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
      const token = await tokenFor(moderator, `/watch/${publicId}`);
      assert.equal((await moderator.post(`/studio/videos/${publicId}/delete`).type('form').send({ _csrf: token })).status, 303);
      // Deleted while queued or processing: the job notices and leaves nothing.
      await new Promise((r) => setTimeout(r, 3000));
      assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'media', 'videos', publicId)), []);
    });
  });

  describe('POST /watch/:id/retry', () => {
    it('puts a failed video back in line for its owner, and it ends ready', async () => {
      const res = await uploadVideo(ownerAgent, await fixtures.noAudio(), { title: 'Retry me' });
      const publicId = publicIdFrom(res.headers.location);
      await waitForProcessing(publicId);
      // As if processing had failed: no files, status failed.
      await testPool().query(`DELETE FROM video_files WHERE video_id = (SELECT id FROM videos WHERE public_id = $1)`, [publicId]);
      await testPool().query(`UPDATE videos SET status = 'failed', progress = 40, failure_reason = 'Processing failed on the server.', thumbnail_stem = NULL, storyboard = NULL, published_at = NULL WHERE public_id = $1`, [publicId]);
      const page = await ownerAgent.get(`/watch/${publicId}`);
      assert.match(page.text, /could not be processed/);
      assert.match(page.text, /Processing failed on the server\./);
      const stranger = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
      const strangerToken = await tokenFor(stranger, `/watch/${publicId}`);
      assert.equal((await stranger.post(`/watch/${publicId}/retry`).type('form').send({ _csrf: strangerToken })).status, 403);
      const token = await tokenFor(ownerAgent, `/watch/${publicId}`);
      assert.equal((await ownerAgent.post(`/watch/${publicId}/retry`).type('form').send({ _csrf: token })).status, 303);
      const row = await waitForProcessing(publicId);
      assert.equal(row.status, 'ready');
    });
  });
});
