import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import supertest from 'supertest';
import { createTestApp, useTestApp } from '../helpers/app.js';
import { csrfFrom, sessionCookie, signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, DEFAULT_PASSWORD } from '../helpers/factories.js';
import { jpegWithExif, pngBomb } from '../helpers/images.js';
import { filesUnder } from '../helpers/files.js';

async function avatarKeyOf(userId: number): Promise<string | null> {
  const { rows } = await testPool().query('SELECT avatar_key FROM users WHERE id = $1', [userId]);
  return rows[0].avatar_key;
}


describe('settings', () => {
  const t = useTestApp();

  async function uploadAvatar(agent: Agent, data: Buffer, filename: string) {
    const token = await tokenFor(agent, '/settings');
    return agent.post(`/settings/avatar?_csrf=${encodeURIComponent(token)}`).attach('avatar', data, filename);
  }

  describe('GET /settings', () => {
    it('redirects anonymous users to /login', async () => {
      const res = await supertest(t.app).get('/settings');
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/login?next=%2Fsettings');
    });
  });

  describe('POST /settings', () => {
    it('saves the display name and bio', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const token = await tokenFor(agent, '/settings');
      const res = await agent.post('/settings').type('form').send({ _csrf: token, displayName: 'Renamed', bio: 'Line one\r\nLine two' });
      assert.equal(res.status, 303);
      const channel = await agent.get(`/@${user.handle}/about`);
      assert.match(channel.text, /Renamed/);
      assert.match(channel.text, /Line one\nLine two/);
    });

    it('refuses a bio over 1,000 characters with 422 and keeps it', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const token = await tokenFor(agent, '/settings');
      const res = await agent.post('/settings').type('form').send({ _csrf: token, displayName: 'Name', bio: 'é'.repeat(1001) });
      assert.equal(res.status, 422);
      assert.match(res.text, /at most 1000 characters/);
      assert.ok(res.text.includes('é'.repeat(1001)));
      const { rows } = await testPool().query('SELECT bio FROM users WHERE id = $1', [user.id]);
      assert.equal(rows[0].bio, '');
    });

    it('escapes what people write', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const token = await tokenFor(agent, '/settings');
      await agent.post('/settings').type('form').send({ _csrf: token, displayName: '<img src=x onerror=alert(1)>', bio: '<script>alert(1)</script>' });
      const page = await supertest(t.app).get(`/@${user.handle}/about`);
      assert.doesNotMatch(page.text, /<script>alert/);
      assert.doesNotMatch(page.text, /<img src=x/);
      assert.match(page.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    });
  });

  describe('POST /settings/avatar', () => {
    it('crops a photo square, writes every size as WebP and strips its metadata', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const res = await uploadAvatar(agent, await jpegWithExif(800, 600), 'holiday.jpg');
      assert.equal(res.status, 303);
      const key = await avatarKeyOf(user.id);
      assert.ok(key);
      for (const size of [48, 96, 176, 352]) {
        const image = await supertest(t.app).get(`/media/avatars/${key}/${size}.webp`);
        assert.equal(image.status, 200);
        assert.equal(image.headers['content-type'], 'image/webp');
        assert.match(image.headers['cache-control'] ?? '', /immutable/);
        const meta = await sharp(image.body).metadata();
        assert.equal(meta.width, size);
        assert.equal(meta.height, size);
        assert.equal(meta.exif, undefined);
        assert.ok(!image.body.includes(Buffer.from('SecretCam')));
      }
      assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'tmp', 'uploads')), []);
    });

    it('deletes the files of the picture it replaces', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      await uploadAvatar(agent, await jpegWithExif(300, 300), 'a.jpg');
      const first = await avatarKeyOf(user.id);
      await uploadAvatar(agent, await jpegWithExif(400, 300), 'b.jpg');
      assert.notEqual(await avatarKeyOf(user.id), first);
      assert.equal(fs.existsSync(path.join(t.config.dataDir, 'media', 'avatars', first!)), false);
    });

    it('refuses a text file named .png with 422, keeping nothing', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const mediaBefore = filesUnder(path.join(t.config.dataDir, 'media', 'avatars'));
      const res = await uploadAvatar(agent, Buffer.from('this is not a picture\n'.repeat(50)), 'avatar.png');
      assert.equal(res.status, 422);
      assert.match(res.text, /not an image we can read/);
      assert.equal(await avatarKeyOf(user.id), null);
      assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'tmp', 'uploads')), []);
      assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'media', 'avatars')), mediaBefore);
    });

    it('refuses a 30000×30000 PNG before decoding it', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const bomb = pngBomb(30_000);
      assert.ok(bomb.length < 1024 * 1024, 'the bomb is small on the wire');
      const mediaBefore = filesUnder(path.join(t.config.dataDir, 'media', 'avatars'));
      const res = await uploadAvatar(agent, bomb, 'bomb.png');
      assert.equal(res.status, 422);
      assert.match(res.text, /30000×30000 pixels/);
      assert.equal(await avatarKeyOf(user.id), null);
      assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'tmp', 'uploads')), []);
      assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'media', 'avatars')), mediaBefore);
    });

    it('refuses a file over the size limit with 413, keeping nothing', async () => {
      const small = createTestApp({ MAX_AVATAR_BYTES: '2048' });
      const user = await createUser();
      const agent = await signedInAgent(small.app, user);
      const res = await uploadAvatar(agent, await jpegWithExif(1200, 1200), 'big.jpg');
      assert.equal(res.status, 413);
      assert.deepEqual(filesUnder(path.join(small.config.dataDir, 'tmp', 'uploads')), []);
    });

    it('asks for a file when none was sent', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const token = await tokenFor(agent, '/settings');
      const res = await agent.post(`/settings/avatar?_csrf=${encodeURIComponent(token)}`).field('other', 'x');
      assert.equal(res.status, 422);
      assert.match(res.text, /Choose a picture/);
    });

    it('gives every handle a different generated picture', async () => {
      const a = await createUser();
      const b = await createUser();
      const bytes: Buffer[] = [];
      for (const user of [a, b]) {
        const agent = await signedInAgent(t.app, user);
        const token = await tokenFor(agent, '/settings');
        assert.equal((await agent.post('/settings/avatar/reset').type('form').send({ _csrf: token })).status, 303);
        const image = await supertest(t.app).get(`/media/avatars/${await avatarKeyOf(user.id)}/96.webp`);
        assert.equal(image.status, 200);
        bytes.push(image.body);
      }
      assert.notDeepEqual(bytes[0], bytes[1]);
    });
  });

  describe('POST /settings/password', () => {
    it('asks for the current password', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const token = await tokenFor(agent, '/settings/password');
      const res = await agent.post('/settings/password').type('form').send({ _csrf: token, currentPassword: 'not my password', newPassword: 'a brand new secret', confirmPassword: 'a brand new secret' });
      assert.equal(res.status, 422);
      assert.match(res.text, /not your current password/);
    });

    it('changes it and ends the other sessions, keeping this one', async () => {
      const user = await createUser();
      const here = await signedInAgent(t.app, user);
      const elsewhere = await signedInAgent(t.app, user);
      const token = await tokenFor(here, '/settings/password');
      const res = await here.post('/settings/password').type('form').send({ _csrf: token, currentPassword: user.password, newPassword: 'a brand new secret', confirmPassword: 'a brand new secret' });
      assert.equal(res.status, 303);
      assert.equal((await here.get('/settings')).status, 200);
      assert.equal((await elsewhere.get('/settings')).status, 303);
      await signedInAgent(t.app, { handle: user.handle, password: 'a brand new secret' });
    });

    it('gives this session a new id, so an id copied before the change is worthless', async () => {
      const user = await createUser();
      const here = await signedInAgent(t.app, user);
      const page = await here.get('/settings/password');
      const token = csrfFrom(page.text);
      const { rows: before } = await testPool().query<{ sid: string }>(`SELECT sid FROM sessions WHERE sess ->> 'userId' = $1`, [String(user.id)]);
      assert.equal(before.length, 1);
      const res = await here.post('/settings/password').type('form').send({ _csrf: token, currentPassword: user.password, newPassword: 'a brand new secret', confirmPassword: 'a brand new secret' });
      assert.equal(res.status, 303);
      const cookie = sessionCookie(res);
      assert.ok(cookie, 'a new session cookie is sent');
      const { rows: after } = await testPool().query<{ sid: string }>(`SELECT sid FROM sessions WHERE sess ->> 'userId' = $1`, [String(user.id)]);
      assert.equal(after.length, 1);
      assert.notEqual(after[0]!.sid, before[0]!.sid, 'the session id changed');
      assert.ok(decodeURIComponent(cookie).includes(after[0]!.sid));
      const settings = await here.get('/settings');
      assert.equal(settings.status, 200, 'still signed in under the new id');
      assert.match(settings.text, /Your password has been changed/);
    });
  });

  describe('POST /settings/delete', () => {
    it('hides the channel, signs out everywhere and never frees the handle', async () => {
      const user = await createUser({ email: `${Date.now()}@example.org` });
      const here = await signedInAgent(t.app, user);
      const elsewhere = await signedInAgent(t.app, user);
      const token = await tokenFor(here, '/settings/delete');
      const wrong = await here.post('/settings/delete').type('form').send({ _csrf: token, confirmHandle: user.handle, password: 'wrong password' });
      assert.equal(wrong.status, 422);
      const res = await here.post('/settings/delete').type('form').send({ _csrf: token, confirmHandle: user.handle, password: user.password });
      assert.equal(res.status, 200);
      assert.match(res.text, /Your account has been deleted/);
      assert.equal((await supertest(t.app).get(`/@${user.handle}`)).status, 404);
      assert.equal((await elsewhere.get('/settings')).status, 303);
      const login = supertest.agent(t.app);
      const loginToken = await tokenFor(login);
      assert.equal((await login.post('/login').type('form').send({ _csrf: loginToken, login: user.handle, password: user.password })).status, 401);
      const again = supertest.agent(t.app);
      const registerToken = await tokenFor(again, '/register');
      const reuse = await again.post('/register').type('form').send({ _csrf: registerToken, handle: user.handle, displayName: 'Impostor', password: DEFAULT_PASSWORD });
      assert.equal(reuse.status, 422);
      assert.match(reuse.text, /This handle is taken/);
    });
  });
});
