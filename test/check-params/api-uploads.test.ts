// Attack covered: bad parameters on the API's upload (POST /api/v1/uploads, issue 15) and on an
// upload's deletion link and thumbnail address: no token, a session cookie alone, a token without
// the scope, a banned or deleted account's token, files that are not videos, missing and
// oversized fields, malformed multipart bodies, uploads past the account's limits (refused before
// the body is read), and wrong, malformed and borrowed deletion keys. Each gets its exact status,
// never a 500, and a refused upload leaves no temporary file and no row.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import supertest from 'supertest';
import { insertDeletionKey } from '../../src/db/video-deletion-keys.js';
import { newDeletionKey } from '../../src/uploads/deletion-keys.js';
import { signedInAgent } from '../helpers/agent.js';
import { assertProblem, bearer, createToken, documented } from '../helpers/api.js';
import { MALFORMED_IDS, UNKNOWN_ID, bannedAgent, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { csrfFrom } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo, deleteUser } from '../helpers/factories.js';
import { fixture, textFixture } from '../helpers/fixtures.js';

const tinyVideo = () => fixture('micro-h264', { width: 96, height: 96, seconds: 1, codec: 'h264', audio: false });
const MiB = 1024 * 1024;

/**
 * Sends only the headers of an upload announcing `bytes`, and waits for the answer: the server
 * must answer before any of the body is sent.
 */
async function announceOnly(app: Express, secret: string, bytes: number): Promise<{ status: number; body: string; connection: string | undefined }> {
  // The checked app is a plain request handler (it notes 5xx answers), not an Express app.
  const server = http.createServer(app as unknown as http.RequestListener).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port, path: '/api/v1/uploads', method: 'POST', agent: false,
        headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'multipart/form-data; boundary=xyz', 'Content-Length': String(bytes) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), connection: res.headers.connection });
        });
      });
      req.on('error', reject);
      req.setTimeout(10_000, () => reject(new Error('no answer before the body was sent')));
      req.flushHeaders();
    });
  } finally {
    server.close();
  }
}

describe('check params: API uploads and deletion links', () => {
  const t = useCheckedApp();
  let owner: Awaited<ReturnType<typeof createUser>>;
  let secret: string;

  before(async () => {
    owner = await createUser();
    secret = await createToken(owner, ['videos:upload']);
  });

  const upload = (token: string | null, file: string | null, fields: Record<string, string> = {}) => {
    let req = supertest(t.app).post('/api/v1/uploads');
    if (token) req = req.set(bearer(token));
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    // Sent from memory, in one write: a refusal answered before the body is read (the point of
    // these checks) would otherwise meet a client still streaming from disk (EPIPE).
    return file ? req.attach('file', fs.readFileSync(file), path.basename(file)) : req;
  };

  describe('POST /api/v1/uploads', () => {
    it('fails without a token, or with a session cookie alone (401)', async () => {
      const file = await tinyVideo();
      assertProblem(documented(await withoutWrites(() => upload(null, file))), 401);
      const agent = await signedInAgent(t.app, owner);
      assertProblem(documented(await withoutWrites(() => agent.post('/api/v1/uploads').attach('file', fs.readFileSync(file), 'clip.mp4'))), 401);
    });

    it('fails with a wrong, revoked, expired, banned or deleted account\'s token (401)', async () => {
      const file = await tinyVideo();
      const expired = await createToken(owner, ['videos:upload'], { expiresAt: new Date(Date.now() - 1000) });
      const banned = await createUser();
      const bannedToken = await createToken(banned, ['videos:upload']);
      await banUser(banned);
      const gone = await createUser();
      const goneToken = await createToken(gone, ['videos:upload']);
      await deleteUser(gone);
      for (const token of [`tst_${'A'.repeat(43)}`, 'nonsense', expired, bannedToken, goneToken]) assertProblem(documented(await withoutWrites(() => upload(token, file))), 401);
    });

    it('fails with a token without videos:upload (403), or an account that may not upload (403)', async () => {
      const file = await tinyVideo();
      const reader = await createToken(owner, ['videos:read', 'videos:write', 'account:read']);
      const res = documented(await withoutWrites(() => upload(reader, file)));
      assertProblem(res, 403);
      assert.match(String(res.headers['www-authenticate']), /insufficient_scope/);
      const unable = await createUser();
      await testPool().query('DELETE FROM user_roles WHERE user_id = $1', [unable.id]);
      const unableToken = await createToken(unable, ['videos:upload']);
      assertProblem(documented(await withoutWrites(() => upload(unableToken, file))), 403);
    });

    it('fails with a file that is not a video, or no file, leaving no temporary file and no row (422)', async () => {
      for (const file of [textFixture('api-not-video.mp4', 'not a video\n'.repeat(100)), textFixture('api-empty.mkv', '')]) {
        const res = documented(await withoutWrites(() => upload(secret, file)));
        assertProblem(res, 422);
        assert.ok(res.body.errors.file, 'the file field is named');
      }
      const none = documented(await withoutWrites(() => upload(secret, null, { title: 'no file' })));
      assertProblem(none, 422);
      assert.match(none.body.errors.file, /"file"/);
      assertProblem(documented(await withoutWrites(() => supertest(t.app).post('/api/v1/uploads').set(bearer(secret)).send({ title: 'JSON, no file' }))), 422);
      // The file in another field than `file`.
      assertProblem(documented(await withoutWrites(async () => supertest(t.app).post('/api/v1/uploads').set(bearer(secret)).attach('video', await tinyVideo()))), 400);
    });

    it('fails with oversized or hostile fields (422), and a malformed multipart body (400), writing nothing', async () => {
      const file = await tinyVideo();
      const hostile: Record<string, string>[] = [{ title: 'x'.repeat(101) }, { title: 'two\nlines' }, { description: 'x'.repeat(5001) }, { tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(',') }, { visibility: 'scheduled' }, { visibility: 'everyone' }];
      for (const fields of hostile) {
        assertProblem(documented(await withoutWrites(() => upload(secret, file, fields))), 422);
      }
      const broken = await withoutWrites(() => supertest(t.app).post('/api/v1/uploads').set(bearer(secret)).set('Content-Type', 'multipart/form-data; boundary=xyz').send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nhalf'));
      assertProblem(documented(broken), 400);
      assertProblem(documented(await withoutWrites(() => supertest(t.app).post('/api/v1/uploads').set(bearer(secret)).set('Content-Type', 'multipart/form-data').send('no boundary'))), 400);
    });

    it('fails past the account\'s limits with 413, before the body is read', async () => {
      const limited = await createUser();
      const token = await createToken(limited, ['videos:upload']);
      await testPool().query('INSERT INTO upload_overrides (user_id, max_upload_bytes) VALUES ($1, $2)', [limited.id, 2 * MiB]);
      try {
        const answer = await withoutWrites(() => announceOnly(t.app, token, 500 * MiB));
        assert.equal(answer.status, 413);
        assert.equal(answer.connection, 'close', 'the client is spared sending the rest');
        assert.match(JSON.parse(answer.body).detail, /larger than the 2 MiB limit/);
        // Storage full: a real (small) file is refused too, before it is stored.
        await testPool().query('UPDATE upload_overrides SET max_upload_bytes = NULL, storage_quota_bytes = 1024 WHERE user_id = $1', [limited.id]);
        assertProblem(documented(await withoutWrites(async () => upload(token, await tinyVideo()))), 413);
      } finally {
        await testPool().query('DELETE FROM upload_overrides WHERE user_id = $1', [limited.id]);
      }
    });

    it('succeeds with correct parameters (201): unlisted unless asked, the title from the file name unless given', async () => {
      const file = await tinyVideo();
      const plain = documented(await upload(secret, file));
      assert.equal(plain.status, 201);
      const asked = documented(await upload(secret, file, { title: 'Given title', visibility: 'private', tags: 'a, b', description: 'About it' }));
      assert.equal(asked.status, 201);
      const { rows } = await testPool().query('SELECT public_id, title, visibility FROM videos WHERE public_id = ANY($1) ORDER BY id', [[plain.body.id, asked.body.id]]);
      assert.deepEqual(rows.map((r) => [r.title, r.visibility]), [['micro-h264', 'unlisted'], ['Given title', 'private']]);
    });
  });

  describe('GET /delete/:id/:key, POST /delete/:id/:key', () => {
    async function keyed() {
      const video = await createVideo(owner, { title: 'Deletable by link' });
      const { key, hash } = newDeletionKey();
      await insertDeletionKey(testPool(), video.id, hash);
      return { video, key };
    }

    it('fails with a wrong, malformed or borrowed key, an unknown or malformed id (404), writing nothing', async () => {
      const { video, key } = await keyed();
      const other = await keyed();
      const keyless = await createVideo(owner);
      const visitor = supertest.agent(t.app);
      const csrf = csrfFrom((await visitor.get(`/delete/${video.publicId}/${key}`)).text);
      const paths = [
        `/delete/${video.publicId}/${'A'.repeat(43)}`, `/delete/${video.publicId}/${key.slice(0, 42)}`, `/delete/${video.publicId}/${key}x`, `/delete/${video.publicId}/%00`,
        `/delete/${video.publicId}/${other.key}`, `/delete/${keyless.publicId}/${key}`, `/delete/${UNKNOWN_ID}/${key}`, ...MALFORMED_IDS.map((id) => `/delete/${id}/${key}`),
      ];
      for (const path of paths) {
        const shown = await visitor.get(path);
        assert.equal(shown.status, 404, path);
        assert.equal(shown.headers['referrer-policy'], 'no-referrer', path);
        assert.ok(!shown.text.includes('Deletable by link'), 'the refusal names no video');
        assert.equal((await withoutWrites(() => visitor.post(path).type('form').send({ _csrf: csrf }))).status, 404, path);
      }
    });

    it("fails without the page's CSRF token (403), and once the owner is banned (404)", async () => {
      const { video, key } = await keyed();
      const refused = await withoutWrites(() => supertest(t.app).post(`/delete/${video.publicId}/${key}`).type('form').send({}));
      assert.equal(refused.status, 403);
      assert.equal(refused.headers['referrer-policy'], 'no-referrer');
      const banned = await createUser();
      const bannedVideo = await createVideo(banned);
      const bannedKey = newDeletionKey();
      await insertDeletionKey(testPool(), bannedVideo.id, bannedKey.hash);
      await banUser(banned);
      assert.equal((await supertest(t.app).get(`/delete/${bannedVideo.publicId}/${bannedKey.key}`)).status, 404);
    });

    it('succeeds with correct parameters for anyone holding the link, signed in or not, banned visitor included', async () => {
      for (const agent of [supertest.agent(t.app), await signedInAgent(t.app, await createUser()), await bannedAgent(t.app)]) {
        const { video, key } = await keyed();
        const shown = await agent.get(`/delete/${video.publicId}/${key}`);
        assert.equal(shown.status, 200);
        assert.equal((await agent.post(`/delete/${video.publicId}/${key}`).type('form').send({ _csrf: csrfFrom(shown.text) })).status, 200);
        assert.equal((await testPool().query('SELECT 1 FROM videos WHERE id = $1', [video.id])).rowCount, 0);
      }
    });
  });

  describe('GET /watch/:id/thumbnail', () => {
    it('fails with an unknown or malformed id, or a video this viewer may not see (404)', async () => {
      const hidden = await createVideo(owner, { visibility: 'private' });
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, hidden.publicId]) assert.equal((await supertest(t.app).get(`/watch/${id}/thumbnail`)).status, 404, id);
      assert.equal((await (await signedInAgent(t.app, await createUser())).get(`/watch/${hidden.publicId}/thumbnail`)).status, 404);
    });

    it('succeeds with correct parameters: a redirect, to the placeholder until there is a thumbnail', async () => {
      const video = await createVideo(owner);
      const res = await supertest(t.app).get(`/watch/${video.publicId}/thumbnail`);
      assert.equal(res.status, 302);
      assert.match(String(res.headers.location), /icons\/video/);
      assert.match(String(res.headers['cache-control']), /no-cache/);
    });
  });
});
