// Attacks covered: uploads by the wrong person (signed out, banned, no permission, a token
// without videos:upload, another account's upload), forged requests (no CSRF token), bad
// tus headers and metadata; each a 4xx, never a 500, and a refused creation stores nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { bearer, createToken } from '../helpers/api.js';
import { bannedAgent, tokenOf, useCheckedApp } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { OCTETS, TUS, tusMetadata, uploadIdOf } from '../helpers/tus.js';

const LENGTH = 1000;

async function uploadCount(): Promise<number> {
  const { rows } = await testPool().query('SELECT count(*)::int AS n FROM resumable_uploads');
  return rows[0].n;
}

describe('resumable uploads: bad parameters', function () {
  this.timeout(30_000);
  const t = useCheckedApp();
  let owner: Awaited<ReturnType<typeof createUser>>;
  let ownerAgent: Agent;
  let csrf: string;
  let strangerAgent: Agent;
  let strangerCsrf: string;
  let id: string;

  before(async () => {
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    csrf = await tokenFor(ownerAgent, '/upload');
    strangerAgent = await signedInAgent(t.app, await createUser());
    strangerCsrf = await tokenFor(strangerAgent, '/upload');
    const created = await ownerAgent.post('/uploads').set(TUS).set('X-CSRF-Token', csrf).set('Upload-Length', String(LENGTH)).set('Upload-Metadata', tusMetadata({ filename: 'a.mp4' }));
    assert.equal(created.status, 201);
    id = uploadIdOf(created.headers.location);
  });

  describe('OPTIONS /uploads', () => {
    it('tells anyone what the server supports: tus 1.0.0, creation, termination, expiration', async () => {
      const res = await supertest(t.app).options('/uploads');
      assert.equal(res.status, 204);
      assert.equal(res.headers['tus-version'], '1.0.0');
      for (const extension of ['creation', 'termination', 'expiration']) assert.ok(String(res.headers['tus-extension']).split(',').includes(extension));
    });
  });

  describe('OPTIONS /uploads/:id', () => {
    it('answers anyone, as for /uploads (a CORS preflight before a PATCH, HEAD or DELETE), whatever the id', async () => {
      for (const path of [`/uploads/${id}`, `/uploads/${'A'.repeat(22)}`, '/uploads/bad%00id']) {
        const res = await supertest(t.app).options(path).set('Origin', 'https://elsewhere.example').set('Access-Control-Request-Method', 'PATCH');
        assert.equal(res.status, 204, path);
        assert.equal(res.headers['tus-version'], '1.0.0');
        assert.match(String(res.headers['access-control-allow-methods']), /PATCH/);
      }
    });
  });

  describe('POST /uploads', () => {
    const create = (agent: Agent | ReturnType<typeof supertest>, headers: Record<string, string>) => agent.post('/uploads').set(TUS).set(headers);

    it('refuses signed-out visitors (their token but no account: 401), a forged request (403) and the banned', async () => {
      const anonymous = supertest.agent(t.app);
      const visitorToken = await tokenOf(anonymous, '/login');
      const before = await uploadCount();
      assert.equal((await create(anonymous, { 'X-CSRF-Token': visitorToken, 'Upload-Length': '10' })).status, 401);
      assert.equal((await create(ownerAgent, { 'Upload-Length': '10' })).status, 403);
      assert.equal((await create(ownerAgent, { 'X-CSRF-Token': 'forged', 'Upload-Length': '10' })).status, 403);
      const banned = await bannedAgent(t.app);
      assert.equal((await create(banned, { 'X-CSRF-Token': await tokenOf(banned, '/login'), 'Upload-Length': '10' })).status, 401);
      assert.equal(await uploadCount(), before);
    });

    it('refuses an account without video.upload (403), bad and missing tokens (401), a token without the scope (403)', async () => {
      const noRole = await createUser();
      await testPool().query('DELETE FROM user_roles WHERE user_id = $1', [noRole.id]);
      const agent = await signedInAgent(t.app, noRole);
      assert.equal((await create(agent, { 'X-CSRF-Token': await tokenFor(agent, '/settings'), 'Upload-Length': '10' })).status, 403);
      assert.equal((await create(supertest(t.app), { Authorization: 'Bearer tst_nothing', 'Upload-Length': '10' })).status, 401);
      assert.equal((await create(supertest(t.app), { Authorization: 'Basic abc', 'Upload-Length': '10' })).status, 401);
      assert.equal((await create(supertest(t.app), { ...bearer(await createToken(owner, ['videos:write'])), 'Upload-Length': '10' })).status, 403);
    });

    it('refuses missing, deferred, negative and huge lengths, bad metadata and too long fields, storing nothing', async () => {
      const before = await uploadCount();
      const token = { 'X-CSRF-Token': csrf };
      for (const headers of <Record<string, string>[]>[{}, { 'Upload-Defer-Length': '1' }, { 'Upload-Length': '-1' }, { 'Upload-Length': 'ten' }, { 'Upload-Length': '9'.repeat(30) }, { 'Upload-Length': '10', 'Upload-Metadata': 'title ***' }]) {
        const res = await create(ownerAgent, { ...token, ...headers });
        assert.ok([400, 413].includes(res.status), `${JSON.stringify(headers)}: ${res.status}`);
      }
      for (const fields of <Record<string, string>[]>[{ title: 'x'.repeat(101) }, { visibility: 'everyone' }, { description: 'd'.repeat(5001) }, { tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(',') }, { title: 'a\u0000b' }]) {
        const res = await create(ownerAgent, { ...token, 'Upload-Length': '10', 'Upload-Metadata': tusMetadata({ filename: 'x.mp4', ...fields }) });
        assert.equal(res.status, 422, `${JSON.stringify(fields).slice(0, 60)}: ${res.status} ${res.text}`);
      }
      // The original name with control characters, with an explicit title (so the name is not parsed as one), under both keys.
      for (const fields of <Record<string, string>[]>[{ filename: 'a\u0000b.mp4', title: 'Fine' }, { filename: 'a\nb.mp4', title: 'Fine' }, { name: 'a\u007fb.mp4', title: 'Fine' }]) {
        const res = await create(ownerAgent, { ...token, 'Upload-Length': '10', 'Upload-Metadata': tusMetadata(fields) });
        assert.equal(res.status, 422, `${JSON.stringify(fields)}: ${res.status} ${res.text}`);
        assert.match(res.text, /control characters/);
      }
      assert.equal((await create(ownerAgent, { ...token, 'Upload-Length': '10', 'Upload-Metadata': tusMetadata({ filename: 'x.mp4' }) }).unset('Tus-Resumable')).status, 412);
      assert.equal(await uploadCount(), before);
    });
  });

  describe('HEAD /uploads/:id', () => {
    it('answers the owner (200, offset), 403 to another account, 401 signed out, 404 for unknown and malformed ids', async () => {
      const res = await ownerAgent.head(`/uploads/${id}`).set(TUS);
      assert.equal(res.status, 200);
      assert.equal(res.headers['upload-offset'], '0');
      assert.equal(res.headers['upload-length'], String(LENGTH));
      assert.equal((await strangerAgent.head(`/uploads/${id}`).set(TUS)).status, 403);
      assert.equal((await supertest(t.app).head(`/uploads/${id}`).set(TUS)).status, 401);
      for (const bad of ['A'.repeat(22), 'short', '..%2F..%2Fetc%2Fpasswd', '%00'.repeat(22), `${id}.json`]) {
        assert.equal((await ownerAgent.head(`/uploads/${bad}`).set(TUS)).status, 404, bad);
      }
    });
  });

  describe('PATCH /uploads/:id', () => {
    it('refuses another account (403), a missing CSRF token (403), wrong offsets (409), bodies past the length (413 or 400) and bad content types', async () => {
      const bytes = Buffer.alloc(10, 1);
      const patch = (agent: Agent, token: string | null, headers: Record<string, string>, body: Buffer = bytes) => {
        let req = agent.patch(`/uploads/${id}`).set(TUS).set(OCTETS).set(headers);
        if (token) req = req.set('X-CSRF-Token', token);
        return req.send(body);
      };
      assert.equal((await patch(strangerAgent, strangerCsrf, { 'Upload-Offset': '0' })).status, 403);
      assert.equal((await patch(ownerAgent, null, { 'Upload-Offset': '0' })).status, 403);
      assert.equal((await patch(ownerAgent, csrf, { 'Upload-Offset': '5' })).status, 409);
      assert.equal((await patch(ownerAgent, csrf, {})).status, 403, 'no Upload-Offset');
      const past = await patch(ownerAgent, csrf, { 'Upload-Offset': '0' }, Buffer.alloc(LENGTH + 1));
      assert.ok([400, 413].includes(past.status), String(past.status));
      const wrongType = await ownerAgent.patch(`/uploads/${id}`).set(TUS).set('X-CSRF-Token', csrf).set('Content-Type', 'text/plain').set('Upload-Offset', '0').send('x');
      assert.ok([400, 415].includes(wrongType.status), String(wrongType.status));
      assert.equal((await ownerAgent.head(`/uploads/${id}`).set(TUS)).headers['upload-offset'], '0');
      const strangerToken = await createToken(await createUser(), ['videos:upload']);
      assert.equal((await supertest(t.app).patch(`/uploads/${id}`).set(TUS).set(OCTETS).set(bearer(strangerToken)).set('Upload-Offset', '0').send(bytes)).status, 403);
    });
  });

  describe('DELETE /uploads/:id', () => {
    it('refuses another account, a missing CSRF token and unknown ids; the upload stays', async () => {
      assert.equal((await strangerAgent.delete(`/uploads/${id}`).set(TUS).set('X-CSRF-Token', strangerCsrf)).status, 403);
      assert.equal((await ownerAgent.delete(`/uploads/${id}`).set(TUS)).status, 403);
      assert.equal((await ownerAgent.delete(`/uploads/${'B'.repeat(22)}`).set(TUS).set('X-CSRF-Token', csrf)).status, 404);
      assert.equal((await ownerAgent.head(`/uploads/${id}`).set(TUS)).status, 200);
    });
  });
});
