// Attack covered: bad parameters on the administration pages and actions (issue 13, items 6-8):
// signed-out and banned requests, accounts without the permission, forged posts (no CSRF
// token), unknown and malformed video and job ids, and audit filters that are malformed,
// repeated, oversized or out of range. Each gets its exact status, never a 500, and a refused
// action writes nothing: no audit row, no video change, no job state change.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { PROCESS_VIDEO } from '../../src/jobs/queue.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, MALFORMED_IDS, postForm, UNKNOWN_ID, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool, testQueue } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

const MALFORMED_JOB_IDS = ['1', 'abc', '00000000-0000-0000-0000-00000000000', '00000000-0000-0000-0000-0000000000000', 'g0000000-0000-0000-0000-000000000000', '%00', '..%2F..'];
const UNKNOWN_JOB_ID = '00000000-0000-4000-8000-000000000000';

/** The states of the processing queue's jobs: a refused cancel changes none. */
async function queueStates(): Promise<unknown[]> {
  return (await testPool().query(`SELECT id, state FROM pgboss.job WHERE name = $1 ORDER BY id`, [PROCESS_VIDEO])).rows;
}

describe('check params: administration', () => {
  const t = useCheckedApp();
  let admin: Agent;
  let moderator: Agent;
  let user: Agent;

  before(async () => {
    admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    user = await signedInAgent(t.app, await createUser());
  });

  describe('GET /admin, /admin/audit and /admin/jobs', () => {
    it('fails with a non-authenticated user or a banned account (sign in)', async () => {
      for (const path of ['/admin', '/admin/audit', '/admin/jobs']) {
        assertSignIn(await supertest(t.app).get(path), path);
        assertSignIn(await (await bannedAgent(t.app)).get(path));
      }
    });

    it('fails without the permission (403): the dashboard and jobs for moderators, all three for users', async () => {
      for (const path of ['/admin', '/admin/audit', '/admin/jobs']) assert.equal((await user.get(path)).status, 403, path);
      for (const path of ['/admin', '/admin/jobs']) assert.equal((await moderator.get(path)).status, 403, path);
    });

    it('the audit log fails with malformed, repeated or out-of-range filters (400)', async () => {
      const bad = [
        'actor=ab', `actor=${'a'.repeat(31)}`, 'actor=a%20b', 'actor=x&actor=y',
        'action=comment', 'action=Comment.Remove', `action=${'a.'.repeat(40)}a`, 'action=%00.x',
        'kind=Video', `kind=${'a'.repeat(31)}`, 'target=1', `kind=video&target=${'9'.repeat(101)}`, 'kind=video&target=%01',
        'from=2025-13-01', 'from=2025-02-29', 'from=1999-12-31', 'to=3000-01-01', 'to=tomorrow', 'from=2025-03-02&to=2025-03-01',
        'after=0', 'after=-1', 'after=1.5', `after=${'9'.repeat(17)}`, 'after=abc',
      ];
      for (const query of bad) assert.equal((await moderator.get(`/admin/audit?${query}`)).status, 400, query);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await admin.get('/admin')).status, 200);
      assert.equal((await admin.get('/admin/jobs')).status, 200);
      for (const query of ['', 'actor=%40Someone_else', 'action=comment.remove', 'kind=video&target=1', 'from=2025-01-01&to=2025-01-01', `after=${'9'.repeat(16)}`, 'actor=&action=&kind=&target=&from=&to=']) {
        assert.equal((await moderator.get(`/admin/audit?${query}`)).status, 200, query);
      }
    });
  });

  describe('POST /admin/jobs/videos/:id/retry', () => {
    let failedId: string;
    before(async () => {
      failedId = (await createVideo(await createUser(), { status: 'failed' })).publicId;
    });

    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => postForm(visitor, `/admin/jobs/videos/${failedId}/retry`)));
      assertSignIn(await withoutWrites(() => postForm(banned, `/admin/jobs/videos/${failedId}/retry`)));
    });

    it('fails without admin.access, moderators included (403)', async () => {
      for (const who of [user, moderator]) assert.equal((await withoutWrites(() => postForm(who, `/admin/jobs/videos/${failedId}/retry`))).status, 403);
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await withoutWrites(() => admin.post(`/admin/jobs/videos/${failedId}/retry`).type('form').send({}))).status, 403);
    });

    it('fails with an unknown or malformed video id (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(() => postForm(admin, `/admin/jobs/videos/${id}/retry`))).status, 404, id);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await postForm(admin, `/admin/jobs/videos/${failedId}/retry`)).status, 303);
    });
  });

  describe('POST /admin/jobs/:id/cancel', () => {
    let jobId: string;
    before(async () => {
      const video = await createVideo(await createUser(), { status: 'uploaded' });
      jobId = (await testQueue().boss.send(PROCESS_VIDEO, { videoId: video.id }))!;
    });

    /** Refused: nothing written, and no job changed state. */
    async function refused(send: () => Promise<supertest.Response>): Promise<supertest.Response> {
      const before = await queueStates();
      const res = await withoutWrites(send);
      assert.deepEqual(await queueStates(), before, 'a refused cancel changed a job');
      return res;
    }

    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await refused(() => postForm(visitor, `/admin/jobs/${jobId}/cancel`)));
      assertSignIn(await refused(() => postForm(banned, `/admin/jobs/${jobId}/cancel`)));
    });

    it('fails without admin.access, moderators included (403)', async () => {
      for (const who of [user, moderator]) assert.equal((await refused(() => postForm(who, `/admin/jobs/${jobId}/cancel`))).status, 403);
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await refused(() => admin.post(`/admin/jobs/${jobId}/cancel`).type('form').send({}))).status, 403);
    });

    it('fails with an unknown or malformed job id (404)', async () => {
      for (const id of [UNKNOWN_JOB_ID, ...MALFORMED_JOB_IDS]) assert.equal((await refused(() => postForm(admin, `/admin/jobs/${id}/cancel`))).status, 404, id);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await postForm(admin, `/admin/jobs/${jobId}/cancel`)).status, 303);
    });
  });
});
