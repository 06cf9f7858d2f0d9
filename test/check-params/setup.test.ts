// Attack covered: bad parameters on the first-run setup address (the one page that makes an
// admin): missing, wrong and oversized tokens, forged posts, missing and oversized fields, and
// the address used once an admin exists. Each gets its exact status, never a 500, and makes no
// account.
import assert from 'node:assert/strict';
import type { Express } from 'express';
import supertest from 'supertest';
import { prepareSetupAddress } from '../../src/auth/setup.js';
import { createTestApp } from '../helpers/app.js';
import { csrfFrom, type Agent } from '../helpers/agent.js';
import { postForm, useCheckedApp } from '../helpers/check-params.js';
import { freshDatabase } from '../helpers/database.js';
import { createUser, uniqueHandle } from '../helpers/factories.js';

const PASSWORD = 'a long and unusual passphrase 42';

describe('check params: setup', () => {
  describe('GET /setup and POST /setup, on a site without an admin', () => {
    let fresh: Awaited<ReturnType<typeof freshDatabase>>;
    let app: Express;
    let token: string;

    before(async () => {
      fresh = await freshDatabase();
      app = createTestApp({}, fresh.pool).app;
      token = (await prepareSetupAddress(fresh.pool, new URL('http://localhost:3000/')))!.searchParams.get('token')!;
    });
    after(async () => {
      await fresh.drop();
    });

    const accounts = async () => (await fresh.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n;
    /** A visitor holding the setup form's CSRF token. */
    async function visitor(): Promise<{ agent: Agent; csrf: string }> {
      const agent = supertest.agent(app);
      const page = await agent.get(`/setup?token=${encodeURIComponent(token)}`);
      assert.equal(page.status, 200);
      return { agent, csrf: csrfFrom(page.text) };
    }
    const admin = (overrides: Record<string, string> = {}) => ({ token, handle: uniqueHandle('admin'), displayName: 'The admin', email: '', password: PASSWORD, ...overrides });
    async function post(fields: Record<string, string>, withCsrf = true) {
      const { agent, csrf } = await visitor();
      const before = await accounts();
      const res = await agent.post('/setup').type('form').send(withCsrf ? { _csrf: csrf, ...fields } : fields);
      if (res.status >= 400) assert.equal(await accounts(), before, 'a refused setup made an account');
      assert.ok(res.status < 500, `answered ${res.status}`);
      return res;
    }

    it('fails with a missing, wrong or oversized token (403)', async () => {
      for (const query of ['', '?token=', '?token=wrong', `?token=${'x'.repeat(5000)}`, '?token[]=a']) {
        assert.equal((await supertest(app).get(`/setup${query}`)).status, 403, query.slice(0, 30));
      }
      for (const bad of ['', 'wrong', 'x'.repeat(5000)]) assert.equal((await post(admin({ token: bad }))).status, 403, bad.slice(0, 30));
    });

    it('fails without a CSRF token', async () => {
      assert.equal((await post(admin(), false)).status, 403);
    });

    it('fails with a missing field', async () => {
      for (const field of ['handle', 'displayName', 'password']) assert.equal((await post(admin({ [field]: '' }))).status, 422, field);
    });

    it('fails with a malformed or oversized field', async () => {
      for (const bad of [{ handle: 'admin' }, { handle: 'h'.repeat(31) }, { email: 'not-an-email' }, { password: 'short' }, { displayName: 'd'.repeat(51) }] as Record<string, string>[]) {
        assert.equal((await post(admin(bad))).status, 422, JSON.stringify(bad).slice(0, 40));
      }
    });

    it('succeeds with correct parameters, once', async () => {
      const res = await post(admin());
      assert.equal(res.status, 303);
      assert.equal((await supertest(app).get(`/setup?token=${encodeURIComponent(token)}`)).status, 404, 'the address is gone once an admin exists');
    });
  });

  describe('GET /setup and POST /setup, once the site has an admin', () => {
    const t = useCheckedApp();

    it('fails with any token (404): the page is gone', async () => {
      await createUser({ roles: ['admin'] });
      assert.equal((await supertest(t.app).get('/setup?token=anything')).status, 404);
      const visitor = supertest.agent(t.app);
      assert.equal((await postForm(visitor, '/setup', { token: 'anything', handle: uniqueHandle('late'), displayName: 'Late', password: PASSWORD }, { tokenPage: '/login' })).status, 404);
    });
  });
});
