// Attack covered: bad parameters on Settings → Access tokens and the API's reference page
// (issue 15): signed-out and banned requests, forged posts (no CSRF token), another account's
// token ids, unknown and malformed ids, accounts that may not upload asking for a ShareX
// uploader, and missing, repeated, hostile and oversized fields. Each gets its exact status,
// never a 500, and a refused request stores no token and revokes none.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { createToken } from '../helpers/api.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

const GOOD = { name: 'check params', scopes: 'account:read', expiry: 'never' };
const MALFORMED_IDS = ['0', '-1', 'abc', '1e3', '9'.repeat(30), '%00', '..%2F..', '1.5'];

const countTokens = async () => Number((await testPool().query('SELECT count(*) AS n FROM api_tokens')).rows[0].n);

/** Runs `act` and asserts that no token was made or revoked, nor anything else written. */
async function withoutTokenChanges<T>(act: () => Promise<T>): Promise<T> {
  const before = await countTokens();
  const result = await withoutWrites(act);
  assert.equal(await countTokens(), before, 'a refused request made or revoked a token');
  return result;
}

/** A post by a signed-out or banned visitor (made first: making one writes an account) that must change nothing. */
async function signedOutPost(who: Promise<Agent>, path: string, form: Record<string, string>) {
  const agent = await who;
  return withoutTokenChanges(() => postForm(agent, path, form, { tokenPage: '/login' }));
}

describe('check params: access tokens', () => {
  const t = useCheckedApp();
  let owner: Awaited<ReturnType<typeof createUser>>;
  let ownerAgent: Agent;
  let stranger: Agent;

  before(async () => {
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    stranger = await signedInAgent(t.app, await createUser());
  });

  describe('GET /settings/tokens', () => {
    it('fails with a non-authenticated user or a banned account (sign in)', async () => {
      assertSignIn(await supertest(t.app).get('/settings/tokens'), '/settings/tokens');
      assertSignIn(await (await bannedAgent(t.app)).get('/settings/tokens'));
    });

    it('succeeds for a signed-in account', async () => {
      assert.equal((await ownerAgent.get('/settings/tokens')).status, 200);
    });
  });

  describe('POST /settings/tokens', () => {
    it('fails signed out, banned (sign in / expired form) or without a CSRF token (403)', async () => {
      assertSignIn(await signedOutPost(anonymousAgent(t.app), '/settings/tokens', GOOD));
      assert.equal((await signedOutPost(bannedAgent(t.app), '/settings/tokens', GOOD)).status, 303);
      assert.equal((await withoutTokenChanges(() => ownerAgent.post('/settings/tokens').type('form').send(GOOD))).status, 403);
    });

    it('fails with missing, repeated, hostile and unknown fields (422)', async () => {
      const token = await tokenOf(ownerAgent, '/settings/tokens');
      for (const fields of [
        {}, { ...GOOD, name: '' }, { ...GOOD, name: ' \t ' }, { ...GOOD, name: 'x'.repeat(101) }, { ...GOOD, name: 'line\nbreak' },
        { ...GOOD, scopes: '' }, { ...GOOD, scopes: 'admin' }, { ...GOOD, scopes: '__proto__' }, { ...GOOD, scopes: 'toString' },
        { ...GOOD, expiry: '0' }, { ...GOOD, expiry: '-7' }, { ...GOOD, expiry: 'forever' }, { ...GOOD, expiry: '1e9' },
        { ...GOOD, expiry: 'date', expiresOn: 'tomorrow' }, { ...GOOD, expiry: 'date', expiresOn: '1999-01-01' }, { ...GOOD, expiry: 'date', expiresOn: '99999-01-01' },
        { ...GOOD, expiry: 'date', expiresOn: '2030-13-01' }, { ...GOOD, expiry: 'date', expiresOn: '2030-02-29' },
      ]) {
        const res = await withoutTokenChanges(() => ownerAgent.post('/settings/tokens').type('form').send({ _csrf: token, ...fields }));
        assert.equal(res.status, 422, JSON.stringify(fields).slice(0, 80));
      }
      // A NUL anywhere in a form is refused before any handler (refuseNulBytes): 400.
      assert.equal((await withoutTokenChanges(() => ownerAgent.post('/settings/tokens').type('form').send({ _csrf: token, ...GOOD, name: 'bad\u0000name' }))).status, 400);
      // Repeated single fields are no single value: read as blank.
      const repeated = await withoutTokenChanges(() => ownerAgent.post('/settings/tokens').type('form').send(`_csrf=${encodeURIComponent(token)}&name=a&name=b&scopes=account:read`));
      assert.equal(repeated.status, 422);
      // Bracketed names are not arrays here (forms are not read "extended").
      const bracketed = await withoutTokenChanges(() => ownerAgent.post('/settings/tokens').type('form').send(`_csrf=${encodeURIComponent(token)}&name=a&scopes[0]=account:read`));
      assert.equal(bracketed.status, 422);
      // Past the form parser's limit: 413, as every form of the site.
      assert.equal((await withoutTokenChanges(() => ownerAgent.post('/settings/tokens').type('form').send({ _csrf: token, ...GOOD, name: 'x'.repeat(200_000) }))).status, 413);
    });

    it('succeeds with correct parameters (201), every scope at once too', async () => {
      assert.equal((await postForm(ownerAgent, '/settings/tokens', GOOD, { tokenPage: '/settings/tokens' })).status, 201);
      const token = await tokenOf(ownerAgent, '/settings/tokens');
      const all = ['videos:read', 'videos:write', 'videos:upload', 'comments:write', 'playlists:write', 'notifications:read', 'account:read'].map((s) => `scopes=${encodeURIComponent(s)}`).join('&');
      const res = await ownerAgent.post('/settings/tokens').type('form').send(`_csrf=${encodeURIComponent(token)}&name=all&expiry=7&${all}&scopes=account:read`);
      assert.equal(res.status, 201);
    });
  });

  describe('POST /settings/tokens/sharex', () => {
    it('fails signed out, banned, or without a CSRF token', async () => {
      assertSignIn(await signedOutPost(anonymousAgent(t.app), '/settings/tokens/sharex', {}));
      assert.equal((await signedOutPost(bannedAgent(t.app), '/settings/tokens/sharex', {})).status, 303);
      assert.equal((await withoutTokenChanges(() => ownerAgent.post('/settings/tokens/sharex').type('form').send({}))).status, 403);
    });

    it('fails for an account that may not upload (403)', async () => {
      const user = await createUser();
      await testPool().query('DELETE FROM user_roles WHERE user_id = $1', [user.id]);
      const agent = await signedInAgent(t.app, user);
      assert.equal((await withoutTokenChanges(() => postForm(agent, '/settings/tokens/sharex', {}, { tokenPage: '/settings/tokens' }))).status, 403);
    });

    it('succeeds with correct parameters, whatever else is sent', async () => {
      const res = await postForm(stranger, '/settings/tokens/sharex', { scopes: 'account:read', name: 'mine' }, { tokenPage: '/settings/tokens' });
      assert.equal(res.status, 200);
      assert.equal(JSON.parse(res.text).FileFormName, 'file');
    });
  });

  describe('POST /settings/tokens/:id/revoke, POST /settings/tokens/revoke-all', () => {
    it('fails signed out, banned, or without a CSRF token', async () => {
      await createToken(owner, ['account:read']);
      const { rows } = await testPool().query('SELECT id FROM api_tokens WHERE user_id = $1 LIMIT 1', [owner.id]);
      for (const path of [`/settings/tokens/${rows[0].id}/revoke`, '/settings/tokens/revoke-all']) {
        assertSignIn(await signedOutPost(anonymousAgent(t.app), path, {}));
        assert.equal((await signedOutPost(bannedAgent(t.app), path, {})).status, 303);
        assert.equal((await withoutTokenChanges(() => ownerAgent.post(path).type('form').send({}))).status, 403);
      }
    });

    it("fails with an unknown or malformed id, or another account's token (404)", async () => {
      await createToken(owner, ['account:read']);
      const { rows } = await testPool().query('SELECT id FROM api_tokens WHERE user_id = $1 LIMIT 1', [owner.id]);
      for (const id of [...MALFORMED_IDS, '999999999999']) assert.equal((await withoutTokenChanges(() => postForm(ownerAgent, `/settings/tokens/${id}/revoke`, {}, { tokenPage: '/settings/tokens' }))).status, 404, id);
      assert.equal((await withoutTokenChanges(() => postForm(stranger, `/settings/tokens/${rows[0].id}/revoke`, {}, { tokenPage: '/settings/tokens' }))).status, 404);
    });

    it('succeeds with correct parameters, and revoking all with none left is no error', async () => {
      await createToken(owner, ['account:read']);
      const { rows } = await testPool().query('SELECT id FROM api_tokens WHERE user_id = $1 LIMIT 1', [owner.id]);
      assert.equal((await postForm(ownerAgent, `/settings/tokens/${rows[0].id}/revoke`, {}, { tokenPage: '/settings/tokens' })).status, 303);
      assert.equal((await postForm(ownerAgent, '/settings/tokens/revoke-all', {}, { tokenPage: '/settings/tokens' })).status, 303);
      assert.equal((await postForm(ownerAgent, '/settings/tokens/revoke-all', {}, { tokenPage: '/settings/tokens' })).status, 303);
    });
  });

  describe('GET /api', () => {
    it('succeeds for anyone, signed in or not, with any query', async () => {
      for (const agent of [supertest(t.app), ownerAgent, await bannedAgent(t.app)]) {
        const res = await agent.get('/api?x=%00&tag[]=1');
        assert.equal(res.status, 200);
      }
    });
  });
});
