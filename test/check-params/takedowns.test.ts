// Attack covered: bad parameters on the take-down, restore, appeal and held-upload routes (issue 13,
// items 3 and 9): signed-out and banned requests, accounts without the permission, unknown and
// malformed video and appeal ids, a malformed queue item, missing, unknown, repeated or oversized
// fields. Each gets its exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, MALFORMED_IDS, postForm, UNKNOWN_ID, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

describe('check params: take-downs, appeals and held uploads', () => {
  const t = useCheckedApp();
  let owner: User;
  let ownerAgent: Agent;
  let moderator: Agent;
  let user: Agent;
  let video: { id: number; publicId: string };
  let downVideo: { id: number; publicId: string };
  let appealId: number;

  before(async () => {
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    user = await signedInAgent(t.app, await createUser());
    video = await createVideo(owner, { title: 'Check params take-down' });
    downVideo = await createVideo(owner, { title: 'Check params appealed' });
    const taker = await createUser({ roles: ['moderator'] });
    await testPool().query(`UPDATE videos SET moderation = 'taken_down' WHERE id = $1`, [downVideo.id]);
    const { rows } = await testPool().query(
      `INSERT INTO video_takedowns (video_id, reason, policy, taken_by, appeal_text, appealed_at) VALUES ($1, 'spam', 'Rule 1', $2, 'Please', now()) RETURNING id`,
      [downVideo.id, taker.id],
    );
    appealId = Number(rows[0].id);
  });

  describe('GET /admin/videos/:id/takedown, POST /admin/videos/:id/takedown and POST /admin/videos/:id/restore', () => {
    it('fails signed out or banned (sign in, or 403 for a stale form)', async () => {
      assertSignIn(await supertest(t.app).get(`/admin/videos/${video.publicId}/takedown`));
      assertSignIn(await (await bannedAgent(t.app)).get(`/admin/videos/${video.publicId}/takedown`));
      for (const action of ['takedown', 'restore']) {
        const res = await withoutWrites(async () => postForm(await anonymousAgent(t.app), `/admin/videos/${video.publicId}/${action}`, { reason: 'spam', policy: 'x', message: 'x' }, { tokenPage: '/login' }));
        assertSignIn(res);
      }
    });

    it('fails without video.takedown (403), for the owner too', async () => {
      for (const who of [user, ownerAgent]) {
        assert.equal((await who.get(`/admin/videos/${video.publicId}/takedown`)).status, 403);
        for (const action of ['takedown', 'restore']) assert.equal((await withoutWrites(() => postForm(who, `/admin/videos/${video.publicId}/${action}`, { reason: 'spam', policy: 'x', message: 'x' }))).status, 403);
      }
    });

    it('fails with an unknown or malformed video id (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
        assert.equal((await moderator.get(`/admin/videos/${id}/takedown`)).status, 404, id);
        for (const action of ['takedown', 'restore']) assert.equal((await withoutWrites(() => postForm(moderator, `/admin/videos/${id}/${action}`, { reason: 'spam', policy: 'x', message: 'x' }))).status, 404, id);
      }
    });

    it('fails with a malformed queue item (400) or bad fields (422), writing nothing', async () => {
      assert.equal((await moderator.get(`/admin/videos/${video.publicId}/takedown?item=x`)).status, 400);
      assert.equal((await moderator.get(`/admin/videos/${video.publicId}/takedown?item=1&item=2`)).status, 400);
      const bad: Record<string, unknown>[] = [{}, { reason: 'nope', policy: 'x' }, { reason: ['spam', 'hate'], policy: 'x' }, { reason: 'spam', policy: 'x'.repeat(2001) }, { reason: 'spam', policy: { a: 1 } }, { reason: 'spam', policy: 'x', note: 'x'.repeat(1001) }];
      for (const form of bad) {
        const res = await withoutWrites(() => postForm(moderator, `/admin/videos/${video.publicId}/takedown`, form as Record<string, string>));
        assert.equal(res.status, 422, JSON.stringify(form).slice(0, 60));
      }
      assert.equal((await withoutWrites(() => postForm(moderator, `/admin/videos/${downVideo.publicId}/restore`, { message: '' }))).status, 422);
      assert.equal((await withoutWrites(() => postForm(moderator, `/admin/videos/${downVideo.publicId}/restore`, { message: 'x'.repeat(2001) }))).status, 422);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await moderator.get(`/admin/videos/${video.publicId}/takedown`)).status, 200);
      assert.equal((await moderator.get(`/admin/videos/${video.publicId}/takedown?item=7`)).status, 200);
    });
  });

  describe('GET /admin/appeals, /admin/appeals/:id and POST /admin/appeals/:id', () => {
    it('fails signed out, or without video.takedown (403)', async () => {
      for (const path of ['/admin/appeals', `/admin/appeals/${appealId}`]) {
        assertSignIn(await supertest(t.app).get(path));
        assert.equal((await user.get(path)).status, 403, path);
        assert.equal((await ownerAgent.get(path)).status, 403, path);
      }
      assert.equal((await withoutWrites(() => postForm(user, `/admin/appeals/${appealId}`, { decision: 'restore', message: 'x' }))).status, 403);
    });

    it('fails with an unknown or malformed appeal id (404), or bad fields (422)', async () => {
      for (const id of ['99999999999', '0', '-1', 'abc', '1e3', '9'.repeat(20)]) {
        assert.equal((await moderator.get(`/admin/appeals/${id}`)).status, 404, id);
        assert.equal((await withoutWrites(() => postForm(moderator, `/admin/appeals/${id}`, { decision: 'restore', message: 'x' }))).status, 404, id);
      }
      for (const form of [{}, { decision: 'restore' }, { decision: 'delete', message: 'x' }, { decision: ['restore', 'uphold'], message: 'x' }, { decision: 'uphold', message: 'x'.repeat(2001) }] as Record<string, string>[]) {
        assert.equal((await withoutWrites(() => postForm(moderator, `/admin/appeals/${appealId}`, form))).status, 422, JSON.stringify(form));
      }
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await moderator.get('/admin/appeals')).status, 200);
      assert.equal((await moderator.get(`/admin/appeals/${appealId}`)).status, 200);
    });
  });

  describe('GET /admin/videos/pending, POST /admin/videos/:id/approve, GET /admin/videos/:id/reject and POST /admin/videos/:id/reject', () => {
    it('fails signed out, or without video.approve (403)', async () => {
      assertSignIn(await supertest(t.app).get('/admin/videos/pending'));
      assert.equal((await user.get('/admin/videos/pending')).status, 403);
      assert.equal((await user.get(`/admin/videos/${video.publicId}/reject`)).status, 403);
      for (const action of ['approve', 'reject']) assert.equal((await withoutWrites(() => postForm(user, `/admin/videos/${video.publicId}/${action}`, { reason: 'spam', policy: 'x' }))).status, 403);
    });

    it('fails with an unknown or malformed id (404), a video not held (404 for the reject page), bad fields (422)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
        assert.equal((await moderator.get(`/admin/videos/${id}/reject`)).status, 404, id);
        for (const action of ['approve', 'reject']) assert.equal((await withoutWrites(() => postForm(moderator, `/admin/videos/${id}/${action}`, { reason: 'spam', policy: 'x' }))).status, 404, id);
      }
      assert.equal((await moderator.get(`/admin/videos/${video.publicId}/reject`)).status, 404);
      assert.equal((await withoutWrites(() => postForm(moderator, `/admin/videos/${video.publicId}/reject`, { reason: 'spam' }))).status, 422);
    });

    it('succeeds with correct parameters (a video not held: said, nothing written)', async () => {
      assert.equal((await moderator.get('/admin/videos/pending')).status, 200);
      assert.equal((await withoutWrites(() => postForm(moderator, `/admin/videos/${video.publicId}/approve`))).status, 303);
      assert.equal((await withoutWrites(() => postForm(moderator, `/admin/videos/${video.publicId}/reject`, { reason: 'spam', policy: 'x' }))).status, 303);
    });
  });

  describe('GET /studio/videos/:id/appeal and POST /studio/videos/:id/appeal', () => {
    it('fails signed out (sign in), for anyone but the owner (404), for a video not taken down (404)', async () => {
      assertSignIn(await supertest(t.app).get(`/studio/videos/${downVideo.publicId}/appeal`));
      for (const who of [user, moderator]) {
        assert.equal((await who.get(`/studio/videos/${downVideo.publicId}/appeal`)).status, 404);
        assert.equal((await withoutWrites(() => postForm(who, `/studio/videos/${downVideo.publicId}/appeal`, { text: 'x' }))).status, 404);
      }
      assert.equal((await ownerAgent.get(`/studio/videos/${video.publicId}/appeal`)).status, 404);
      assert.equal((await withoutWrites(() => postForm(ownerAgent, `/studio/videos/${video.publicId}/appeal`, { text: 'x' }))).status, 404);
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await ownerAgent.get(`/studio/videos/${id}/appeal`)).status, 404, id);
    });

    it('refuses a second appeal (409) and writes nothing', async () => {
      const res = await withoutWrites(() => postForm(ownerAgent, `/studio/videos/${downVideo.publicId}/appeal`, { text: 'Again' }));
      assert.equal(res.status, 409);
      assert.match(res.text, /already appealed/);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await ownerAgent.get(`/studio/videos/${downVideo.publicId}/appeal`)).status, 200);
    });
  });
});
