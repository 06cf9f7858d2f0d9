import assert from 'node:assert/strict';
import supertest from 'supertest';
import { createTestApp, useTestApp } from '../helpers/app.js';
import { csrfFrom, tokenFor, signedInAgent, sessionCookie } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, uniqueHandle, DEFAULT_PASSWORD } from '../helpers/factories.js';

async function countUsers(handle: string): Promise<number> {
  const { rows } = await testPool().query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE handle = lower($1)', [handle]);
  return rows[0]!.n;
}

describe('POST /register', () => {
  const t = useTestApp();

  async function register(fields: Record<string, string>) {
    const agent = supertest.agent(t.app);
    const token = await tokenFor(agent, '/register');
    const res = await agent.post('/register').type('form').send({ _csrf: token, ...fields });
    return { agent, res };
  }

  it('creates the account, signs it in and sends it to its channel', async () => {
    const handle = uniqueHandle('new');
    const { agent, res } = await register({ handle, displayName: 'New Person', email: `${handle}@example.org`, password: DEFAULT_PASSWORD });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, `/@${handle}`);
    const channel = await agent.get(`/@${handle}`);
    assert.equal(channel.status, 200);
    assert.match(channel.text, /Welcome to Tubestead, New Person!/);
    assert.match(channel.text, /Account menu for New Person/);
    const { rows } = await testPool().query('SELECT password_hash, avatar_key FROM users WHERE handle = $1', [handle]);
    assert.match(rows[0].password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(rows[0].avatar_key, 'a default avatar is generated at sign-up');
  });

  it('keeps handles in lower case and refuses the same handle in another case', async () => {
    const handle = uniqueHandle('case');
    const first = await register({ handle: handle.toUpperCase(), displayName: 'First', password: DEFAULT_PASSWORD });
    assert.equal(first.res.status, 303);
    const second = await register({ handle: handle.charAt(0).toUpperCase() + handle.slice(1), displayName: 'Second', password: DEFAULT_PASSWORD });
    assert.equal(second.res.status, 422);
    assert.match(second.res.text, /This handle is taken/);
    assert.equal(await countUsers(handle), 1);
  });

  for (const reserved of ['admin', 'API', 'media', 'static', 'login', 'ad.min']) {
    it(`refuses the reserved handle "${reserved}"`, async () => {
      const { res } = await register({ handle: reserved, displayName: 'Sneaky', password: DEFAULT_PASSWORD });
      assert.equal(res.status, 422);
      assert.match(res.text, /This handle is reserved/);
      assert.equal(await countUsers(reserved.toLowerCase()), 0);
    });
  }

  it('refuses a short password with 422 and keeps what was typed, except the password', async () => {
    const handle = uniqueHandle('short');
    const { res } = await register({ handle, displayName: 'Kept <Name>', email: 'kept@example.org', password: 'tiny pw' });
    assert.equal(res.status, 422);
    assert.match(res.text, /Use at least 10 characters/);
    assert.match(res.text, new RegExp(`value="${handle}"`));
    assert.match(res.text, /value="Kept &lt;Name&gt;"/);
    assert.match(res.text, /value="kept@example.org"/);
    assert.doesNotMatch(res.text, /tiny pw/);
    assert.match(res.text, /aria-invalid="true"/);
    assert.equal(await countUsers(handle), 0);
  });

  it('refuses one of the most common breached passwords', async () => {
    const { res } = await register({ handle: uniqueHandle(), displayName: 'Common', password: '1234567890' });
    assert.equal(res.status, 422);
    assert.match(res.text, /most common/);
  });

  it('refuses handles with characters outside a–z 0–9 _ . -, and too short or long', async () => {
    for (const handle of ['ab', 'a'.repeat(31), 'bad handle', 'émile', '<script>']) {
      const { res } = await register({ handle, displayName: 'X', password: DEFAULT_PASSWORD });
      assert.equal(res.status, 422, handle);
    }
  });

  it('treats repeated or odd fields as empty instead of failing', async () => {
    const agent = supertest.agent(t.app);
    const token = await tokenFor(agent, '/register');
    const res = await agent.post('/register').type('form').send(`_csrf=${encodeURIComponent(token)}&handle=a&handle=b&displayName[x]=1&password=`);
    assert.equal(res.status, 422);
  });

  it('limits sign-ups per address per hour with 429 and Retry-After', async () => {
    const limited = createTestApp({ SIGNUP_MAX_PER_HOUR: '2' }).app;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const agent = supertest.agent(limited);
      const token = await tokenFor(agent, '/register');
      const res = await agent.post('/register').type('form').send({ _csrf: token, handle: uniqueHandle('rl'), displayName: 'R', password: DEFAULT_PASSWORD });
      statuses.push(res.status);
      if (res.status === 429) assert.ok(Number(res.headers['retry-after']) > 0);
    }
    assert.deepEqual(statuses, [303, 303, 429]);
  });
});

describe('POST /login', () => {
  const t = useTestApp();

  it('signs in with the handle, in any case, and with the email', async () => {
    const user = await createUser({ email: `${uniqueHandle()}@example.org`, confirmedEmail: true });
    for (const login of [user.handle, user.handle.toUpperCase(), `@${user.handle}`, user.email!.toUpperCase()]) {
      const agent = supertest.agent(t.app);
      const token = await tokenFor(agent);
      const res = await agent.post('/login').type('form').send({ _csrf: token, login, password: user.password });
      assert.equal(res.status, 303, login);
      const home = await agent.get('/');
      assert.match(home.text, new RegExp(`@${user.handle}`));
    }
  });

  it('refuses a wrong password with 401 and keeps the login typed', async () => {
    const user = await createUser();
    const agent = supertest.agent(t.app);
    const token = await tokenFor(agent);
    const res = await agent.post('/login').type('form').send({ _csrf: token, login: user.handle, password: 'wrong password!' });
    assert.equal(res.status, 401);
    assert.match(res.text, /do not match an account/);
    assert.match(res.text, new RegExp(`value="${user.handle}"`));
  });

  it('gives the session a new id at sign-in', async () => {
    const user = await createUser();
    // A browser that already holds a session (here, another account's) signs in again.
    const agent = await signedInAgent(t.app, await createUser());
    const page = await agent.get('/');
    const before = sessionCookie(page);
    assert.ok(before, 'the browser holds a session');
    const token = csrfFrom(page.text);
    const res = await agent.post('/login').type('form').send({ _csrf: token, login: user.handle, password: user.password });
    const after = sessionCookie(res);
    assert.ok(after);
    assert.notEqual(after, before);
    const { rows } = await testPool().query('SELECT 1 FROM sessions WHERE sid = $1', [decodeURIComponent(before!).slice(2).split('.')[0]]);
    assert.equal(rows.length, 0, 'the old session is gone');
  });

  it('honours ?next= for a local path only', async () => {
    const user = await createUser();
    for (const [next, expected] of [
      ['/settings', '/settings'],
      ['https://evil.example', '/'],
      ['//evil.example/x', '/'],
      ['/\\evil.example', '/'],
      ['javascript:alert(1)', '/'],
    ] as const) {
      const agent = supertest.agent(t.app);
      const page = await agent.get(`/login?next=${encodeURIComponent(next)}`);
      const token = page.text.match(/name="_csrf" value="([^"]+)"/)![1]!;
      const hidden = page.text.match(/name="next" value="([^"]*)"/)?.[1] ?? '';
      const res = await agent.post('/login').type('form').send({ _csrf: token, login: user.handle, password: user.password, next: hidden || next });
      assert.equal(res.headers.location, expected, next);
    }
  });

  it('answers 429 with Retry-After after a handful of failures for one account', async () => {
    const limited = createTestApp({ LOGIN_MAX_FAILURES: '3' }).app;
    const user = await createUser();
    const agent = supertest.agent(limited);
    const token = await tokenFor(agent);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await agent.post('/login').type('form').send({ _csrf: token, login: user.handle, password: `wrong guess ${i}` });
      statuses.push(res.status);
      if (res.status === 429) {
        assert.ok(Number(res.headers['retry-after']) > 0);
        assert.match(res.text, /Too many attempts/);
      }
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    // The right password is refused too while the account is limited.
    const right = await agent.post('/login').type('form').send({ _csrf: token, login: user.handle, password: user.password });
    assert.equal(right.status, 429);
  });

  it('limits failures per address across accounts', async () => {
    const limited = createTestApp({ LOGIN_MAX_FAILURES_PER_ADDRESS: '2' }).app;
    const agent = supertest.agent(limited);
    const token = await tokenFor(agent);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await agent.post('/login').type('form').send({ _csrf: token, login: uniqueHandle('nobody'), password: 'wrong guess!!' });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 429]);
  });

  it('does not count successful sign-ins against the limit', async () => {
    const limited = createTestApp({ LOGIN_MAX_FAILURES: '2', LOGIN_MAX_FAILURES_PER_ADDRESS: '2' }).app;
    const user = await createUser();
    for (let i = 0; i < 4; i++) await signedInAgent(limited, user);
  });

  it('lets a banned account in only to the ban notice (issue 13: every page is it, test/routes/bans.test.ts)', async () => {
    const user = await createUser();
    await testPool().query('UPDATE users SET banned_at = now() WHERE id = $1', [user.id]);
    const agent = supertest.agent(t.app);
    const token = await tokenFor(agent);
    const res = await agent.post('/login').type('form').send({ _csrf: token, login: user.handle, password: user.password });
    assert.equal(res.status, 303);
    const page = await agent.get('/');
    assert.equal(page.status, 403);
    assert.match(page.text, /suspended/);
  });

  it('rehashes a password hashed at a lower cost', async () => {
    const argon2 = (await import('argon2')).default;
    const user = await createUser({ password: 'an older cheaper hash' });
    const weak = await argon2.hash(user.password, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await testPool().query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, weak]);
    await signedInAgent(t.app, user);
    const { rows } = await testPool().query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    assert.match(rows[0].password_hash, /m=19456,t=2,p=1/);
  });
});

describe('POST /logout', () => {
  const t = useTestApp();

  it('destroys the session', async () => {
    const user = await createUser();
    const agent = await signedInAgent(t.app, user);
    const token = await tokenFor(agent, '/');
    const res = await agent.post('/logout').type('form').send({ _csrf: token });
    assert.equal(res.status, 303);
    const { rows } = await testPool().query(`SELECT 1 FROM sessions WHERE sess ->> 'userId' = $1`, [String(user.id)]);
    assert.equal(rows.length, 0);
    const settings = await agent.get('/settings');
    assert.equal(settings.status, 303);
    assert.equal(settings.headers.location, '/login?next=%2Fsettings');
  });
});
