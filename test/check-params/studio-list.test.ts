// Attack covered: bad parameters on the studio list and its bulk actions (issue 10, items 1 and
// 7): signed-out and banned requests, forged posts, unknown sorts and filters, repeated and
// oversized parameters, control characters, ids that are not ids or not mine, another account's
// bulk action. Each gets a clear 4xx (never a 500) and a refused post writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

/** The bulk form as the studio sends it; `ids` repeated. */
async function bulk(agent: Agent, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams({ _csrf: await tokenOf(agent, '/studio') });
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(name, one);
  return agent.post('/studio/bulk').type('form').send(body.toString());
}

describe('check params: studio list and bulk actions', () => {
  const t = useCheckedApp();
  let owner: User;
  let ownerAgent: Agent;
  let stranger: Agent;
  let video: { id: number; publicId: string };

  before(async () => {
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    stranger = await signedInAgent(t.app, await createUser());
    video = await createVideo(owner);
  });

  describe('GET /studio', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await supertest(t.app).get('/studio?sort=views'), '/studio?sort=views');
      assertSignIn(await (await bannedAgent(t.app)).get('/studio'), '/studio');
    });

    it('fails with 400 and a message for unknown sorts and filters, repeated ones, long or invisible search text', async () => {
      for (const query of ['sort=random', 'sort=VIEWS', 'visibility=all', 'state=%00', 'state=ready&state=failed', 'q=a&q=b', `q=${'é'.repeat(101)}`, `q=${'x'.repeat(10_000)}`, 'q=%7F', 'q=%EF%BF%BE']) {
        const res = await ownerAgent.get(`/studio?${query}`);
        assert.equal(res.status, 400, query.slice(0, 40));
        assert.doesNotMatch(res.text, /studio-totals/, 'the page itself is not shown');
      }
    });

    it('ignores a cursor that is malformed, unknown or another account\'s', async () => {
      const theirs = await createVideo(await createUser());
      for (const after of [UNKNOWN_ID, theirs.publicId, ...MALFORMED_IDS]) assert.equal((await ownerAgent.get(`/studio?after=${after}`)).status, 200, after);
    });

    it('succeeds with correct parameters', async () => {
      for (const query of ['', 'sort=oldest', 'sort=views&visibility=private&state=failed&q=cats', 'q=%25_%5C', 'q=<script>']) {
        assert.equal((await ownerAgent.get(`/studio?${query}`)).status, 200, query);
      }
    });
  });

  describe('POST /studio/bulk', () => {
    it('fails with a non-authenticated user, a banned account or a forged post', async () => {
      const visitor = await anonymousAgent(t.app);
      assertSignIn(await withoutWrites(() => postForm(visitor, '/studio/bulk', { action: 'make-private', ids: video.publicId })));
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => postForm(banned, '/studio/bulk', { action: 'make-private', ids: video.publicId })));
      assert.equal((await withoutWrites(() => ownerAgent.post('/studio/bulk').type('form').send({ action: 'make-private', ids: video.publicId }))).status, 403);
    });

    it('fails with 422 for a missing or unknown action, scope, tag or selection', async () => {
      for (const form of [
        {},
        { action: 'make-scheduled', ids: video.publicId },
        { action: 'constructor', ids: video.publicId },
        { action: ['make-private', 'delete'], ids: video.publicId },
        { action: 'make-private' },
        { action: 'make-private', scope: 'everyone', ids: video.publicId },
        { action: 'make-private', ids: 'not-an-id' },
        { action: 'make-private', ids: [video.publicId, '../../etc'] },
        { action: 'add-tag', ids: video.publicId },
        { action: 'add-tag', tag: 'x'.repeat(31), ids: video.publicId },
        { action: 'remove-tag', tag: 'a,b', ids: video.publicId },
        { action: 'add-tag', tag: '\u202e\u0007', ids: video.publicId },
        { action: 'make-private', scope: 'all', visibility: 'hidden' },
        { action: 'make-private', scope: 'all', q: 'x'.repeat(101) },
        { action: 'make-private', scope: 'all', q: 'no video has this title' },
        { action: 'make-private', ids: Array.from({ length: 91 }, (_, i) => `v${String(i).padStart(10, '0')}`) },
      ]) {
        const res = await withoutWrites(() => bulk(ownerAgent, form as Record<string, string | string[]>));
        assert.equal(res.status, 422, JSON.stringify(form).slice(0, 80));
      }
    });

    it('answers 413 for a form with more fields than the site reads', async () => {
      const ids = Array.from({ length: 150 }, (_, i) => `v${String(i).padStart(10, '0')}`);
      const res = await withoutWrites(() => bulk(ownerAgent, { action: 'make-private', ids }));
      assert.equal(res.status, 413);
    });

    it('changes nothing of another account\'s video: it fails as not found', async () => {
      const res = await bulk(stranger, { action: 'make-private', ids: [video.publicId, UNKNOWN_ID] });
      assert.equal(res.status, 303);
      const { rows } = await testPool().query('SELECT visibility FROM videos WHERE id = $1', [video.id]);
      assert.equal(rows[0].visibility, 'public');
      assert.match((await stranger.get(res.headers.location!)).text, /Done: 0 videos changed, 2 failed/);
    });

    it('succeeds with correct parameters', async () => {
      const res = await bulk(ownerAgent, { action: 'make-unlisted', ids: video.publicId });
      assert.equal(res.status, 303);
      assert.match(res.headers.location!, /^\/studio\/bulk\//);
    });
  });

  describe('GET /studio/bulk/:id and POST /studio/bulk/:id/confirm', () => {
    let pending: string;

    before(async () => {
      const res = await bulk(ownerAgent, { action: 'delete', ids: video.publicId });
      pending = res.headers.location!;
    });

    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await supertest(t.app).get(pending), pending);
      const visitor = await anonymousAgent(t.app);
      assertSignIn(await withoutWrites(() => postForm(visitor, `${pending}/confirm`)));
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => postForm(banned, `${pending}/confirm`)));
    });

    it('fails with 404 for malformed and unknown ids, and for another account\'s action', async () => {
      for (const id of ['1', 'not-a-uuid', '00000000-0000-0000-0000-000000000000', '%00', ...MALFORMED_IDS]) {
        assert.equal((await ownerAgent.get(`/studio/bulk/${id}`)).status, 404, id);
        assert.equal((await withoutWrites(() => postForm(ownerAgent, `/studio/bulk/${id}/confirm`))).status, 404, id);
      }
      assert.equal((await stranger.get(pending)).status, 404);
      assert.equal((await withoutWrites(() => postForm(stranger, `${pending}/confirm`))).status, 404);
    });

    it('fails with 403 for a forged confirmation', async () => {
      assert.equal((await withoutWrites(() => ownerAgent.post(`${pending}/confirm`).type('form').send({}))).status, 403);
    });

    it('succeeds with correct parameters, and a second confirmation changes nothing', async () => {
      assert.equal((await ownerAgent.get(pending)).status, 200);
      assert.equal((await ownerAgent.get(pending).set('Accept', 'application/json')).body.state, 'pending');
      assert.equal((await postForm(ownerAgent, `${pending}/confirm`)).status, 303);
      assert.equal((await withoutWrites(() => postForm(ownerAgent, `${pending}/confirm`))).status, 303);
    });
  });
});
