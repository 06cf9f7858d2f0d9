// Attack covered: bad parameters on engagement (rating, view reports, subscriptions and the
// subscription feed): signed-out and banned requests, forged posts, forged or replayed view
// tokens, wrong and malformed ids and handles, hidden videos and channels. Each gets its exact
// status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { viewToken } from '../../src/http/viewer-key.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo, deleteUser } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
/** The secret test apps sign with (test/helpers/app.ts). */
const SECRET = 'test-secret-that-is-long-enough-for-sessions';
const MALFORMED_HANDLES = ['a'.repeat(31), 'bad%20handle', '..%2F..', '%00'];

describe('check params: engagement', () => {
  const t = useCheckedApp();
  let owner: User;
  let viewer: User;
  let agent: Agent;
  let video: { id: number; publicId: string };

  before(async () => {
    owner = await createUser();
    viewer = await createUser();
    agent = await signedInAgent(t.app, viewer);
    video = await createVideo(owner, { title: 'Rated by check-params' });
  });

  describe('POST /watch/:id/rate', () => {
    const rate = (who: Agent, id: string, form: Record<string, string> = { value: 'like' }) => postForm(who, `/watch/${id}/rate`, form);

    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => rate(visitor, video.publicId)));
      assertSignIn(await withoutWrites(() => rate(banned, video.publicId)));
    });

    it('fails without a CSRF token', async () => {
      assert.equal((await withoutWrites(() => agent.post(`/watch/${video.publicId}/rate`).type('form').send({ value: 'like' }))).status, 403);
    });

    it('fails with an unknown or a malformed id', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(() => rate(agent, id))).status, 404, id);
    });

    it("fails with someone else's private or unfinished video (404)", async () => {
      for (const hidden of [await createVideo(owner, { visibility: 'private' }), await createVideo(owner, { status: 'processing' })]) {
        assert.equal((await withoutWrites(() => rate(agent, hidden.publicId))).status, 404);
      }
    });

    it('fails with a missing or malformed value (400)', async () => {
      for (const form of <Record<string, string>[]>[{}, { value: '' }, { value: 'love' }, { value: 'LIKE' }]) {
        assert.equal((await withoutWrites(() => rate(agent, video.publicId, form))).status, 400, JSON.stringify(form));
      }
    });

    it('fails with an oversized value (400), or a body over 64 kB (413)', async () => {
      assert.equal((await withoutWrites(() => rate(agent, video.publicId, { value: 'like'.repeat(1000) }))).status, 400);
      assert.equal((await withoutWrites(() => rate(agent, video.publicId, { value: 'like', pad: 'x'.repeat(70 * 1024) }))).status, 413);
    });

    it('succeeds with correct parameters (303 for the form, JSON for the script)', async () => {
      assert.equal((await rate(agent, video.publicId)).status, 303);
      const token = await tokenOf(agent);
      const json = await agent.post(`/watch/${video.publicId}/rate`).set('Accept', 'application/json').set('X-CSRF-Token', token).type('form').send({ value: 'dislike' });
      assert.equal(json.status, 200);
      assert.equal(json.body.rating, 'dislike');
      const { rows } = await testPool().query('SELECT value FROM video_ratings WHERE video_id = $1 AND user_id = $2', [video.id, viewer.id]);
      assert.equal(rows[0].value, -1);
    });
  });

  describe('POST /watch/:id/view', () => {
    const report = (id: string, token: unknown) => supertest(t.app).post(`/watch/${id}/view`).type('form').send(token === undefined ? {} : { token: token as string });

    it('fails without a view token, or with a forged, foreign, expired or oversized one (403)', async () => {
      const day = 24 * 60 * 60 * 1000;
      const other = await createVideo(owner);
      for (const token of [undefined, '', 'nonsense', `${Date.now()}.forged`, viewToken(SECRET, other.publicId), viewToken(SECRET, video.publicId, Date.now() - 2 * day), viewToken(SECRET, video.publicId, Date.now() + day), 'x'.repeat(101)]) {
        assert.equal((await withoutWrites(() => report(video.publicId, token))).status, 403, String(token).slice(0, 40));
      }
    });

    it('fails with an unknown id, or a malformed one', async () => {
      assert.equal((await withoutWrites(() => report(UNKNOWN_ID, viewToken(SECRET, UNKNOWN_ID)))).status, 404);
      for (const id of MALFORMED_IDS) {
        const res = await withoutWrites(() => report(id, viewToken(SECRET, decodeURIComponent(id))));
        assert.ok([403, 404].includes(res.status), `${id} answered ${res.status}`);
      }
    });

    it('fails with a private or unfinished video, even with its token (404)', async () => {
      for (const hidden of [await createVideo(owner, { visibility: 'private' }), await createVideo(owner, { status: 'failed' })]) {
        assert.equal((await withoutWrites(() => report(hidden.publicId, viewToken(SECRET, hidden.publicId)))).status, 404);
      }
    });

    it('succeeds with correct parameters, without a CSRF token (the view token stands in)', async () => {
      const fresh = await createVideo(owner);
      const res = await report(fresh.publicId, viewToken(SECRET, fresh.publicId));
      assert.equal(res.status, 201);
      assert.equal((await testPool().query('SELECT count(*)::int AS n FROM video_views WHERE video_id = $1', [fresh.id])).rows[0].n, 1);
    });
  });

  describe('POST /@:handle/subscribe and /@:handle/unsubscribe', () => {
    const follow = (who: Agent, handle: string, action = 'subscribe') => postForm(who, `/@${handle}/${action}`);

    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      for (const action of ['subscribe', 'unsubscribe']) {
        assertSignIn(await withoutWrites(() => follow(visitor, owner.handle, action)));
        assertSignIn(await withoutWrites(() => follow(banned, owner.handle, action)));
      }
    });

    it('fails without a CSRF token', async () => {
      for (const action of ['subscribe', 'unsubscribe']) {
        assert.equal((await withoutWrites(() => agent.post(`/@${owner.handle}/${action}`).type('form').send({}))).status, 403, action);
      }
    });

    it('fails with an unknown or a malformed handle', async () => {
      const wrong: string[] = [];
      for (const action of ['subscribe', 'unsubscribe']) {
        for (const handle of ['nobody_here_at_all', ...MALFORMED_HANDLES]) {
          const res = await withoutWrites(() => follow(agent, handle, action));
          if (res.status !== 404) wrong.push(`${action} ${handle}: ${res.status}`);
        }
      }
      assert.deepEqual(wrong, [], 'each is 404');
    });

    it("fails with a banned or deleted owner's channel (404)", async () => {
      const banned = await createUser();
      const deleted = await createUser();
      await banUser(banned);
      await deleteUser(deleted);
      assert.equal((await withoutWrites(() => follow(agent, banned.handle))).status, 404);
      assert.equal((await withoutWrites(() => follow(agent, deleted.handle))).status, 404);
      assert.equal((await withoutWrites(() => follow(agent, deleted.handle, 'unsubscribe'))).status, 404);
    });

    it('fails to subscribe to your own channel (403)', async () => {
      const mine = await signedInAgent(t.app, owner);
      assert.equal((await withoutWrites(() => follow(mine, owner.handle))).status, 403);
    });

    it('succeeds with correct parameters, in any case of the handle', async () => {
      const count = async () => (await testPool().query('SELECT count(*)::int AS n FROM subscriptions WHERE subscriber_id = $1', [viewer.id])).rows[0].n;
      assert.equal((await follow(agent, owner.handle.toUpperCase())).status, 303);
      assert.equal(await count(), 1);
      assert.equal((await follow(agent, owner.handle, 'unsubscribe')).status, 303);
      assert.equal(await count(), 0);
    });
  });

  describe('GET /feed/subscriptions', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await supertest(t.app).get('/feed/subscriptions'), '/feed/subscriptions');
      assertSignIn(await (await bannedAgent(t.app)).get('/feed/subscriptions'), '/feed/subscriptions');
    });

    it('succeeds with correct parameters, and ignores a malformed or unknown page marker', async () => {
      for (const query of ['', `?after=${UNKNOWN_ID}`, '?after=garbage', '?after[]=1']) {
        assert.equal((await agent.get(`/feed/subscriptions${query}`)).status, 200, query);
      }
    });
  });
});
