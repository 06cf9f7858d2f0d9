import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

/** A ready video with one thumbnail and one rendition on disk (tiny files: only the headers matter here). */
async function videoWithFiles(dataDir: string, visibility: 'public' | 'private' = 'public') {
  const owner = await createUser();
  const video = await createVideo(owner, { visibility });
  const files = [
    { kind: 'thumbnail', name: 'thumb-640.jpg', mime: 'image/jpeg', bytes: await sharp({ create: { width: 16, height: 9, channels: 3, background: '#336' } }).jpeg().toBuffer() },
    { kind: 'thumbnail', name: 'thumb-640.webp', mime: 'image/webp', bytes: await sharp({ create: { width: 16, height: 9, channels: 3, background: '#336' } }).webp().toBuffer() },
    { kind: 'rendition', name: '360p-test.mp4', mime: 'video/mp4', bytes: Buffer.from('not really a video') },
  ];
  for (const file of files) {
    const key = `videos/${video.publicId.toLowerCase().replace(/[^a-z0-9]/g, 'x')}${video.id}/${file.name}`;
    fs.mkdirSync(path.dirname(path.join(dataDir, 'media', key)), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'media', key), file.bytes);
    await testPool().query(
      'INSERT INTO video_files (video_id, kind, name, storage_key, mime_type, width, height, bytes) VALUES ($1, $2, $3, $4, $5, 16, 9, $6)',
      [video.id, file.kind, file.name, key, file.mime, file.bytes.length],
    );
  }
  return { owner, video };
}

describe('response headers', () => {
  const t = useTestApp();

  describe('Permissions-Policy', () => {
    it('turns off the powerful features on every page, and keeps fullscreen and picture-in-picture for the player', async () => {
      for (const url of ['/', '/login', '/nope']) {
        const policy = (await supertest(t.app).get(url)).headers['permissions-policy'] as string | undefined;
        assert.ok(policy, url);
        for (const feature of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()']) assert.ok(policy.includes(feature), `${url}: ${feature}`);
        assert.match(policy, /fullscreen=\(self\)/);
        assert.match(policy, /picture-in-picture=\(self\)/);
      }
    });
  });

  describe('Cache-Control', () => {
    it('is private, no-store on every page for a signed-in viewer', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      for (const url of ['/', '/settings', `/@${user.handle}`, '/search?q=x', '/nope']) {
        assert.equal((await agent.get(url)).headers['cache-control'], 'private, no-store', url);
      }
    });

    it('is private, no-store when the answer carries a cookie: the sign-in form, the sign-in itself', async () => {
      const user = await createUser();
      const agent = supertest.agent(t.app);
      const form = await agent.get('/login');
      assert.equal(form.headers['cache-control'], 'private, no-store');
      const token = await tokenFor(agent, '/login');
      const res = await agent.post('/login').type('form').send({ _csrf: token, login: user.handle, password: user.password });
      assert.equal(res.status, 303);
      assert.equal(res.headers['cache-control'], 'private, no-store');
    });

    it('is left alone on public pages for signed-out visitors', async () => {
      const res = await supertest(t.app).get('/');
      assert.equal(res.status, 200);
      assert.doesNotMatch(String(res.headers['cache-control'] ?? ''), /no-store/);
    });
  });

  describe('Cross-Origin-Resource-Policy', () => {
    it('lets other sites show avatars', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      // The generated picture, written to disk.
      assert.equal((await agent.post('/settings/avatar/reset').type('form').send({ _csrf: await tokenFor(agent, '/settings') })).status, 303);
      const { rows } = await testPool().query('SELECT avatar_key FROM users WHERE id = $1', [user.id]);
      const res = await supertest(t.app).get(`/media/avatars/${rows[0].avatar_key}/96.webp`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
    });

    it('lets other sites show thumbnails and posters of videos anyone may see, not the videos themselves', async () => {
      const { video } = await videoWithFiles(t.config.dataDir);
      for (const name of ['thumb-640.jpg', 'thumb-640.webp']) {
        const res = await supertest(t.app).get(`/media/videos/${video.publicId}/${name}`);
        assert.equal(res.status, 200, name);
        assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin', name);
      }
      const rendition = await supertest(t.app).get(`/media/videos/${video.publicId}/360p-test.mp4`);
      assert.equal(rendition.status, 200);
      assert.equal(rendition.headers['cross-origin-resource-policy'], 'same-origin');
    });

    it('keeps a private video\'s thumbnail same-origin', async () => {
      const { owner, video } = await videoWithFiles(t.config.dataDir, 'private');
      const agent = await signedInAgent(t.app, owner);
      const res = await agent.get(`/media/videos/${video.publicId}/thumb-640.jpg`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
    });
  });
});
