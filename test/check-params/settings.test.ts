// Attack covered: bad parameters on the account settings (profile, avatar, password, deletion):
// signed-out and banned requests, forged posts without a CSRF token, missing, malformed and
// oversized fields and files. Each gets its exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { jpegWithExif } from '../helpers/images.js';

type User = Awaited<ReturnType<typeof createUser>>;
const NEW_PASSWORD = 'another long passphrase 77';

describe('check params: settings', () => {
  const t = useCheckedApp();
  let user: User;
  let agent: Agent;

  before(async () => {
    user = await createUser();
    agent = await signedInAgent(t.app, user);
  });

  /** A settings form post by `who`, the token read from the settings page. */
  const post = (who: Agent, path: string, form: Record<string, string>) => postForm(who, path, form, { tokenPage: '/settings' });
  const avatar = async (who: Agent, content: Buffer | string, name = 'me.jpg', field = 'avatar') => {
    const token = await tokenOf(who, '/settings');
    return who.post(`/settings/avatar?_csrf=${encodeURIComponent(token)}`).attach(field, Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  };

  describe('GET /settings, /settings/password, /settings/delete', () => {
    const pages = ['/settings', '/settings/password', '/settings/delete'];

    it('fails with a non-authenticated user (303 to sign in, coming back)', async () => {
      for (const page of pages) assertSignIn(await supertest(t.app).get(page), page);
    });

    it('fails with a banned account', async () => {
      for (const page of pages) assertSignIn(await (await bannedAgent(t.app)).get(page), page);
    });

    it('succeeds with correct parameters', async () => {
      for (const page of pages) assert.equal((await agent.get(page)).status, 200, page);
    });
  });

  describe('POST /settings', () => {
    const profile = (overrides: Record<string, string> = {}) => ({ displayName: 'A fine name', bio: 'About me', ...overrides });

    it('fails with a non-authenticated user', async () => {
      assertSignIn(await withoutWrites(async () => postForm(await anonymousAgent(t.app), '/settings', profile(), { tokenPage: '/login' })));
    });

    it('fails with a banned account', async () => {
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(async () => post(banned, '/settings', profile())));
    });

    it('fails without a CSRF token', async () => {
      assert.equal((await withoutWrites(() => agent.post('/settings').type('form').send(profile()))).status, 403);
    });

    it('fails with a missing field', async () => {
      assert.equal((await withoutWrites(() => post(agent, '/settings', { bio: 'no name' }))).status, 422);
    });

    it('fails with a malformed field', async () => {
      for (const bad of <Record<string, string>[]>[{ displayName: 'line\nbreak' }, { bio: 'bell\u0007' }, { displayName: '   ' }]) {
        assert.equal((await withoutWrites(() => post(agent, '/settings', profile(bad)))).status, 422, JSON.stringify(bad));
      }
    });

    it('fails with an oversized field', async () => {
      for (const big of <Record<string, string>[]>[{ displayName: 'd'.repeat(51) }, { bio: 'b'.repeat(1001) }]) {
        assert.equal((await withoutWrites(() => post(agent, '/settings', profile(big)))).status, 422, Object.keys(big)[0]);
      }
    });

    it('fails with a form body over 64 kB (413), or with more than 100 fields', async () => {
      assert.equal((await withoutWrites(() => post(agent, '/settings', profile({ bio: 'b'.repeat(70 * 1024) })))).status, 413);
      const many = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, 'x']));
      assert.equal((await withoutWrites(() => post(agent, '/settings', profile(many)))).status, 413);
    });

    it('succeeds with correct parameters', async () => {
      const res = await post(agent, '/settings', profile({ displayName: 'Saved by check-params' }));
      assert.equal(res.status, 303);
      assert.equal((await testPool().query('SELECT display_name FROM users WHERE id = $1', [user.id])).rows[0].display_name, 'Saved by check-params');
    });
  });

  describe('POST /settings/avatar', () => {
    it('fails with a non-authenticated user', async () => {
      const visitor = await anonymousAgent(t.app);
      const token = await tokenOf(visitor);
      assertSignIn(await withoutWrites(async () => visitor.post(`/settings/avatar?_csrf=${encodeURIComponent(token)}`).attach('avatar', await jpegWithExif(64, 64), 'me.jpg')));
    });

    it('fails with a banned account', async () => {
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(async () => avatar(banned, await jpegWithExif(64, 64))));
    });

    it('fails without a CSRF token', async () => {
      const res = await withoutWrites(async () => agent.post('/settings/avatar').attach('avatar', await jpegWithExif(64, 64), 'me.jpg'));
      assert.equal(res.status, 403);
    });

    it('fails with a missing file', async () => {
      const token = await tokenOf(agent, '/settings');
      const res = await withoutWrites(() => agent.post(`/settings/avatar?_csrf=${encodeURIComponent(token)}`).field('nothing', 'here'));
      assert.equal(res.status, 422);
    });

    it('fails with a file in another field (400), or a file that is not a picture (422)', async () => {
      assert.equal((await withoutWrites(async () => avatar(agent, await jpegWithExif(64, 64), 'me.jpg', 'picture'))).status, 400);
      assert.equal((await withoutWrites(() => avatar(agent, 'not a picture at all', 'me.png'))).status, 422);
    });

    it('fails with a malformed multipart body (400)', async () => {
      const token = await tokenOf(agent, '/settings');
      const url = `/settings/avatar?_csrf=${encodeURIComponent(token)}`;
      const wrong: string[] = [];
      const answers = {
        'a NUL byte in the file name': await withoutWrites(async () => agent.post(url).attach('avatar', await jpegWithExif(64, 64), 'me\u0000.jpg')),
        'parts without the boundary': await withoutWrites(() => agent.post(url).set('Content-Type', 'multipart/form-data; boundary=abc').send('not multipart at all')),
        'no boundary': await withoutWrites(() => agent.post(url).set('Content-Type', 'multipart/form-data').send('--abc\r\n')),
        'a body cut short': await withoutWrites(() => agent.post(url).set('Content-Type', 'multipart/form-data; boundary=abc').send('--abc\r\nContent-Disposition: form-data; name="avatar"; filename="a.jpg"\r\n\r\nxx')),
      };
      for (const [label, res] of Object.entries(answers)) if (res.status !== 400) wrong.push(`${label}: ${res.status}`);
      assert.deepEqual(wrong, [], 'each is 400');
    });

    describe('with a 2 kB limit (MAX_AVATAR_BYTES)', () => {
      const small = useCheckedApp({ MAX_AVATAR_BYTES: '2048' });

      it('fails with an oversized file (413)', async () => {
        const mine = await signedInAgent(small.app, await createUser());
        const token = await tokenOf(mine, '/settings');
        const res = await withoutWrites(async () => mine.post(`/settings/avatar?_csrf=${encodeURIComponent(token)}`).attach('avatar', await jpegWithExif(800, 600), 'big.jpg'));
        assert.equal(res.status, 413);
      });
    });

    it('succeeds with correct parameters', async () => {
      const before = (await testPool().query('SELECT avatar_key FROM users WHERE id = $1', [user.id])).rows[0].avatar_key;
      const res = await avatar(agent, await jpegWithExif(64, 64));
      assert.equal(res.status, 303);
      assert.notEqual((await testPool().query('SELECT avatar_key FROM users WHERE id = $1', [user.id])).rows[0].avatar_key, before);
    });
  });

  describe('POST /settings/avatar/reset', () => {
    it('fails with a non-authenticated user, a banned account, or without a CSRF token', async () => {
      assertSignIn(await withoutWrites(async () => postForm(await anonymousAgent(t.app), '/settings/avatar/reset', {}, { tokenPage: '/login' })));
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(async () => post(banned, '/settings/avatar/reset', {})));
      assert.equal((await withoutWrites(() => agent.post('/settings/avatar/reset').type('form').send({}))).status, 403);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await post(agent, '/settings/avatar/reset', {})).status, 303);
    });
  });

  describe('POST /settings/password', () => {
    const change = (current: string, overrides: Record<string, string> = {}) => ({ currentPassword: current, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, ...overrides });

    it('fails with a non-authenticated user, a banned account, or without a CSRF token', async () => {
      assertSignIn(await withoutWrites(async () => postForm(await anonymousAgent(t.app), '/settings/password', change('x'), { tokenPage: '/login' })));
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(async () => post(banned, '/settings/password', change(user.password))));
      assert.equal((await withoutWrites(() => agent.post('/settings/password').type('form').send(change(user.password)))).status, 403);
    });

    it('fails with a missing field', async () => {
      for (const missing of ['currentPassword', 'newPassword', 'confirmPassword']) {
        assert.equal((await withoutWrites(() => post(agent, '/settings/password', change(user.password, { [missing]: '' })))).status, 422, missing);
      }
    });

    it('fails with a wrong current password, a weak or mismatched new one', async () => {
      for (const bad of <Record<string, string>[]>[{ currentPassword: 'not my password' }, { newPassword: 'short', confirmPassword: 'short' }, { newPassword: 'qwertyuiop', confirmPassword: 'qwertyuiop' }, { confirmPassword: 'something else entirely' }]) {
        assert.equal((await withoutWrites(() => post(agent, '/settings/password', change(user.password, bad)))).status, 422, JSON.stringify(bad));
      }
    });

    it('fails with an oversized field', async () => {
      const long = 'p'.repeat(257);
      assert.equal((await withoutWrites(() => post(agent, '/settings/password', change(user.password, { newPassword: long, confirmPassword: long })))).status, 422);
    });

    it('succeeds with correct parameters', async () => {
      const mine = await createUser();
      const res = await post(await signedInAgent(t.app, mine), '/settings/password', change(mine.password));
      assert.equal(res.status, 303);
    });
  });

  describe('POST /settings/delete', () => {
    const deletion = (who: User, overrides: Record<string, string> = {}) => ({ password: who.password, confirmHandle: who.handle, ...overrides });

    it('fails with a non-authenticated user, a banned account, or without a CSRF token', async () => {
      assertSignIn(await withoutWrites(async () => postForm(await anonymousAgent(t.app), '/settings/delete', deletion(user), { tokenPage: '/login' })));
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(async () => post(banned, '/settings/delete', deletion(user))));
      assert.equal((await withoutWrites(() => agent.post('/settings/delete').type('form').send(deletion(user)))).status, 403);
    });

    it('fails with a missing field', async () => {
      for (const missing of ['password', 'confirmHandle']) {
        assert.equal((await withoutWrites(() => post(agent, '/settings/delete', deletion(user, { [missing]: '' })))).status, 422, missing);
      }
    });

    it("fails with another account's handle or a wrong password", async () => {
      const other = await createUser();
      assert.equal((await withoutWrites(() => post(agent, '/settings/delete', deletion(user, { confirmHandle: other.handle })))).status, 422);
      assert.equal((await withoutWrites(() => post(agent, '/settings/delete', deletion(user, { password: 'not my password' })))).status, 422);
    });

    it('fails with an oversized field', async () => {
      assert.equal((await withoutWrites(() => post(agent, '/settings/delete', deletion(user, { confirmHandle: 'h'.repeat(5000) })))).status, 422);
    });

    it('succeeds with correct parameters', async () => {
      const mine = await createUser();
      const res = await post(await signedInAgent(t.app, mine), '/settings/delete', deletion(mine));
      assert.equal(res.status, 200);
      assert.ok((await testPool().query('SELECT deleted_at FROM users WHERE id = $1', [mine.id])).rows[0].deleted_at);
    });
  });
});
