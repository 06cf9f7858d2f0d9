// Attack covered: bad parameters on the account-email routes (issue 14, item 6): signed-out and
// banned requests, forged posts without a CSRF token, unknown, malformed, used, expired and
// wrong-purpose link tokens, missing, malformed and oversized fields. Each gets its exact status,
// never a 500, and a refused request writes nothing (no link issued, no password changed).
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { consumeEmailToken, insertEmailToken } from '../../src/db/email-tokens.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, uniqueHandle } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
const DOMAIN = 'check-params.test';
const NEW_PASSWORD = 'another long passphrase 77';
const DAY_MS = 24 * 3_600_000;
const address = () => `${uniqueHandle('cp')}@${DOMAIN}`;
/** Addresses nodemailer parses as other or more recipients than the one typed (as in accounts.test.ts). */
const ADDRESS_LISTS = ['x<victim@example.org>', 'a@b.example,postmaster', 'a@b.example;c@d.example', '"a b"@example.org', 'undisclosed:a@b.example', 'a(comment)@example.org', 'back\\slash@example.org'];
const MALFORMED_TOKENS = ['short', 'A'.repeat(44), 'A'.repeat(42) + '!', '..%2F..%2Fetc', '%00'.repeat(43), 'x'.repeat(2000)];

async function linkCount(): Promise<number> {
  const { rows } = await testPool().query<{ n: number }>('SELECT count(*)::int AS n FROM email_tokens');
  return rows[0]!.n;
}

/** Runs `act` and asserts that it wrote nothing: the shared snapshot, and no link issued or used. */
async function refused<T>(act: () => Promise<T>): Promise<T> {
  const before = await testPool().query('SELECT count(*)::int AS n, count(used_at)::int AS used FROM email_tokens');
  const result = await withoutWrites(act);
  const after = await testPool().query('SELECT count(*)::int AS n, count(used_at)::int AS used FROM email_tokens');
  assert.deepEqual(after.rows[0], before.rows[0], 'a refused request issued or used a link');
  return result;
}

/** A link of `purpose` for `user`, issued at `at`; its token. */
const link = (user: User, purpose: 'confirm' | 'reset', at = new Date()) => insertEmailToken(testPool(), { userId: user.id, purpose, email: user.email ?? address(), now: at });

describe('check params: account email', () => {
  // Mail on (written to the log, silenced): the forms act; the mail jobs are removed after.
  const t = useCheckedApp({ MAIL_TRANSPORT: 'log' });
  let user: User;
  let agent: Agent;

  before(async () => {
    user = await createUser({ email: address(), confirmedEmail: true });
    agent = await signedInAgent(t.app, user);
  });
  after(() => testPool().query(`DELETE FROM pgboss.job WHERE name = 'mail.send' AND data->>'to' LIKE $1`, [`%@${DOMAIN}`]));

  /** The bad link tokens of every kind for `purpose`, with the status each gets. */
  async function badTokens(purpose: 'confirm' | 'reset'): Promise<[string, number][]> {
    const other = purpose === 'confirm' ? 'reset' : 'confirm';
    const used = await link(user, purpose);
    await consumeEmailToken(testPool(), used, purpose, new Date());
    const expired = await link(user, purpose, new Date(Date.now() - 2 * DAY_MS));
    return [
      ['A'.repeat(43), 404],
      ...MALFORMED_TOKENS.map((token): [string, number] => [token, 404]),
      [await link(user, other), 404],
      [used, 410],
      [expired, 410],
    ];
  }

  describe('GET /forgot-password, /reset-password/:token, /confirm-email/:token', () => {
    it('shows the forgot-password form to anyone', async () => {
      assert.equal((await supertest(t.app).get('/forgot-password')).status, 200);
      assert.equal((await agent.get('/forgot-password')).status, 200);
      assert.equal((await (await bannedAgent(t.app)).get('/forgot-password')).status, 200);
    });

    it('fails with unknown, malformed, wrong-purpose, used and expired tokens, writing nothing', async () => {
      for (const purpose of ['reset', 'confirm'] as const) {
        const path = purpose === 'reset' ? '/reset-password' : '/confirm-email';
        for (const [token, status] of await badTokens(purpose)) {
          const res = await refused(() => supertest(t.app).get(`${path}/${token}`));
          assert.equal(res.status, status, `${path}/${token.slice(0, 50)}`);
        }
      }
    });

    it('succeeds with a valid token, signed in or not (the pages use nothing)', async () => {
      const reset = await link(user, 'reset');
      assert.equal((await refused(() => supertest(t.app).get(`/reset-password/${reset}`))).status, 200);
      assert.equal((await agent.get(`/reset-password/${reset}`)).status, 200);
      const someone = await createUser();
      const confirm = await insertEmailToken(testPool(), { userId: someone.id, purpose: 'confirm', email: address(), now: new Date() });
      assert.equal((await refused(() => supertest(t.app).get(`/confirm-email/${confirm}`))).status, 200);
    });
  });

  describe('POST /forgot-password', () => {
    it('fails without a CSRF token', async () => {
      assert.equal((await refused(() => supertest(t.app).post('/forgot-password').type('form').send({ email: user.email! }))).status, 403);
    });

    it('fails with a missing, malformed or oversized address (422)', async () => {
      const visitor = await anonymousAgent(t.app);
      for (const form of <Record<string, string | string[]>[]>[{}, { email: '' }, { email: 'not-an-address' }, { email: 'a b@example.org' }, { email: 'bell\u0007@example.org' }, { email: `${'e'.repeat(250)}@example.org` }, { email: ['a@example.org', 'b@example.org'] }]) {
        const res = await refused(() => postForm(visitor, '/forgot-password', form as Record<string, string>, { tokenPage: '/login' }));
        assert.equal(res.status, 422, JSON.stringify(form).slice(0, 60));
      }
    });

    it('succeeds with an address, anonymous or signed in', async () => {
      const before = await linkCount();
      assert.equal((await postForm(await anonymousAgent(t.app), '/forgot-password', { email: user.email! }, { tokenPage: '/login' })).status, 200);
      // The link is issued after the answer has gone (its timing says nothing): wait for it.
      for (let i = 0; i < 50 && (await linkCount()) === before; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(await linkCount(), before + 1);
      assert.equal((await postForm(agent, '/forgot-password', { email: address() }, { tokenPage: '/settings' })).status, 200);
    });
  });

  describe('POST /reset-password/:token', () => {
    const form = { newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD };

    it('fails without a CSRF token', async () => {
      const token = await link(user, 'reset');
      assert.equal((await refused(() => supertest(t.app).post(`/reset-password/${token}`).type('form').send(form))).status, 403);
    });

    it('fails with unknown, malformed, wrong-purpose, used and expired tokens, writing nothing', async () => {
      const visitor = await anonymousAgent(t.app);
      for (const [token, status] of await badTokens('reset')) {
        const res = await refused(() => postForm(visitor, `/reset-password/${token}`, form, { tokenPage: '/login' }));
        assert.equal(res.status, status, token.slice(0, 50));
      }
    });

    it('fails with missing, mismatched or oversized passwords (422), leaving the link unused', async () => {
      const token = await link(user, 'reset');
      const visitor = await anonymousAgent(t.app);
      for (const bad of <Record<string, string>[]>[{}, { newPassword: NEW_PASSWORD }, { newPassword: NEW_PASSWORD, confirmPassword: 'other' }, { newPassword: 'p'.repeat(257), confirmPassword: 'p'.repeat(257) }, { newPassword: 'short', confirmPassword: 'short' }]) {
        const res = await refused(() => postForm(visitor, `/reset-password/${token}`, bad, { tokenPage: '/login' }));
        assert.equal(res.status, 422, JSON.stringify(bad).slice(0, 60));
      }
    });

    it('succeeds with a valid token and password', async () => {
      const someone = await createUser({ email: address(), confirmedEmail: true });
      const token = await link(someone, 'reset');
      assert.equal((await postForm(await anonymousAgent(t.app), `/reset-password/${token}`, form, { tokenPage: '/login' })).status, 200);
    });
  });

  describe('POST /confirm-email/:token', () => {
    const confirmLink = async () => {
      const someone = await createUser();
      return { someone, token: await insertEmailToken(testPool(), { userId: someone.id, purpose: 'confirm', email: address(), now: new Date() }) };
    };

    it('fails without a CSRF token', async () => {
      const { token } = await confirmLink();
      assert.equal((await refused(() => supertest(t.app).post(`/confirm-email/${token}`).type('form').send({}))).status, 403);
    });

    it('fails with unknown, malformed, wrong-purpose, used and expired tokens, writing nothing', async () => {
      const visitor = await anonymousAgent(t.app);
      for (const [token, status] of await badTokens('confirm')) {
        const res = await refused(() => postForm(visitor, `/confirm-email/${token}`, {}, { tokenPage: '/login' }));
        assert.equal(res.status, status, token.slice(0, 50));
      }
    });

    it('succeeds with a valid token, signed in or not', async () => {
      const { token } = await confirmLink();
      assert.equal((await postForm(await anonymousAgent(t.app), `/confirm-email/${token}`, {}, { tokenPage: '/login' })).status, 200);
      const second = await confirmLink();
      assert.equal((await postForm(agent, `/confirm-email/${second.token}`, {}, { tokenPage: '/settings' })).status, 200);
    });
  });

  describe('GET /settings/email', () => {
    it('fails with a non-authenticated user or a banned account (303 to sign in)', async () => {
      assertSignIn(await supertest(t.app).get('/settings/email'), '/settings/email');
      assertSignIn(await (await bannedAgent(t.app)).get('/settings/email'), '/settings/email');
    });

    it('succeeds signed in', async () => {
      assert.equal((await agent.get('/settings/email')).status, 200);
    });
  });

  describe('POST /settings/email, /settings/email/resend', () => {
    const paths = ['/settings/email', '/settings/email/resend'];

    it('fails with a non-authenticated user', async () => {
      for (const path of paths) {
        const visitor = await anonymousAgent(t.app);
        assertSignIn(await refused(() => postForm(visitor, path, { email: address() }, { tokenPage: '/login' })));
      }
    });

    it('fails with a banned account', async () => {
      for (const path of paths) {
        const banned = await bannedAgent(t.app);
        assertSignIn(await refused(() => postForm(banned, path, { email: address() }, { tokenPage: '/login' })));
      }
    });

    it('fails without a CSRF token', async () => {
      for (const path of paths) assert.equal((await refused(() => agent.post(path).type('form').send({ email: address(), currentPassword: user.password }))).status, 403, path);
    });

    it('fails without the current password, for a first address too (422)', async () => {
      const someone = await createUser({ email: address() });
      const theirs = await signedInAgent(t.app, someone);
      for (const bad of <Record<string, string>[]>[{ email: address() }, { email: address(), currentPassword: '' }, { email: address(), currentPassword: 'wrong password' }]) {
        assert.equal((await refused(() => postForm(theirs, '/settings/email', bad, { tokenPage: '/settings' }))).status, 422, JSON.stringify(bad));
      }
    });

    it('fails with a missing, malformed or oversized field, or the wrong password (422)', async () => {
      for (const bad of <Record<string, string>[]>[{}, { email: 'nope' }, { email: `${'e'.repeat(250)}@example.org`, currentPassword: user.password }, { email: address() }, { email: address(), currentPassword: 'wrong password' }, { email: address(), currentPassword: 'p'.repeat(300) }, { email: user.email!, currentPassword: user.password }]) {
        const res = await refused(() => postForm(agent, '/settings/email', bad, { tokenPage: '/settings' }));
        assert.equal(res.status, 422, JSON.stringify(bad).slice(0, 80));
      }
    });

    it('fails with an address that a mailer would read as another or several recipients (422)', async () => {
      for (const email of ADDRESS_LISTS) {
        const res = await refused(() => postForm(agent, '/settings/email', { email, currentPassword: user.password }, { tokenPage: '/settings' }));
        assert.equal(res.status, 422, email);
      }
    });

    it('fails to send the link again when no address waits (409)', async () => {
      const fresh = await signedInAgent(t.app, await createUser());
      await postForm(fresh, '/forgot-password', { email: address() }, { tokenPage: '/settings' });
      assert.equal((await refused(() => postForm(fresh, '/settings/email/resend', {}, { tokenPage: '/settings' }))).status, 409);
    });

    it('succeeds with correct parameters', async () => {
      const someone = await createUser();
      const theirs = await signedInAgent(t.app, someone);
      assert.equal((await postForm(theirs, '/settings/email', { email: address(), currentPassword: someone.password }, { tokenPage: '/settings' })).status, 303);
      assert.equal((await postForm(theirs, '/settings/email/resend', {}, { tokenPage: '/settings' })).status, 303);
      assert.equal((await postForm(agent, '/settings/email', { email: address(), currentPassword: user.password }, { tokenPage: '/settings' })).status, 303);
    });
  });
});
