import assert from 'node:assert/strict';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { assertProblem, bearer, createToken, documented } from '../helpers/api.js';
import { banUser, createUser, createVideo, deleteUser } from '../helpers/factories.js';
import { testPool } from '../helpers/database.js';
import { MAX_TOKENS_PER_ACCOUNT, insertApiToken } from '../../src/db/api-tokens.js';
import { newTokenSecret } from '../../src/auth/api-tokens.js';

describe('API access tokens (Authorization: Bearer)', () => {
  const t = useTestApp();

  describe('GET /api/v1/me (the token matrix)', () => {
    it('answers the token\'s account, with the token\'s scopes', async () => {
      const user = await createUser();
      const secret = await createToken(user, ['account:read']);
      const res = documented(await supertest(t.app).get('/api/v1/me').set(bearer(secret)));
      assert.equal(res.status, 200);
      assert.equal(res.body.handle, user.handle);
      assert.deepEqual(res.body.scopes, ['account:read']);
      assert.equal(res.headers['set-cookie'], undefined, 'a token request starts no session');
    });

    it('refuses no token with 401 and a Bearer challenge', async () => {
      const res = documented(await supertest(t.app).get('/api/v1/me'));
      assertProblem(res, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    });

    it('refuses a wrong, malformed or non-bearer credential with 401 invalid_token', async () => {
      for (const header of ['Bearer tst_' + 'A'.repeat(43), 'Bearer nonsense', 'Basic dXNlcjpwYXNz', 'Bearer', 'tst_' + 'A'.repeat(43)]) {
        const res = documented(await supertest(t.app).get('/api/v1/me').set('Authorization', header));
        assertProblem(res, 401);
      }
    });

    it('refuses a revoked token (401)', async () => {
      const user = await createUser();
      const secret = await createToken(user, ['account:read']);
      await testPool().query('DELETE FROM api_tokens WHERE user_id = $1', [user.id]);
      assertProblem(documented(await supertest(t.app).get('/api/v1/me').set(bearer(secret))), 401);
    });

    it('refuses an expired token (401) and says so', async () => {
      const user = await createUser();
      const secret = await createToken(user, ['account:read'], { expiresAt: new Date(Date.now() - 1000) });
      const res = documented(await supertest(t.app).get('/api/v1/me').set(bearer(secret)));
      assertProblem(res, 401);
      assert.match(res.body.detail, /expired/);
    });

    it('refuses a token without the scope (403 insufficient_scope)', async () => {
      const user = await createUser();
      const secret = await createToken(user, ['videos:read']);
      const res = documented(await supertest(t.app).get('/api/v1/me').set(bearer(secret)));
      assertProblem(res, 403);
      assert.match(String(res.headers['www-authenticate']), /insufficient_scope/);
    });

    it('refuses the token of a banned account (401), and of a deleted one', async () => {
      const banned = await createUser();
      const bannedSecret = await createToken(banned);
      await banUser(banned);
      assertProblem(documented(await supertest(t.app).get('/api/v1/me').set(bearer(bannedSecret))), 401);
      const gone = await createUser();
      const goneSecret = await createToken(gone);
      await deleteUser(gone);
      assertProblem(documented(await supertest(t.app).get('/api/v1/me').set(bearer(goneSecret))), 401);
    });

    it('reads with a signed-in session (no token) but never changes with one', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const res = documented(await agent.get('/api/v1/me'));
      assert.equal(res.status, 200);
      assert.equal(res.body.scopes, null);
    });

    it('records the last use (time and address)', async () => {
      const user = await createUser();
      const secret = await createToken(user, ['account:read']);
      await supertest(t.app).get('/api/v1/me').set(bearer(secret));
      const { rows } = await testPool().query('SELECT last_used_at, host(last_used_ip) AS ip FROM api_tokens WHERE user_id = $1', [user.id]);
      assert.ok(rows[0].last_used_at instanceof Date);
      assert.ok(rows[0].ip);
    });

    it('counts each request against the token\'s rate limit, with RateLimit headers', async () => {
      const user = await createUser();
      const secret = await createToken(user, ['account:read']);
      const res = await supertest(t.app).get('/api/v1/me').set(bearer(secret));
      assert.ok(res.headers['ratelimit-policy'], 'RateLimit-Policy');
      assert.match(String(res.headers.ratelimit), /r=\d+/);
    });
  });

  describe('the token limit', () => {
    it('lets only one of two tokens made at once take an account\'s last place', async () => {
      const user = await createUser();
      for (let i = 1; i < MAX_TOKENS_PER_ACCOUNT; i += 1) await createToken(user, ['account:read']);
      const made = await Promise.all([0, 1, 2].map(() => {
        const { hash, shownStart } = newTokenSecret();
        return insertApiToken(testPool(), { userId: user.id, name: 'racing', scopes: ['account:read'], hash, shownStart, expiresAt: null });
      }));
      assert.equal(made.filter(Boolean).length, 1);
      const { rows } = await testPool().query('SELECT count(*)::int AS n FROM api_tokens WHERE user_id = $1', [user.id]);
      assert.equal(rows[0].n, MAX_TOKENS_PER_ACCOUNT);
    });
  });

  describe('bodies', () => {
    it('refuses multipart anywhere but POST /api/v1/uploads (415), never a 500', async () => {
      const user = await createUser();
      const video = await createVideo(user);
      const res = documented(await supertest(t.app).post(`/api/v1/videos/${video.publicId}/comments`).set(bearer(await createToken(user))).field('body', 'hello'));
      assertProblem(res, 415);
    });
  });

  describe('tokens on pages', () => {
    it('are ignored: a page with a bearer token is the signed-out page', async () => {
      const user = await createUser();
      const secret = await createToken(user);
      const res = await supertest(t.app).get('/settings').set(bearer(secret));
      assert.equal(res.status, 303);
      assert.match(String(res.headers.location), /^\/login/);
    });
  });

  describe('CORS', () => {
    it('lets any site read public data without credentials, and offers no other method', async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const res = documented(await supertest(t.app).get(`/api/v1/videos/${video.publicId}`).set('Origin', 'https://elsewhere.example'));
      assert.equal(res.status, 200);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.equal(res.headers['access-control-allow-credentials'], undefined);
      const preflight = await supertest(t.app).options(`/api/v1/videos/${video.publicId}`).set('Origin', 'https://elsewhere.example').set('Access-Control-Request-Method', 'DELETE').set('Access-Control-Request-Headers', 'authorization');
      assert.equal(preflight.status, 204);
      assert.doesNotMatch(String(preflight.headers['access-control-allow-methods']), /DELETE|POST|PATCH/);
      assert.doesNotMatch(String(preflight.headers['access-control-allow-headers'] ?? ''), /authorization/i);
    });

    it('sends no CORS header on a change', async () => {
      const res = await supertest(t.app).post('/api/v1/videos/x').set('Origin', 'https://elsewhere.example');
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    });
  });
});
