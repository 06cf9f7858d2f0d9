import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { binaries, fixtures } from '../helpers/fixtures.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { filesUnder } from '../helpers/files.js';
import { publicIdFrom, uploadVideo } from '../helpers/videos.js';

async function videosOf(userId: number): Promise<number> {
  const { rows } = await testPool().query<{ n: number }>('SELECT count(*)::int AS n FROM videos WHERE owner_id = $1', [userId]);
  return rows[0]!.n;
}

/** Sends the head of a multipart upload that announces `announcedBytes` and waits for the answer without sending the file. */
async function announceUpload(app: Express, agent: Agent, announcedBytes: number): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const token = await tokenFor(agent, '/upload');
  const cookie = agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).toValueString();
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  const boundary = 'x-boundary-x';
  try {
    return await new Promise((resolve, reject) => {
      const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: `/upload?_csrf=${encodeURIComponent(token)}`, headers: { Cookie: cookie, Accept: 'application/json', 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(announcedBytes) } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
      setTimeout(() => reject(new Error('no answer before the file was sent')), 5000).unref();
    });
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('upload abuse: per-account limits', function () {
  this.timeout(60_000);

  it('refuses the upload past UPLOADS_PER_DAY with 429, Retry-After and when it resets, keeping nothing', async () => {
    const t = createTestApp({ UPLOADS_PER_DAY: '2' });
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    for (let i = 0; i < 2; i++) assert.equal((await uploadVideo(agent, await fixtures.noAudio())).status, 303);
    // The first of the two was made 23 hours ago: one more is allowed in about an hour.
    await testPool().query(`UPDATE videos SET created_at = now() - interval '23 hours' WHERE id = (SELECT min(id) FROM videos WHERE owner_id = $1)`, [user.id]);
    const res = await uploadVideo(agent, await fixtures.noAudio());
    assert.equal(res.status, 429);
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
    assert.match(res.text, /You have uploaded 2 videos in the last 24 hours, the most allowed\. You can upload again in (59 min|1 h) \(at \d\d:\d\d UTC\)\./);
    assert.equal(await videosOf(user.id), 2);
    assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'tmp', 'uploads')), []);
  });

  it('gives the upload script the same message as JSON', async () => {
    const t = createTestApp({ UPLOADS_PER_DAY: '1' });
    const agent = await signedInAgent(t.app, await createUser());
    assert.equal((await uploadVideo(agent, await fixtures.noAudio(), {}, { json: true })).status, 201);
    const res = await uploadVideo(agent, await fixtures.noAudio(), {}, { json: true });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers['retry-after']) > 86000);
    assert.match(res.body.error.message, /You have uploaded 1 video in the last 24 hours, the most allowed\. You can upload again in 24 h/);
  });

  it('answers before the file is sent, and closes the connection, so a refused client does not stream it first', async () => {
    const t = createTestApp({ UPLOADS_PER_DAY: '1' });
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    await createVideo(user);
    const res = await announceUpload(t.app, agent, 500 * 1024 * 1024);
    assert.equal(res.status, 429);
    assert.equal(res.headers.connection, 'close');
    assert.match(JSON.parse(res.body).error.message, /the most allowed/);
  });

  it('refuses a new upload while UPLOADS_PROCESSING_MAX of the account\'s videos are processing', async () => {
    const t = createTestApp({ UPLOADS_PROCESSING_MAX: '2' });
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    await createVideo(user, { status: 'uploaded' });
    await createVideo(user, { status: 'processing' });
    await createVideo(user, { status: 'ready' });
    const res = await uploadVideo(agent, await fixtures.noAudio());
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.match(res.text, /2 of your videos are still being processed, the most at once\. Upload this one when one of them is ready\./);
    await testPool().query(`UPDATE videos SET status = 'failed' WHERE owner_id = $1 AND status = 'processing'`, [user.id]);
    assert.equal((await uploadVideo(agent, await fixtures.noAudio())).status, 303, 'a failed video no longer counts');
  });

  it('refuses a file that would pass UPLOAD_BYTES_PER_DAY with 413, saying when there is room again', async () => {
    const size = fs.statSync(await fixtures.noAudio()).size;
    const t = createTestApp({ UPLOAD_BYTES_PER_DAY: String(Math.floor(size * 1.5)) });
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    assert.equal((await uploadVideo(agent, await fixtures.noAudio())).status, 303);
    const res = await uploadVideo(agent, await fixtures.noAudio());
    assert.equal(res.status, 413);
    assert.ok(Number(res.headers['retry-after']) > 86000);
    assert.match(res.text, /This file \([\d.]+ KiB\) would take you past the [\d.]+ KiB you may upload in 24 hours \([\d.]+ KiB used\)\. There is room for it again in 24 h/);
    assert.equal(await videosOf(user.id), 1);
    assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'tmp', 'uploads')), []);
  });

  it('refuses an upload past STORAGE_QUOTA_BYTES with 413 before the file is sent, counting kept originals and made files', async () => {
    const t = createTestApp({ STORAGE_QUOTA_BYTES: String(10 * 1024 * 1024) });
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const video = await createVideo(user);
    await testPool().query(`UPDATE videos SET original_key = 'originals/x/source', original_bytes = $2 WHERE id = $1`, [video.id, 6 * 1024 * 1024]);
    await testPool().query(`INSERT INTO video_files (video_id, kind, name, storage_key, mime_type, width, height, bytes) VALUES ($1, 'rendition', '360p-abc.mp4', 'videos/x/360p-abc.mp4', 'video/mp4', 640, 360, $2)`, [video.id, 3 * 1024 * 1024]);
    const small = await uploadVideo(agent, await fixtures.noAudio());
    assert.equal(small.status, 303, 'a file that fits in the last MiB is accepted');
    await testPool().query('DELETE FROM videos WHERE public_id = $1', [publicIdFrom(small.headers.location)]);
    const res = await announceUpload(t.app, agent, 500 * 1024 * 1024);
    assert.equal(res.status, 413);
    assert.match(JSON.parse(res.body).error.message, /This file \(about 499 MiB\) would take your videos past your 10 MiB of storage \(9 MiB used\)\. Delete videos you no longer need to make room\./);
  });
});

describe('upload abuse: ffprobe runs at once in the web process', function () {
  this.timeout(60_000);
  let slowProbe: string;

  before(() => {
    // The real ffprobe, a second late: as long as a probe of a large or awkward file takes.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-slow-probe-'));
    slowProbe = path.join(dir, 'ffprobe');
    fs.writeFileSync(slowProbe, `#!/bin/sh\nsleep 1\nexec '${binaries.ffprobe}' "$@"\n`, { mode: 0o755 });
  });

  async function uploadTogether(env: Record<string, string>, count: number) {
    const t = createTestApp({ FFPROBE_PATH: slowProbe, PROBES_MAX_CONCURRENT: '1', ...env });
    const agents = await Promise.all(Array.from({ length: count }, async () => signedInAgent(t.app, await createUser())));
    const file = await fixtures.noAudio();
    return Promise.all(agents.map((agent) => uploadVideo(agent, file, {}, { json: true })));
  }

  it('answers 503 with Retry-After to an upload that found no free slot within PROBE_WAIT_SECONDS', async () => {
    const answers = await uploadTogether({ PROBE_WAIT_SECONDS: '0' }, 2);
    assert.deepEqual(answers.map((r) => r.status).sort(), [201, 503]);
    const busy = answers.find((r) => r.status === 503)!;
    assert.ok(Number(busy.headers['retry-after']) > 0);
    assert.match(busy.body.error.message, /busy checking other uploads/);
  });

  it('lets uploads wait their turn within PROBE_WAIT_SECONDS', async () => {
    const answers = await uploadTogether({ PROBE_WAIT_SECONDS: '20' }, 2);
    assert.deepEqual(answers.map((r) => r.status), [201, 201]);
  });
});
