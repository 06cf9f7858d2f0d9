import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTestApp, useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { fixtures } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo } from '../helpers/videos.js';
import supertest from 'supertest';
import fs from 'node:fs';
import { filesUnder } from '../helpers/files.js';

async function countVideos(): Promise<number> {
  const { rows } = await testPool().query<{ n: number }>('SELECT count(*)::int AS n FROM videos');
  return rows[0]!.n;
}

describe('POST /upload', function () {
  this.timeout(60_000);
  const t = useTestApp();
  const uploadsDir = () => path.join(t.config.dataDir, 'tmp', 'uploads');

  it('redirects anonymous users to /login', async () => {
    const res = await supertest(t.app).get('/upload');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login?next=%2Fupload');
  });

  it('accepts a video: 303 to its watch page, the row in "uploaded" with the probe, the file stored, a job queued', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const res = await uploadVideo(agent, await fixtures.landscape(), { title: '', description: 'About it', tags: 'one, Two, one', visibility: 'unlisted' });
    assert.equal(res.status, 303);
    const publicId = publicIdFrom(res.headers.location);
    const { rows } = await testPool().query('SELECT * FROM videos WHERE public_id = $1', [publicId]);
    const video = rows[0];
    assert.equal(video.title, 'landscape', 'the file name is the default title');
    assert.deepEqual(video.tags, ['one', 'Two']);
    assert.equal(video.visibility, 'unlisted');
    assert.equal(video.width, 1280);
    assert.equal(video.height, 720);
    assert.ok(Math.abs(video.duration_seconds - 3) < 0.2);
    assert.ok(fs.existsSync(path.join(t.config.dataDir, 'media', video.original_key)));
    const jobs = await testPool().query(`SELECT 1 FROM pgboss.job WHERE name = 'video.process' AND (data ->> 'videoId')::bigint = $1`, [video.id]);
    assert.equal(jobs.rowCount, 1);
    assert.deepEqual(filesUnder(uploadsDir()), []);
  });

  it('answers the upload script with 201 and JSON', async () => {
    const agent = await signedInAgent(t.app, await createUser());
    const res = await uploadVideo(agent, await fixtures.noAudio(), { title: 'Scripted' }, { json: true });
    assert.equal(res.status, 201);
    assert.match(res.body.watchUrl, /^\/watch\/[A-Za-z0-9_-]{11}$/);
  });

  // Hostile files (playlists, concat lists, damaged files) are in test/security/hostile-files.test.ts,
  // run with every ffmpeg the site may use.

  it('refuses a video over MAX_VIDEO_SECONDS before decoding it', async () => {
    const strict = createTestApp({ MAX_VIDEO_SECONDS: '2' });
    const agent = await signedInAgent(strict.app, await createUser());
    const res = await uploadVideo(agent, await fixtures.landscape());
    assert.equal(res.status, 422);
    assert.match(res.text, /This video is 0:03 long; videos up to 0:02 are accepted/);
  });

  it('refuses a file over MAX_UPLOAD_BYTES with 413 and a readable message, keeping nothing', async () => {
    const small = createTestApp({ MAX_UPLOAD_BYTES: '10000' });
    const agent = await signedInAgent(small.app, await createUser());
    const before = await countVideos();
    const res = await uploadVideo(agent, await fixtures.landscape());
    assert.equal(res.status, 413);
    assert.match(res.text, /larger than the 9\.8 KiB limit/);
    assert.equal(await countVideos(), before);
    assert.deepEqual(filesUnder(uploadsDir()), []);
  });

  it('keeps nothing of an upload the client aborts half-way', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const token = await tokenFor(agent, '/upload');
    const cookie = agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).toValueString();
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const boundary = 'x-boundary-x';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nAborted\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`;
    await new Promise<void>((resolve) => {
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: `/upload?_csrf=${encodeURIComponent(token)}`, headers: { Cookie: cookie, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(50 * 1024 * 1024) } });
      req.on('error', () => resolve());
      req.write(head);
      req.write(Buffer.alloc(2 * 1024 * 1024, 7));
      // Long enough for the file to be on disk before the client vanishes.
      setTimeout(() => {
        assert.equal(filesUnder(uploadsDir()).length, 1, 'the partial upload was being written');
        req.destroy();
        resolve();
      }, 300);
    });
    for (let i = 0; i < 40 && filesUnder(uploadsDir()).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    server.close();
    assert.deepEqual(filesUnder(uploadsDir()), []);
  });

  it('refuses bad details with 422 and deletes the file', async () => {
    const agent = await signedInAgent(t.app, await createUser());
    const before = await countVideos();
    const res = await uploadVideo(agent, await fixtures.noAudio(), { title: 'x'.repeat(101), tags: Array.from({ length: 21 }, (_, i) => `tag${i}`).join(','), visibility: 'secret' });
    assert.equal(res.status, 422);
    assert.match(res.text, /at most 100 characters/);
    assert.match(res.text, /at most 20 tags/);
    assert.match(res.text, /Choose public, unlisted or private/);
    assert.equal(await countVideos(), before);
    assert.deepEqual(filesUnder(uploadsDir()), []);
  });

  it('asks for a file when none was sent', async () => {
    const agent = await signedInAgent(t.app, await createUser());
    const token = await tokenFor(agent, '/upload');
    const res = await agent.post(`/upload?_csrf=${encodeURIComponent(token)}`).field('title', 'No file');
    assert.equal(res.status, 422);
    assert.match(res.text, /Choose a video file/);
  });

  it('is refused to an account without the upload permission', async () => {
    const user = await createUser();
    await testPool().query(`DELETE FROM user_roles WHERE user_id = $1`, [user.id]);
    const agent = await signedInAgent(t.app, user);
    assert.equal((await agent.get('/upload')).status, 403);
  });
});
