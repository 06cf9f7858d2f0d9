// Attack covered: bad parameters on the account forms (register, sign in, sign out): forged
// posts without a CSRF token, missing, malformed and oversized fields, guessing past the rate
// limits. Each gets its exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent } from '../helpers/agent.js';
import { anonymousAgent, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { createUser, uniqueHandle } from '../helpers/factories.js';
import { testPool } from '../helpers/database.js';

const PASSWORD = 'a long and unusual passphrase 42';
/** Addresses nodemailer parses as other or more recipients than the one typed (RFC 5322 lists, quoting, groups). */
const ADDRESS_LISTS = ['x<victim@example.org>', 'a@b.example,postmaster', 'a@b.example;c@d.example', '"a b"@example.org', 'undisclosed:a@b.example', 'a(comment)@example.org', 'a@[192.0.2.1].example', 'back\\slash@example.org'];
const registration = (overrides: Record<string, string> = {}) => ({ handle: uniqueHandle('cp'), displayName: 'New person', email: '', password: PASSWORD, ...overrides });

describe('check params: accounts', () => {
  const t = useCheckedApp();

  describe('GET /register and GET /login', () => {
    it('succeeds for a signed-out visitor', async () => {
      for (const path of ['/register', '/login', '/login?next=%2Fsettings']) assert.equal((await supertest(t.app).get(path)).status, 200, path);
    });

    it('sends a signed-in user on (303), to a local next path only', async () => {
      const agent = await signedInAgent(t.app, await createUser());
      for (const path of ['/register', '/login']) {
        const res = await agent.get(`${path}?next=${encodeURIComponent('/studio')}`);
        assert.equal(res.status, 303, path);
        assert.equal(res.headers.location, '/studio');
      }
    });
  });

  describe('POST /register', () => {
    const accounts = async () => Number((await testPool().query('SELECT count(*) FROM users')).rows[0].count);

    it('fails without a CSRF token', async () => {
      const res = await withoutWrites(() => supertest(t.app).post('/register').type('form').send(registration()));
      assert.equal(res.status, 403);
    });

    it('fails with a missing field', async () => {
      const agent = await anonymousAgent(t.app);
      for (const field of ['handle', 'displayName', 'password']) {
        const res = await withoutWrites(() => postForm(agent, '/register', registration({ [field]: '' })));
        assert.equal(res.status, 422, field);
      }
    });

    it('fails with a malformed field', async () => {
      const agent = await anonymousAgent(t.app);
      for (const bad of <Record<string, string>[]>[{ handle: 'a b' }, { handle: 'ab' }, { handle: 'admin' }, { email: 'not-an-email' }, { password: 'short' }, { password: 'qwertyuiop' }, { displayName: 'tab\there' }]) {
        const res = await withoutWrites(() => postForm(agent, '/register', registration(bad)));
        assert.equal(res.status, 422, JSON.stringify(bad));
      }
    });

    it('fails with an address that a mailer would read as another or several recipients', async () => {
      const agent = await anonymousAgent(t.app);
      for (const email of ADDRESS_LISTS) {
        const res = await withoutWrites(() => postForm(agent, '/register', registration({ email })));
        assert.equal(res.status, 422, email);
        assert.match(res.text, /Enter an email address like name@example.org/);
      }
    });

    it('fails with an oversized field', async () => {
      const agent = await anonymousAgent(t.app);
      for (const big of <Record<string, string>[]>[{ handle: 'h'.repeat(31) }, { displayName: 'd'.repeat(51) }, { email: `${'e'.repeat(250)}@example.org` }, { password: 'p'.repeat(257) }]) {
        const res = await withoutWrites(() => postForm(agent, '/register', registration(big)));
        assert.equal(res.status, 422, Object.keys(big)[0]);
      }
    });

    it('fails with a form body over 64 kB (413)', async () => {
      const agent = await anonymousAgent(t.app);
      const res = await withoutWrites(() => postForm(agent, '/register', registration({ displayName: 'd'.repeat(70 * 1024) })));
      assert.equal(res.status, 413);
    });

    it('fails with a handle already taken, in any case', async () => {
      const taken = await createUser();
      const agent = await anonymousAgent(t.app);
      const res = await withoutWrites(() => postForm(agent, '/register', registration({ handle: taken.handle.toUpperCase() })));
      assert.equal(res.status, 422);
    });

    it('succeeds with correct parameters', async () => {
      const before = await accounts();
      const res = await postForm(await anonymousAgent(t.app), '/register', registration());
      assert.equal(res.status, 303);
      assert.equal(await accounts(), before + 1);
    });
  });

  describe('POST /register rate limit', () => {
    const limited = useCheckedApp({ SIGNUP_MAX_PER_HOUR: '1' });

    it('fails with 429 and Retry-After past the hourly limit of accounts from one address', async () => {
      assert.equal((await postForm(await anonymousAgent(limited.app), '/register', registration())).status, 303);
      const res = await withoutWrites(async () => postForm(await anonymousAgent(limited.app), '/register', registration()));
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers['retry-after']) > 0);
    });
  });

  describe('POST /login', () => {
    let user: Awaited<ReturnType<typeof createUser>>;
    before(async () => {
      user = await createUser();
    });

    it('fails without a CSRF token', async () => {
      const res = await supertest(t.app).post('/login').type('form').send({ login: user.handle, password: user.password });
      assert.equal(res.status, 403);
    });

    it('fails with a missing field', async () => {
      const agent = await anonymousAgent(t.app);
      assert.equal((await postForm(agent, '/login', { login: user.handle, password: '' })).status, 422);
      assert.equal((await postForm(agent, '/login', { login: '', password: user.password })).status, 422);
      assert.equal((await agent.get('/settings')).status, 303, 'still signed out');
    });

    it('fails with a malformed field: control characters in the handle or email (never a 500)', async () => {
      const agent = await anonymousAgent(t.app);
      // No account has such a handle: "does not match" (401) or a field error (422) are both
      // right. A NUL, which no browser form sends and Postgres cannot store, is a malformed
      // request (400) for every form alike (src/http/nul-bytes.ts).
      for (const login of [`${user.handle}\u0000`, 'a\u0000@example.org']) {
        const res = await postForm(agent, '/login', { login, password: user.password });
        assert.equal(res.status, 400, `${JSON.stringify(login)} answered ${res.status}`);
      }
      const res = await postForm(agent, '/login', { login: `\u0007${user.handle}`, password: user.password });
      assert.ok([401, 422].includes(res.status), `a bell character answered ${res.status}`);
      assert.equal((await agent.get('/settings')).status, 303, 'still signed out');
    });

    it('fails with an oversized field', async () => {
      const agent = await anonymousAgent(t.app);
      assert.equal((await postForm(agent, '/login', { login: 'x'.repeat(255), password: user.password })).status, 422);
      assert.equal((await postForm(agent, '/login', { login: user.handle, password: 'p'.repeat(257) })).status, 422);
    });

    it('fails with a wrong password or an unknown account (401, the same answer)', async () => {
      const agent = await anonymousAgent(t.app);
      const wrong = await postForm(agent, '/login', { login: user.handle, password: 'not the password at all' });
      const unknown = await postForm(agent, '/login', { login: uniqueHandle('nobody'), password: 'not the password at all' });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
    });

    it('lets a banned account in only to the ban notice: every page is a 403 (issue 13, test/routes/bans.test.ts)', async () => {
      const banned = await createUser();
      await testPool().query('UPDATE users SET banned_at = now() WHERE id = $1', [banned.id]);
      const agent = await anonymousAgent(t.app);
      const res = await postForm(agent, '/login', { login: banned.handle, password: banned.password });
      assert.equal(res.status, 303);
      assert.equal((await agent.get('/settings')).status, 403);
    });

    it('succeeds with correct parameters, by handle or by @handle', async () => {
      for (const login of [user.handle, `@${user.handle}`]) {
        const agent = await anonymousAgent(t.app);
        const res = await postForm(agent, '/login', { login, password: user.password });
        assert.equal(res.status, 303, login);
        assert.equal((await agent.get('/settings')).status, 200);
      }
    });
  });

  describe('POST /login rate limit', () => {
    const limited = useCheckedApp({ LOGIN_MAX_FAILURES: '2' });

    it('fails with 429 and Retry-After after too many wrong passwords for one account', async () => {
      const user = await createUser();
      const agent = await anonymousAgent(limited.app);
      for (let i = 0; i < 2; i++) assert.equal((await postForm(agent, '/login', { login: user.handle, password: `wrong password ${i}` })).status, 401);
      const res = await postForm(agent, '/login', { login: user.handle, password: user.password });
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers['retry-after']) > 0);
      assert.equal((await agent.get('/settings')).status, 303, 'not signed in');
    });
  });

  describe('POST /logout', () => {
    it('fails without a CSRF token, leaving the session signed in', async () => {
      const agent = await signedInAgent(t.app, await createUser());
      assert.equal((await agent.post('/logout').type('form').send({})).status, 403);
      assert.equal((await agent.get('/settings')).status, 200);
    });

    it('succeeds for a banned account (already signed out) and for a signed-out visitor', async () => {
      assert.equal((await postForm(await bannedAgent(t.app), '/logout', {}, { tokenPage: '/settings' })).status, 303);
      assert.equal((await postForm(await anonymousAgent(t.app), '/logout')).status, 303);
    });

    it('succeeds with correct parameters', async () => {
      const agent = await signedInAgent(t.app, await createUser());
      const res = await postForm(agent, '/logout');
      assert.equal(res.status, 303);
      assert.equal((await agent.get('/settings')).status, 303, 'signed out');
    });
  });
});
