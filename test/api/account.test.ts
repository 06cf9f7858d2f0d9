import assert from 'node:assert/strict';
import supertest from 'supertest';
import { subscribe } from '../../src/db/subscriptions.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { postForm } from '../helpers/check-params.js';
import { assertProblem, bearer, createToken, documented } from '../helpers/api.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

/** Every item of a listing, following `next` to the end; and how many pages it took. */
async function everything(app: Parameters<typeof supertest>[0], first: string, secret: string | null, origin: string) {
  const items: Record<string, unknown>[] = [];
  let next: string | null = first;
  let pages = 0;
  while (next) {
    const req = supertest(app).get(next.replace(origin, ''));
    const res = documented(await (secret ? req.set(bearer(secret)) : req));
    assert.equal(res.status, 200, res.text);
    items.push(...res.body.items);
    next = res.body.next;
    pages += 1;
  }
  return { items, pages };
}

describe('API: my lists', function () {
  this.timeout(60_000);
  const t = useTestApp();

  describe('GET /api/v1/me/subscriptions', () => {
    it('lists the channels I follow, last followed first, with each bell, page by page; never another\'s', async () => {
      const me = await createUser();
      const channels = [await createUser(), await createUser(), await createUser()];
      const agent = await signedInAgent(t.app, me);
      for (const c of channels) assert.equal((await postForm(agent, `/@${c.handle}/subscribe`)).status, 303);
      assert.equal((await postForm(agent, `/@${channels[1]!.handle}/notify`, { notify: 'none' })).status, 303);
      await subscribe(testPool(), (await createUser()).id, channels[0]!.id);
      const secret = await createToken(me, ['account:read']);
      const { items, pages } = await everything(t.app, '/api/v1/me/subscriptions?limit=2', secret, t.config.publicUrl.origin);
      assert.equal(pages, 2);
      assert.deepEqual(items.map((s) => (s.channel as { handle: string }).handle), channels.map((c) => c.handle).reverse());
      assert.deepEqual(items.map((s) => s.bell), [true, false, true]);
      assert.equal((items[2]!.channel as { subscriberCount: number }).subscriberCount, 2);
    });

    it('reads with the signed-in session too; refuses nobody (401) and a token without account:read (403)', async () => {
      const me = await createUser();
      assert.equal(documented(await (await signedInAgent(t.app, me)).get('/api/v1/me/subscriptions')).status, 200);
      assertProblem(documented(await supertest(t.app).get('/api/v1/me/subscriptions')), 401);
      const res = documented(await supertest(t.app).get('/api/v1/me/subscriptions').set(bearer(await createToken(me, ['videos:read']))));
      assertProblem(res, 403);
      assert.match(String(res.headers['www-authenticate']), /insufficient_scope/);
    });
  });

  describe('GET /api/v1/me/notifications', () => {
    it('lists the notice of a real subscription as the page says it; ?unread=true leaves out what was read', async () => {
      const me = await createUser();
      const fans = [await createUser({ displayName: 'Fan One' }), await createUser({ displayName: 'Fan Two' })];
      for (const fan of fans) assert.equal((await postForm(await signedInAgent(t.app, fan), `/@${me.handle}/subscribe`)).status, 303);
      const secret = await createToken(me, ['notifications:read']);
      const res = documented(await supertest(t.app).get('/api/v1/me/notifications').set(bearer(secret)));
      assert.equal(res.status, 200);
      assert.equal(res.body.items.length, 1, 'new subscribers are one notice, grouped');
      const notice = res.body.items[0];
      assert.equal(notice.kind, 'new_subscriber');
      assert.equal(notice.text, 'Fan Two and 1 other subscribed to your channel');
      assert.equal(notice.read, false);
      assert.equal(notice.url, new URL('/studio', t.config.publicUrl).href);
      assert.equal(notice.actorCount, 2);

      assert.equal((await postForm(await signedInAgent(t.app, me), `/notifications/${notice.id}/read`)).status, 303);
      const unread = documented(await supertest(t.app).get('/api/v1/me/notifications?unread=true').set(bearer(secret)));
      assert.deepEqual(unread.body.items, []);
      const all = documented(await supertest(t.app).get('/api/v1/me/notifications?unread=false').set(bearer(secret)));
      assert.equal(all.body.items[0].read, true);
    });

    it('pages to the end, each notice once, newest first', async () => {
      const me = await createUser();
      for (let i = 0; i < 5; i += 1) {
        const { rows } = await testPool().query(`INSERT INTO notifications (user_id, kind, detail, updated_at) VALUES ($1, 'report_handled', '{"targetKind":"video","outcome":"dismissed"}', now() - $2 * interval '1 minute') RETURNING id`, [me.id, i]);
        assert.ok(rows[0].id);
      }
      const secret = await createToken(me, ['notifications:read']);
      const { items, pages } = await everything(t.app, '/api/v1/me/notifications?limit=2', secret, t.config.publicUrl.origin);
      assert.equal(pages, 3);
      assert.equal(new Set(items.map((n) => n.id)).size, 5);
      const times = items.map((n) => Date.parse(n.updatedAt as string));
      assert.deepEqual(times, [...times].sort((a, b) => b - a));
    });
  });
});
