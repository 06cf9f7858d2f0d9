import assert from 'node:assert/strict';
import supertest from 'supertest';
import { MAX_TOKENS_PER_ACCOUNT } from '../../src/db/api-tokens.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { assertProblem, bearer, createToken, documented } from '../helpers/api.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

const ALL_FORM = { name: 'backup script', scopes: ['account:read', 'videos:read'], expiry: 'never' };

/** The secret on the answer that made a token. */
function secretOn(html: string): string {
  const match = /id="new-token-secret"[^>]*value="(tst_[A-Za-z0-9_-]{43})"/.exec(html);
  assert.ok(match, 'the new secret is on the page');
  return match[1]!;
}

async function tokenRows(userId: number) {
  const { rows } = await testPool().query('SELECT id, name, scopes, kind, expires_at FROM api_tokens WHERE user_id = $1 ORDER BY id', [userId]);
  return rows;
}

describe('access tokens in settings (issue 15)', () => {
  const t = useTestApp();

  async function create(agent: Agent, form: Record<string, unknown>) {
    const token = await tokenFor(agent, '/settings/tokens');
    return agent.post('/settings/tokens').type('form').send({ _csrf: token, ...form });
  }

  describe('GET /settings/tokens', () => {
    it('redirects anonymous users to /login', async () => {
      const res = await supertest(t.app).get('/settings/tokens');
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/login?next=%2Fsettings%2Ftokens');
    });

    it('shows the form with every scope, a tab among the settings, and no tokens yet', async () => {
      const agent = await signedInAgent(t.app, await createUser());
      const res = await agent.get('/settings/tokens');
      assert.equal(res.status, 200);
      assert.match(res.text, /href="\/settings\/tokens" aria-current="page"/);
      assert.match(res.text, /You have no access tokens/);
      for (const scope of ['videos:read', 'videos:write', 'videos:upload', 'comments:write', 'playlists:write', 'notifications:read', 'account:read']) assert.match(res.text, new RegExp(`value="${scope}"`));
      assert.match(res.text, /<legend>What it may do<\/legend>/);
      assert.match(res.text, /js\/copy\.[^"]*js"/);
    });
  });

  describe('POST /settings/tokens', () => {
    it('creates a token and shows its secret once (201, not cached), never again', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const res = await create(agent, ALL_FORM);
      assert.equal(res.status, 201);
      assert.match(String(res.headers['cache-control']), /no-store/);
      assert.match(res.text, /you will not see it again/);
      const secret = secretOn(res.text);
      const [row] = await tokenRows(user.id);
      assert.equal(row.name, 'backup script');
      assert.deepEqual(row.scopes, ['videos:read', 'account:read']);
      assert.equal(row.kind, 'personal');
      assert.equal(row.expires_at, null);
      // It works, for its scopes.
      assert.equal(documented(await supertest(t.app).get('/api/v1/me').set(bearer(secret))).status, 200);
      // Never shown again: the list has only its start.
      const page = await agent.get('/settings/tokens');
      assert.ok(!page.text.includes(secret), 'the secret is not on the page again');
      assert.ok(page.text.includes(`${secret.slice(0, 8)}…`), 'its start is');
      const { rows } = await testPool().query('SELECT encode(token_hash, \'hex\') AS h FROM api_tokens WHERE user_id = $1', [user.id]);
      assert.ok(!rows[0].h.includes(Buffer.from(secret).toString('hex')), 'only the hash is stored');
    });

    it('lists the last use (time and address) after an API call, and "never used" before', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      secretOn((await create(agent, { ...ALL_FORM, name: 'unused' })).text);
      const secret = secretOn((await create(agent, { ...ALL_FORM, name: 'used' })).text);
      assert.match((await agent.get('/settings/tokens')).text, /Never used/);
      documented(await supertest(t.app).get('/api/v1/me').set(bearer(secret)));
      const page = (await agent.get('/settings/tokens')).text;
      const used = page.slice(page.indexOf('>used '), page.indexOf('>unused '));
      assert.match(used, /Last used<\/dt><dd><time datetime="[^"]+">[^<]+<\/time> from [0-9a-f.:]+/);
      assert.match(page.slice(page.indexOf('>unused ')), /Never used/);
    });

    it('sets the expiry: in days, on a chosen day (through its end, UTC), and shows an expired token as expired', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const before = Date.now();
      assert.equal((await create(agent, { ...ALL_FORM, name: 'thirty', expiry: '30' })).status, 201);
      const year = new Date().getUTCFullYear() + 2;
      assert.equal((await create(agent, { ...ALL_FORM, name: 'dated', expiry: 'date', expiresOn: `${year}-12-31` })).status, 201);
      assert.equal((await create(agent, { ...ALL_FORM, name: 'too far', expiry: 'date', expiresOn: `${year + 20}-12-31` })).status, 422);
      const [thirty, dated] = await tokenRows(user.id);
      const days = (thirty.expires_at.getTime() - before) / 86_400_000;
      assert.ok(days > 29.99 && days < 30.01, `${days} days`);
      assert.equal(dated.expires_at.toISOString(), `${year + 1}-01-01T00:00:00.000Z`);
      const old = await createToken(user, ['account:read'], { name: 'old one', expiresAt: new Date(Date.now() - 60_000) });
      assertProblem(documented(await supertest(t.app).get('/api/v1/me').set(bearer(old))), 401);
      const page = (await agent.get('/settings/tokens')).text;
      assert.match(page.slice(page.indexOf('>old one ')), /^[^]*?badge-warning">Expired</);
    });

    it('refuses a bad form with 422, the field errors and the typed values, storing nothing', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ ...ALL_FORM, name: '' }, 'name', /Give the token a name/],
        [{ ...ALL_FORM, name: 'x'.repeat(101) }, 'name', /at most 100/],
        [{ name: 'no scopes', expiry: 'never' }, 'scopes', /at least one/],
        [{ ...ALL_FORM, scopes: ['videos:read', 'admin:all'] }, 'scopes', /among the scopes/],
        [{ ...ALL_FORM, expiry: '12' }, 'expiry', /when the token expires/],
        [{ ...ALL_FORM, expiry: 'date', expiresOn: '2020-01-01' }, 'expiresOn', /not passed/],
        [{ ...ALL_FORM, expiry: 'date', expiresOn: '2031-02-30' }, 'expiresOn', /YYYY-MM-DD/],
        [{ ...ALL_FORM, expiry: 'date', expiresOn: '' }, 'expiresOn', /YYYY-MM-DD/],
        [{ ...ALL_FORM, expiry: '30', expiresOn: '2031-01-01' }, 'expiresOn', /choose “On a day of your choosing”/],
      ];
      for (const [form, fieldName, message] of cases) {
        const res = await create(agent, { ...form, name: form.name === undefined ? undefined : form.name });
        assert.equal(res.status, 422, JSON.stringify(form));
        assert.match(res.text, message);
        assert.match(res.text, new RegExp(`href="#field-${fieldName}"`));
      }
      const typed = await create(agent, { name: 'kept name', scopes: ['comments:write'], expiry: 'date', expiresOn: '2000-01-01' });
      assert.match(typed.text, /value="kept name"/);
      assert.match(typed.text, /value="comments:write" checked/);
      assert.match(typed.text, /id="expiry-date" value="date" checked/);
      assert.match(typed.text, /value="2000-01-01"/);
      assert.deepEqual(await tokenRows(user.id), []);
    });

    it(`refuses a token past ${MAX_TOKENS_PER_ACCOUNT} with 409 and says what to do`, async () => {
      const user = await createUser();
      for (let i = 0; i < MAX_TOKENS_PER_ACCOUNT; i += 1) await createToken(user, ['account:read'], { name: `t${i}` });
      const agent = await signedInAgent(t.app, user);
      const res = await create(agent, ALL_FORM);
      assert.equal(res.status, 409);
      assert.match(res.text, /the most one account may have\. Revoke one/);
      assert.match(res.text, /value="backup script"/);
      assert.equal((await tokenRows(user.id)).length, MAX_TOKENS_PER_ACCOUNT);
    });
  });

  describe('POST /settings/tokens/:id/revoke and /settings/tokens/revoke-all', () => {
    it('revokes one token: it answers 401 at once, the others still work', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const first = secretOn((await create(agent, { ...ALL_FORM, name: 'first' })).text);
      const second = secretOn((await create(agent, { ...ALL_FORM, name: 'second' })).text);
      const [row] = await tokenRows(user.id);
      const res = await agent.post(`/settings/tokens/${row.id}/revoke`).type('form').send({ _csrf: await tokenFor(agent, '/settings/tokens') });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/settings/tokens');
      assert.match((await agent.get('/settings/tokens')).text, /has been revoked/);
      assertProblem(documented(await supertest(t.app).get('/api/v1/me').set(bearer(first))), 401);
      assert.equal(documented(await supertest(t.app).get('/api/v1/me').set(bearer(second))).status, 200);
    });

    it("answers 404 for another account's token, and for one revoked already, touching nothing", async () => {
      const owner = await createUser();
      const secret = await createToken(owner, ['account:read']);
      const [row] = await tokenRows(owner.id);
      const stranger = await signedInAgent(t.app, await createUser());
      const csrf = await tokenFor(stranger, '/settings/tokens');
      assert.equal((await stranger.post(`/settings/tokens/${row.id}/revoke`).type('form').send({ _csrf: csrf })).status, 404);
      assert.equal(documented(await supertest(t.app).get('/api/v1/me').set(bearer(secret))).status, 200);
      const ownerAgent = await signedInAgent(t.app, owner);
      const ownerCsrf = await tokenFor(ownerAgent, '/settings/tokens');
      assert.equal((await ownerAgent.post(`/settings/tokens/${row.id}/revoke`).type('form').send({ _csrf: ownerCsrf })).status, 303);
      assert.equal((await ownerAgent.post(`/settings/tokens/${row.id}/revoke`).type('form').send({ _csrf: ownerCsrf })).status, 404);
    });

    it('revokes all of the account\'s tokens, and no one else\'s', async () => {
      const user = await createUser();
      const other = await createUser();
      const mine = [await createToken(user, ['account:read']), await createToken(user, ['account:read'], { kind: 'sharex' })];
      const theirs = await createToken(other, ['account:read']);
      const agent = await signedInAgent(t.app, user);
      const res = await agent.post('/settings/tokens/revoke-all').type('form').send({ _csrf: await tokenFor(agent, '/settings/tokens') });
      assert.equal(res.status, 303);
      assert.match((await agent.get('/settings/tokens')).text, /All 2 of your tokens have been revoked/);
      for (const secret of mine) assertProblem(documented(await supertest(t.app).get('/api/v1/me').set(bearer(secret))), 401);
      assert.equal(documented(await supertest(t.app).get('/api/v1/me').set(bearer(theirs))).status, 200);
    });
  });
});
