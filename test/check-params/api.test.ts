// Attack covered: bad parameters on the JSON API (GET /api/v1/videos/:id): unknown and malformed
// ids, hidden videos, unknown API addresses. Each gets its exact status, never a 500, and an
// error body in RFC 9457 problem details (application/problem+json).
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, bannedAgent, useCheckedApp } from '../helpers/check-params.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { bearer, createToken } from '../helpers/api.js';

/** The API's errors, once /api/v1 answers them as problem details (the lead's change to api.ts). */
function assertProblem(res: supertest.Response, status: number): void {
  assert.equal(res.status, status);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.body.status, status);
}

describe('check params: api', () => {
  const t = useCheckedApp();
  let owner: Awaited<ReturnType<typeof createUser>>;
  let video: { id: number; publicId: string };
  let hidden: { id: number; publicId: string };

  before(async () => {
    owner = await createUser();
    video = await createVideo(owner, { title: 'Read through the API' });
    hidden = await createVideo(owner, { title: 'Private, read through the API', visibility: 'private' });
  });

  describe('GET /api/v1/videos/:id', () => {
    it('fails with an unknown id', async () => {
      assertProblem(await supertest(t.app).get(`/api/v1/videos/${UNKNOWN_ID}`), 404);
    });

    it('fails with a malformed id', async () => {
      for (const id of MALFORMED_IDS) assertProblem(await supertest(t.app).get(`/api/v1/videos/${id}`), 404);
    });

    it("fails with someone else's private video, signed out, as a stranger or banned (404, not 403)", async () => {
      const stranger = await signedInAgent(t.app, await createUser());
      const banned = await bannedAgent(t.app);
      for (const agent of [supertest(t.app), stranger, banned]) {
        const res = await agent.get(`/api/v1/videos/${hidden.publicId}`);
        assertProblem(res, 404);
        assert.ok(!res.text.includes('Private, read through the API'), 'the refusal does not name the video');
      }
    });

    it('fails with an unknown API address or method (problem details, not an HTML page)', async () => {
      assertProblem(await supertest(t.app).get('/api/v1/nothing/here'), 404);
      assertProblem(await supertest(t.app).get(`/api/v1/videos/${video.publicId}/extra`), 404);
      const post = await supertest(t.app).post(`/api/v1/videos/${video.publicId}`).send({ title: 'changed' });
      assert.ok([401, 404, 405].includes(post.status), `POST answered ${post.status}`);
      assert.match(String(post.headers['content-type']), /^application\/problem\+json/);
    });

    it('refuses every change made with the session cookie alone (no CSRF check guards the API), signed in or not', async () => {
      const agent = await signedInAgent(t.app, owner);
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        for (const client of [agent, supertest(t.app)]) {
          const res = await client[method](`/api/v1/videos/${video.publicId}`).send({ title: 'changed' });
          assert.equal(res.status, 401, method);
          assertProblem(res, 401);
          assert.match(JSON.parse(res.text).detail, /access token/);
        }
      }
    });

    it('succeeds with correct parameters, and for the owner of a private video', async () => {
      const res = await supertest(t.app).get(`/api/v1/videos/${video.publicId}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.id, video.publicId);
      assert.equal((await (await signedInAgent(t.app, owner)).get(`/api/v1/videos/${hidden.publicId}`)).status, 200);
    });
  });

  describe('GET /api/v1/openapi.json', () => {
    it('ignores a query string and a bad token is still refused (401), never a 500', async () => {
      assert.equal((await supertest(t.app).get('/api/v1/openapi.json?format=yaml&x[]=1')).status, 200);
      assertProblem(await supertest(t.app).get('/api/v1/openapi.json').set('Authorization', 'Bearer nonsense'), 401);
    });
  });

  describe('GET /api/v1/me', () => {
    it('fails without a token or session (401), with a wrong scope (403), for a banned account (401)', async () => {
      assertProblem(await supertest(t.app).get('/api/v1/me'), 401);
      const user = await createUser();
      assertProblem(await supertest(t.app).get('/api/v1/me').set(bearer(await createToken(user, ['videos:read']))), 403);
      assertProblem(await (await bannedAgent(t.app)).get('/api/v1/me'), 401);
      assertProblem(await supertest(t.app).get('/api/v1/me').set('Authorization', `Bearer ${'x'.repeat(5000)}`), 401);
    });

    it('succeeds with a token holding account:read', async () => {
      const user = await createUser();
      const res = await supertest(t.app).get('/api/v1/me').set(bearer(await createToken(user, ['account:read'])));
      assert.equal(res.status, 200);
      assert.equal(res.body.handle, user.handle);
    });
  });
});
