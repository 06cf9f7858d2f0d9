// Attack covered: bad parameters on the API's lists of the signed-in account: nobody, a token
// without the scope, a banned account's token, another's rows, bad pages and filters. Each gets
// its exact status as problem details, never a 500.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertNotification } from '../../src/db/notifications.js';
import { subscribe } from '../../src/db/subscriptions.js';
import { assertProblem, bearer, createToken, documented } from '../helpers/api.js';
import { useCheckedApp } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser } from '../helpers/factories.js';

describe('check params: api account', () => {
  const t = useCheckedApp();
  const api = () => supertest(t.app);

  async function bannedToken(): Promise<string> {
    const user = await createUser();
    const secret = await createToken(user);
    await banUser(user);
    return secret;
  }

  describe('GET /api/v1/me/subscriptions', () => {
    it('fails without a token or session (401), with a banned account\'s token (401), without account:read (403)', async () => {
      assertProblem(documented(await api().get('/api/v1/me/subscriptions')), 401);
      assertProblem(documented(await api().get('/api/v1/me/subscriptions').set(bearer(await bannedToken()))), 401);
      const res = documented(await api().get('/api/v1/me/subscriptions').set(bearer(await createToken(await createUser(), ['videos:read', 'notifications:read']))));
      assertProblem(res, 403);
      assert.match(String(res.headers['www-authenticate']), /insufficient_scope/);
    });

    it('fails with a bad limit or cursor (422)', async () => {
      const secret = await createToken(await createUser(), ['account:read']);
      for (const query of ['limit=0', 'limit=1e2', 'cursor=1', 'cursor=1-0', 'cursor=abc-1', `cursor=${'1'.repeat(18)}-1`]) {
        const res = documented(await api().get(`/api/v1/me/subscriptions?${query}`).set(bearer(secret)));
        assertProblem(res, 422);
      }
    });

    it('lists only the caller\'s own (another\'s subscriptions never show)', async () => {
      const me = await createUser();
      const other = await createUser();
      await subscribe(testPool(), other.id, (await createUser()).id);
      const res = documented(await api().get('/api/v1/me/subscriptions').set(bearer(await createToken(me, ['account:read']))));
      assert.deepEqual(res.body, { items: [], next: null });
    });
  });

  describe('GET /api/v1/me/notifications', () => {
    it('fails without a token or session (401), with a banned account\'s token (401), without notifications:read (403)', async () => {
      assertProblem(documented(await api().get('/api/v1/me/notifications')), 401);
      assertProblem(documented(await api().get('/api/v1/me/notifications').set(bearer(await bannedToken()))), 401);
      assertProblem(documented(await api().get('/api/v1/me/notifications').set(bearer(await createToken(await createUser(), ['account:read'])))), 403);
    });

    it('fails with a bad unread, limit or cursor (422 naming the field)', async () => {
      const secret = await createToken(await createUser(), ['notifications:read']);
      for (const [query, name] of [['unread=yes', 'unread'], ['unread=', 'unread'], ['unread=true&unread=false', 'unread'], ['limit=101', 'limit'], ['cursor=1', 'cursor'], ['cursor=1-0', 'cursor']]) {
        const res = documented(await api().get(`/api/v1/me/notifications?${query}`).set(bearer(secret)));
        assertProblem(res, 422);
        assert.ok(res.body.errors[name!], query);
      }
    });

    it('lists only the caller\'s own', async () => {
      const other = await createUser();
      await insertNotification(testPool(), { userId: other.id, kind: 'report_handled', detail: { targetKind: 'video', outcome: 'dismissed' } });
      const res = documented(await api().get('/api/v1/me/notifications').set(bearer(await createToken(await createUser(), ['notifications:read']))));
      assert.deepEqual(res.body, { items: [], next: null });
    });
  });
});
