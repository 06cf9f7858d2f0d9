import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { downloadName } from '../../src/routes/studio-edit.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

/** The answer's body as bytes (supertest would otherwise decode it as text or drop it). */
const binary = (request: supertest.Test) => request.buffer(true).parse((res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
});

describe('GET /studio/videos/:id/original (the creator downloads their upload)', () => {
  const t = useTestApp();
  let owner: Awaited<ReturnType<typeof createUser>>;
  let agent: Agent;

  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
  });

  /** A video whose original is kept on disk where storage keeps it, under `name`. */
  async function withOriginal(name: string, options: Parameters<typeof createVideo>[1] = {}) {
    const video = await createVideo(owner, options);
    const bytes = crypto.randomBytes(4096);
    const file = path.join(t.config.dataDir, 'media', 'originals', video.publicId, 'source');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
    await testPool().query('UPDATE videos SET original_name = $2, original_bytes = $3 WHERE id = $1', [video.id, name, bytes.length]);
    return { ...video, bytes, file };
  }

  it('sends the owner the file as uploaded, as an attachment under its name, for public and private videos', async () => {
    for (const visibility of ['public', 'private'] as const) {
      const video = await withOriginal('Holiday clip.MOV', { visibility });
      const page = await agent.get(`/studio/videos/${video.publicId}`);
      assert.match(page.text, new RegExp(`href="/studio/videos/${video.publicId}/original" download>`));
      assert.match(page.text, /Holiday clip\.MOV, 4 KiB/);
      const res = await binary(agent.get(`/studio/videos/${video.publicId}/original`));
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-disposition'], 'attachment; filename="Holiday clip.MOV"');
      assert.equal(res.headers['content-type'], 'application/octet-stream');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.match(String(res.headers['cache-control']), /no-store/);
      assert.ok(Buffer.compare(res.body as Buffer, video.bytes) === 0, 'the same bytes');
    }
  });

  it('gives the file a safe name whatever the upload was called', async () => {
    const video = await withOriginal('../../etc/"quoted"\r\nSet-Cookie: x=1\u202Egnp.exe');
    const res = await agent.get(`/studio/videos/${video.publicId}/original`);
    assert.equal(res.status, 200);
    assert.ok(![res.headers['set-cookie'] ?? []].flat().some((c) => c.startsWith('x=')), 'no header injected');
    assert.equal(res.headers['content-disposition'], 'attachment; filename="quotedSet-Cookie x=1gnp.exe"');
    assert.equal(downloadName('C:\\Users\\me\\clip.mp4'), 'clip.mp4');
    assert.equal(downloadName('...'), 'video');
    assert.equal(downloadName(''), 'video');
    assert.equal(downloadName('vidéo été.mkv'), 'vidéo été.mkv');
    const unicode = await withOriginal('vidéo été.mkv');
    assert.match(String((await agent.get(`/studio/videos/${unicode.publicId}/original`)).headers['content-disposition']), /^attachment; filename="vid\?o \?t\?\.mkv"; filename\*=UTF-8''vid%C3%A9o%20%C3%A9t%C3%A9\.mkv$/);
  });

  it('answers 404 to everyone else, signed-out visitors go to sign in', async () => {
    const video = await withOriginal('secret.mp4');
    for (const user of [await createUser(), await createUser({ roles: ['moderator'] }), await createUser({ roles: ['admin'] })]) {
      assert.equal((await (await signedInAgent(t.app, user)).get(`/studio/videos/${video.publicId}/original`)).status, 404);
    }
    const visitor = await supertest(t.app).get(`/studio/videos/${video.publicId}/original`);
    assert.equal(visitor.status, 303);
    assert.match(String(visitor.headers.location), /^\/login\?next=/);
  });

  it('answers 404 when originals are not kept, or the file is gone, and the page says so', async () => {
    const notKept = await withOriginal('dropped.mp4');
    await testPool().query('UPDATE videos SET original_key = NULL WHERE id = $1', [notKept.id]);
    assert.equal((await agent.get(`/studio/videos/${notKept.publicId}/original`)).status, 404);
    const page = await agent.get(`/studio/videos/${notKept.publicId}`);
    assert.match(page.text, /does not keep uploaded files/);
    assert.doesNotMatch(page.text, /\/original"/);
    const gone = await withOriginal('gone.mp4');
    fs.rmSync(gone.file);
    assert.equal((await agent.get(`/studio/videos/${gone.publicId}/original`)).status, 404);
  });
});
