// Attack covered: bad parameters on a queue item's page, claims and actions, and on my warnings
// (issue 13, item 2): signed-out and banned requests, accounts without the permission (a plain
// user, a custom role with report.handle alone), forged posts, unknown and malformed ids, missing,
// unknown, repeated and oversized fields. Each gets its exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { createUserWithPermissions, reportedItem } from '../helpers/report-items.js';
import { insertComment } from '../../src/db/comments.js';

const BAD_IDS = ['0', '-1', 'abc', '1.5', '1e3', '9'.repeat(17), '99999999999', '%00', '1%20', '0x10'];

describe('check params: a queue item and my warnings', () => {
  const t = useCheckedApp();
  let moderator: Agent;
  let admin: Agent;
  let user: Agent;
  let custom: Agent;
  let owner: Awaited<ReturnType<typeof createUser>>;

  before(async () => {
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    user = await signedInAgent(t.app, await createUser());
    custom = await signedInAgent(t.app, await createUserWithPermissions(['report.handle']));
    owner = await createUser();
  });

  const videoItem = async () => reportedItem('video', (await createVideo(owner)).id, owner.id);
  const commentItem = async () => {
    const video = await createVideo(owner);
    const id = (await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'Check params', parent: null }))!.id;
    return reportedItem('comment', id, owner.id);
  };

  describe('GET /admin/reports/:id', () => {
    it('fails with a non-authenticated user or a banned account (sign in)', async () => {
      const id = await videoItem();
      assertSignIn(await supertest(t.app).get(`/admin/reports/${id}`), `/admin/reports/${id}`);
      assertSignIn(await (await bannedAgent(t.app)).get(`/admin/reports/${id}`));
    });

    it('fails without report.handle (403)', async () => {
      assert.equal((await user.get(`/admin/reports/${await videoItem()}`)).status, 403);
    });

    it('fails with an unknown or malformed id (404)', async () => {
      for (const id of BAD_IDS) assert.equal((await moderator.get(`/admin/reports/${id}`)).status, 404, id);
    });

    it('ignores a bad start time, and succeeds with correct parameters', async () => {
      const id = await videoItem();
      for (const q of ['', '?t=abc', '?t=-5', '?t=99999999', '?t[]=1', '?t=1&t=2']) assert.equal((await moderator.get(`/admin/reports/${id}${q}`)).status, 200, q);
      assert.equal((await custom.get(`/admin/reports/${id}`)).status, 200);
    });
  });

  describe('POST /admin/reports/:id/claim, /admin/reports/:id/release, /admin/reports/:id/dismiss, /admin/reports/:id/remove-comment, /admin/reports/:id/warn and /admin/reports/:id/ban', () => {
    const valid: Record<string, Record<string, string>> = {
      claim: {}, release: {}, dismiss: { reason: 'other' }, 'remove-comment': { reason: 'spam' }, warn: { reason: 'spam', message: 'Please stop.' }, ban: { reason: 'spam' },
    };
    const itemFor = (action: string) => (action === 'remove-comment' ? commentItem() : videoItem());

    for (const action of Object.keys(valid)) {
      it(`${action}: fails with a non-authenticated user or a banned account`, async () => {
        const id = await itemFor(action);
        assertSignIn(await withoutWrites(async () => postForm(await anonymousAgent(t.app), `/admin/reports/${id}/${action}`, valid[action])));
        const banned = await bannedAgent(t.app);
        assertSignIn(await withoutWrites(() => postForm(banned, `/admin/reports/${id}/${action}`, valid[action])));
      });

      it(`${action}: fails without a CSRF token (403)`, async () => {
        const id = await itemFor(action);
        assert.equal((await withoutWrites(() => admin.post(`/admin/reports/${id}/${action}`).type('form').send(valid[action]))).status, 403);
      });

      it(`${action}: fails without the permission (403)`, async () => {
        const id = await itemFor(action);
        assert.equal((await withoutWrites(() => postForm(user, `/admin/reports/${id}/${action}`, valid[action]))).status, 403);
        if (['remove-comment', 'warn', 'ban'].includes(action)) assert.equal((await withoutWrites(() => postForm(custom, `/admin/reports/${id}/${action}`, valid[action]))).status, 403, 'report.handle alone');
      });

      it(`${action}: fails with an unknown or malformed id (404)`, async () => {
        for (const id of BAD_IDS) assert.equal((await withoutWrites(() => postForm(admin, `/admin/reports/${id}/${action}`, valid[action]))).status, 404, id);
      });

      if (!['claim', 'release'].includes(action)) {
        it(`${action}: fails with missing, unknown, repeated or oversized fields (422)`, async () => {
          const id = await itemFor(action);
          const bad: Record<string, string>[] = [{}, { ...valid[action], reason: 'SPAM' }, { ...valid[action], reason: '__proto__' }, { ...valid[action], note: 'n'.repeat(1001) }];
          if (action === 'warn') bad.push({ reason: 'spam' }, { reason: 'spam', message: 'm'.repeat(2001) }, { reason: 'spam', message: 'bell \u0007' });
          if (action === 'ban') bad.push({ reason: 'spam', untilDate: '2024-02-30' }, { reason: 'spam', untilTime: '10:00' });
          for (const form of bad) assert.equal((await withoutWrites(() => postForm(admin, `/admin/reports/${id}/${action}`, form))).status, 422, JSON.stringify(form).slice(0, 80));
          const token = await tokenOf(admin, '/');
          const repeated = await withoutWrites(() => admin.post(`/admin/reports/${id}/${action}`).type('form').send(`_csrf=${encodeURIComponent(token)}&reason=spam&reason=other&message=x`));
          assert.equal(repeated.status, 422);
        });
      }

      it(`${action}: succeeds with correct parameters`, async () => {
        const id = await itemFor(action);
        assert.equal((await postForm(moderator, `/admin/reports/${id}/${action}`, valid[action])).status, 303);
      });
    }

    it('claim: ignores a malformed takeOver (asks again, 409), and a closed item is a 409', async () => {
      const id = await videoItem();
      await postForm(moderator, `/admin/reports/${id}/claim`);
      for (const takeOver of ['x', '0', '-1', '9'.repeat(20)]) assert.equal((await withoutWrites(() => postForm(admin, `/admin/reports/${id}/claim`, { takeOver }))).status, 409, takeOver);
      await postForm(admin, `/admin/reports/${id}/dismiss`, { reason: 'other' });
      for (const action of ['claim', 'dismiss', 'warn', 'ban']) assert.equal((await withoutWrites(() => postForm(admin, `/admin/reports/${id}/${action}`, valid[action]))).status, 409, action);
    });
  });

  describe('GET /settings/warnings and POST /settings/warnings/:id/acknowledge', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await supertest(t.app).get('/settings/warnings'), '/settings/warnings');
      assertSignIn(await withoutWrites(async () => postForm(await anonymousAgent(t.app), '/settings/warnings/1/acknowledge')));
    });

    it('fails without a CSRF token (403), with a malformed id (404)', async () => {
      assert.equal((await withoutWrites(() => user.post('/settings/warnings/1/acknowledge').type('form').send({}))).status, 403);
      for (const id of BAD_IDS.filter((i) => i !== '99999999999')) assert.equal((await withoutWrites(() => postForm(user, `/settings/warnings/${id}/acknowledge`))).status, 404, id);
    });

    it('changes nothing for someone else\'s or an unknown warning, and sends back only to a local page', async () => {
      const { rows } = await testPool().query(`INSERT INTO warnings (user_id, reason, message) VALUES ($1, 'spam', 'Not yours') RETURNING id`, [owner.id]);
      const res = await withoutWrites(() => postForm(user, `/settings/warnings/${rows[0].id}/acknowledge`, { next: '//evil.example/' }));
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/settings/warnings');
      assert.equal((await withoutWrites(() => postForm(user, '/settings/warnings/99999999999/acknowledge', { next: '/' }))).status, 303);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await user.get('/settings/warnings')).status, 200);
      assert.equal((await user.get('/settings/warnings?after=x&page[]=1')).status, 200);
    });
  });
});
