import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { changeSiteSettings, createTestApp, resetSiteSettings, useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { bearer, createToken } from '../helpers/api.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { fixtures } from '../helpers/fixtures.js';
import { fileSize, listening, OCTETS, openPatch, TUS, tusMetadata, until, uploadFile, uploadIdOf } from '../helpers/tus.js';
import { FileStore } from '@tus/file-store';
import { Upload } from '@tus/server';
import { removeExpiredUploads, RESUMABLE_UPLOAD_IDLE_HOURS } from '../../src/uploads/resumable.js';
import pg from 'pg';
import { MAX_OPEN_UPLOADS_PER_ACCOUNT, MAX_SENDING_PER_ACCOUNT } from '../../src/routes/resumable-uploads.js';
import { PgLocker } from '../../src/uploads/pg-locker.js';
import { PROCESS_VIDEO } from '../../src/jobs/queue.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => crypto.createHash('sha256').update(data).digest('hex');

async function uploadRow(id: string) {
  const { rows } = await testPool().query('SELECT user_id, declared_bytes, original_name, details, expires_at FROM resumable_uploads WHERE id = $1', [id]);
  return rows[0] ?? null;
}

async function videoOf(publicId: string) {
  const { rows } = await testPool().query('SELECT id, owner_id, title, tags, visibility, status, original_key, original_name FROM videos WHERE public_id = $1', [publicId]);
  return rows[0] ?? null;
}

/** Made and waiting for the worker: status uploaded (processing once a worker takes it), its job queued. */
async function assertQueued(video: { id: number; status: string }) {
  assert.ok(['uploaded', 'processing'].includes(video.status), `status ${video.status}`);
  const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND data->>'videoId' = $2`, [PROCESS_VIDEO, String(video.id)]);
  assert.equal(rows[0].n, 1, 'its processing job is queued');
}

describe('resumable uploads (tus) at /uploads', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let video: Buffer;
  let owner: Awaited<ReturnType<typeof createUser>>;
  let ownerAgent: Agent;
  let csrf: string;
  let ownerToken: string;

  before(async () => {
    video = fs.readFileSync(await fixtures.noAudio());
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    csrf = await tokenFor(ownerAgent, '/upload');
    ownerToken = await createToken(owner, ['videos:upload']);
  });
  afterEach(async () => {
    await resetSiteSettings(t);
    // The owner's uploads left open by a test would count toward MAX_OPEN_UPLOADS_PER_ACCOUNT in the next.
    await testPool().query('DELETE FROM resumable_uploads WHERE user_id = $1', [owner.id]);
  });

  /** A creation by the owner's browser session: its CSRF token in X-CSRF-Token. */
  const createBySession = (length: number, fields: Record<string, string> = { filename: 'clip.mp4', title: 'Resumed' }) =>
    ownerAgent.post('/uploads').set(TUS).set('X-CSRF-Token', csrf).set('Upload-Length', String(length)).set('Upload-Metadata', tusMetadata(fields));
  const patchBySession = (id: string, offset: number, bytes: Buffer) =>
    ownerAgent.patch(`/uploads/${id}`).set(TUS).set(OCTETS).set('X-CSRF-Token', csrf).set('Upload-Offset', String(offset)).send(bytes);

  describe('POST /uploads', () => {
    it('creates an upload of the session\'s account: 201, its Location, the row with the parsed details', async () => {
      const res = await createBySession(video.length, { filename: 'holiday_at_sea.mp4', tags: 'sea, boats', visibility: 'unlisted' });
      assert.equal(res.status, 201, res.text);
      assert.match(String(res.headers.location), /\/uploads\/[A-Za-z0-9_-]{22}$/);
      assert.equal(res.headers['tus-resumable'], '1.0.0');
      const row = await uploadRow(uploadIdOf(res.headers.location));
      assert.equal(row.user_id, owner.id);
      assert.equal(Number(row.declared_bytes), video.length);
      assert.deepEqual(row.details, { title: 'holiday at sea', description: '', tags: ['sea', 'boats'], visibility: 'unlisted' });
      assert.ok(fs.existsSync(uploadFile(t.config.dataDir, uploadIdOf(res.headers.location))));
    });

    it('gives the upload\'s address as the client reached the site: forwarded scheme and host only from a trusted proxy', async () => {
      const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'videos.example.org' };
      const create = (app: typeof t.app) => supertest(app).post('/uploads').set(TUS).set(bearer(ownerToken)).set(forwarded).set('Upload-Length', '10').set('Upload-Metadata', tusMetadata({ filename: 'a.mp4' }));
      assert.match(String((await create(createTestApp({ TRUST_PROXY: 'loopback' }).app)).headers.location), /^https:\/\/videos\.example\.org\/uploads\/[A-Za-z0-9_-]{22}$/);
      assert.match(String((await create(t.app)).headers.location), /^http:\/\/127\.0\.0\.1:\d+\/uploads\/[A-Za-z0-9_-]{22}$/);
    });

    it('refuses an upload over the account\'s largest with 413 before a byte is sent, storing nothing', async () => {
      await changeSiteSettings(t, { maxUploadBytes: MiB });
      const before = await testPool().query('SELECT count(*)::int AS n FROM resumable_uploads');
      const res = await createBySession(2 * MiB);
      assert.equal(res.status, 413);
      assert.match(res.text, /larger than the 1 MiB limit for one upload/);
      const after = await testPool().query('SELECT count(*)::int AS n FROM resumable_uploads');
      assert.equal(after.rows[0].n, before.rows[0].n);
    });

    it('refuses a creation past the storage quota with 413', async () => {
      await changeSiteSettings(t, { storageQuotaBytes: MiB });
      const res = await createBySession(2 * MiB - 10);
      assert.equal(res.status, 413);
      assert.match(res.text, /of storage/);
    });

    it('refuses bad details with 422, and a deferred length with 400, storing nothing', async () => {
      const before = await testPool().query('SELECT count(*)::int AS n FROM resumable_uploads');
      const bad = await createBySession(100, { filename: 'a.mp4', title: 'x'.repeat(101) });
      assert.equal(bad.status, 422);
      assert.match(bad.text, /at most 100 characters/);
      const deferred = await ownerAgent.post('/uploads').set(TUS).set('X-CSRF-Token', csrf).set('Upload-Defer-Length', '1');
      assert.equal(deferred.status, 400);
      assert.match(deferred.text, /Upload-Length/);
      const after = await testPool().query('SELECT count(*)::int AS n FROM resumable_uploads');
      assert.equal(after.rows[0].n, before.rows[0].n);
    });

    it('refuses a session request without the CSRF token (403), and anonymous visitors (401)', async () => {
      const res = await ownerAgent.post('/uploads').set(TUS).set('Upload-Length', '100');
      assert.equal(res.status, 403);
      const anonymous = await supertest(t.app).post('/uploads').set(TUS).set('Upload-Length', '100');
      assert.equal(anonymous.status, 403); // no CSRF binding at all: refused before anything else
    });

    it('takes an access token with videos:upload (no CSRF token), and refuses one without it (403)', async () => {
      const ok = await supertest(t.app).post('/uploads').set(TUS).set(bearer(ownerToken)).set('Upload-Length', String(video.length)).set('Upload-Metadata', tusMetadata({ filename: 'api.mp4' }));
      assert.equal(ok.status, 201, ok.text);
      const id = uploadIdOf(ok.headers.location);
      const done = await supertest(t.app).patch(`/uploads/${id}`).set(TUS).set(OCTETS).set(bearer(ownerToken)).set('Upload-Offset', '0').send(video);
      assert.equal(done.status, 204, done.text);
      const made = await videoOf(String(done.headers['tubestead-video-id']));
      assert.equal(made.owner_id, owner.id);
      assert.equal(made.title, 'api');

      const readOnly = await createToken(owner, ['videos:read']);
      const refused = await supertest(t.app).post('/uploads').set(TUS).set(bearer(readOnly)).set('Upload-Length', '100');
      assert.equal(refused.status, 403);
      assert.match(refused.text, /videos:upload/);
    });
  });

  describe('limits counting uploads under way', () => {
    /** A fresh account with an upload token, and its creations. */
    async function uploaderAccount() {
      const token = await createToken(await createUser(), ['videos:upload']);
      const create = (length: number) => supertest(t.app).post('/uploads').set(TUS).set(bearer(token)).set('Upload-Length', String(length)).set('Upload-Metadata', tusMetadata({ filename: 'open.mp4' }));
      return { token, create };
    }

    it('counts each open upload as an upload of the day and its declared bytes toward the day\'s bytes and the storage', async () => {
      await changeSiteSettings(t, { uploadsPerDay: 2 });
      const a = await uploaderAccount();
      assert.equal((await a.create(100)).status, 201);
      assert.equal((await a.create(100)).status, 201);
      const third = await a.create(100);
      assert.equal(third.status, 429, third.text);
      assert.match(third.text, /This counts your 2 uploads under way/);
      await changeSiteSettings(t, { uploadsPerDay: 100, uploadBytesPerDay: 3 * MiB });
      const b = await uploaderAccount();
      assert.equal((await b.create(2 * MiB)).status, 201);
      const pastDaily = await b.create(2 * MiB);
      assert.equal(pastDaily.status, 413, pastDaily.text);
      assert.match(pastDaily.text, /in 24 hours/);
      await changeSiteSettings(t, { uploadBytesPerDay: 100 * MiB, storageQuotaBytes: 3 * MiB });
      const c = await uploaderAccount();
      assert.equal((await c.create(2 * MiB)).status, 201);
      const pastStorage = await c.create(2 * MiB);
      assert.equal(pastStorage.status, 413, pastStorage.text);
      assert.match(pastStorage.text, /of storage/);
    });

    it(`refuses more than ${MAX_OPEN_UPLOADS_PER_ACCOUNT} open uploads of one account with 429, storing nothing; ending one makes room`, async () => {
      const a = await uploaderAccount();
      const ids: string[] = [];
      for (let i = 0; i < MAX_OPEN_UPLOADS_PER_ACCOUNT; i++) {
        const res = await a.create(100);
        assert.equal(res.status, 201, res.text);
        ids.push(uploadIdOf(res.headers.location));
      }
      const before = await testPool().query('SELECT count(*)::int AS n FROM resumable_uploads');
      const refused = await a.create(100);
      assert.equal(refused.status, 429);
      assert.match(refused.text, new RegExp(`${MAX_OPEN_UPLOADS_PER_ACCOUNT} uploads under way, the most at once`));
      assert.equal((await testPool().query('SELECT count(*)::int AS n FROM resumable_uploads')).rows[0].n, before.rows[0].n);
      assert.equal((await supertest(t.app).delete(`/uploads/${ids[0]}`).set(TUS).set(bearer(a.token))).status, 204);
      assert.equal((await a.create(100)).status, 201);
    });

    it('checks the limits again at the finish with the exact size: past them, 413, no video, file and row gone', async () => {
      const a = await uploaderAccount();
      const id = uploadIdOf((await a.create(video.length)).headers.location);
      await changeSiteSettings(t, { storageQuotaBytes: video.length - 1 });
      const res = await supertest(t.app).patch(`/uploads/${id}`).set(TUS).set(OCTETS).set(bearer(a.token)).set('Upload-Offset', '0').send(video);
      assert.equal(res.status, 413, res.text);
      assert.match(res.text, /of storage/);
      assert.equal(res.headers['tubestead-video-id'], undefined);
      assert.equal(await uploadRow(id), null);
      assert.equal(fs.existsSync(uploadFile(t.config.dataDir, id)), false);
    });
  });

  describe('PATCH /uploads/:id', () => {
    it('finishes: the video is made (processing) from the stored details, its id and watch address in headers, the upload gone', async () => {
      const created = await createBySession(video.length, { filename: 'whole.mp4', title: 'Whole in one', tags: 'one', visibility: 'private' });
      const id = uploadIdOf(created.headers.location);
      const res = await patchBySession(id, 0, video);
      assert.equal(res.status, 204, res.text);
      const publicId = String(res.headers['tubestead-video-id']);
      assert.match(publicId, /^[A-Za-z0-9_-]{11}$/);
      assert.equal(res.headers['tubestead-watch-url'], new URL(`/watch/${publicId}`, t.config.publicUrl).href);
      const made = await videoOf(publicId);
      assert.deepEqual({ title: made.title, tags: made.tags, visibility: made.visibility, name: made.original_name }, { title: 'Whole in one', tags: ['one'], visibility: 'private', name: 'whole.mp4' });
      await assertQueued(made);
      assert.equal(await uploadRow(id), null);
      assert.equal(fs.existsSync(uploadFile(t.config.dataDir, id)), false);
    });

    it('resumes after the connection drops at 60 %: HEAD gives the offset, the rest completes the same bytes', async () => {
      const created = await supertest(t.app).post('/uploads').set(TUS).set(bearer(ownerToken)).set('Upload-Length', String(video.length)).set('Upload-Metadata', tusMetadata({ filename: 'cut.mp4' }));
      const id = uploadIdOf(created.headers.location);
      const server = await listening(t.app);
      try {
          const cut = Math.floor(video.length * 0.6);
          const patch = openPatch(server.port, id, 0, video.length, bearer(ownerToken));
          patch.req.write(video.subarray(0, cut));
          await until(() => fileSize(uploadFile(t.config.dataDir, id)) === cut);
          patch.req.destroy();
          // The cut request lets go of its lock (the next request asks it to); HEAD then sees what arrived.
          let offset = -1;
          await until(async () => {
            const head = await supertest(t.app).head(`/uploads/${id}`).set(TUS).set(bearer(ownerToken));
            offset = Number(head.headers['upload-offset']);
            return head.status === 200 && offset === cut;
          });
          const rest = await supertest(t.app).patch(`/uploads/${id}`).set(TUS).set(OCTETS).set(bearer(ownerToken)).set('Upload-Offset', String(offset)).send(video.subarray(offset));
          assert.equal(rest.status, 204, rest.text);
          const made = await videoOf(String(rest.headers['tubestead-video-id']));
          const stored = fs.readFileSync(path.join(t.config.dataDir, 'media', ...String(made.original_key).split('/')));
          assert.equal(sha256(stored), sha256(video));
      } finally {
        await server.close();
      }
    });

    it('resumes after the server restarts: a new app on the same data directory and database continues it', async () => {
      const created = await createBySession(video.length, { filename: 'restart.mp4' });
      const id = uploadIdOf(created.headers.location);
      const half = Math.floor(video.length / 2);
      assert.equal((await patchBySession(id, 0, video.subarray(0, half))).status, 204);
      const restarted = createTestApp();
      const agent = await signedInAgent(restarted.app, owner);
      const token = await tokenFor(agent, '/upload');
      const head = await agent.head(`/uploads/${id}`).set(TUS);
      assert.equal(head.status, 200);
      assert.equal(Number(head.headers['upload-offset']), half);
      const rest = await agent.patch(`/uploads/${id}`).set(TUS).set(OCTETS).set('X-CSRF-Token', token).set('Upload-Offset', String(half)).send(video.subarray(half));
      assert.equal(rest.status, 204, rest.text);
      const made = await videoOf(String(rest.headers['tubestead-video-id']));
      await assertQueued(made);
    });

    it('answers a finished file that is not a video with 422 and the reason, keeping neither file nor row', async () => {
      const junk = Buffer.from('this is not a video at all, just some text '.repeat(50));
      const created = await createBySession(junk.length, { filename: 'notes.mp4' });
      const id = uploadIdOf(created.headers.location);
      const res = await patchBySession(id, 0, junk);
      assert.equal(res.status, 422);
      assert.ok(res.text.trim().length > 10, `a reason: ${res.text}`);
      assert.equal(await uploadRow(id), null);
      assert.equal(fs.existsSync(uploadFile(t.config.dataDir, id)), false);
    });

    it('serializes two app instances on one database: the second PATCH waits for the first\'s lock, then finds the offset moved (409)', async () => {
      const created = await createBySession(video.length, { filename: 'twice.mp4' });
      const id = uploadIdOf(created.headers.location);
      const other = createTestApp();
      const [a, b] = [await listening(t.app), await listening(other.app)];
      try {
          const half = Math.floor(video.length / 2);
          const first = openPatch(a.port, id, 0, half, bearer(ownerToken));
          first.req.write(video.subarray(0, 1000));
          await until(() => fileSize(uploadFile(t.config.dataDir, id)) === 1000);
          // Same offset through the other instance, while the first holds the upload's advisory lock.
          const second = openPatch(b.port, id, 0, half, bearer(ownerToken));
          second.req.end(Buffer.alloc(half, 7));
          await new Promise((resolve) => setTimeout(resolve, 500));
          assert.equal(fileSize(uploadFile(t.config.dataDir, id)), 1000, 'nothing of the second was written meanwhile');
          first.req.end(video.subarray(1000, half));
          assert.equal((await first.answer).status, 204);
          assert.equal((await second.answer).status, 409);
          const head = await supertest(t.app).head(`/uploads/${id}`).set(TUS).set(bearer(ownerToken));
          assert.equal(Number(head.headers['upload-offset']), half);
          assert.ok(fs.readFileSync(uploadFile(t.config.dataDir, id)).equals(video.subarray(0, half)));
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  describe('uploads sent at once', () => {
    it(`lets one account send ${MAX_SENDING_PER_ACCOUNT} at once (429 past that, not another account), a takeover of its own upload too`, async () => {
      const token = await createToken(await createUser(), ['videos:upload']);
      const create = async () => uploadIdOf((await supertest(t.app).post('/uploads').set(TUS).set(bearer(token)).set('Upload-Length', String(video.length)).set('Upload-Metadata', tusMetadata({ filename: 'slow.mp4' }))).headers.location);
      const ids = [await create(), await create(), await create()];
      const server = await listening(t.app);
      try {
        const slow = ids.slice(0, MAX_SENDING_PER_ACCOUNT).map((id) => {
          const patch = openPatch(server.port, id, 0, video.length, bearer(token));
          patch.req.write(video.subarray(0, 100));
          return patch;
        });
        for (const id of ids.slice(0, MAX_SENDING_PER_ACCOUNT)) await until(() => fileSize(uploadFile(t.config.dataDir, id)) === 100);
        const refused = await supertest(t.app).patch(`/uploads/${ids[2]}`).set(TUS).set(OCTETS).set(bearer(token)).set('Upload-Offset', '0').send(video.subarray(0, 10));
        assert.equal(refused.status, 429);
        assert.match(refused.text, /Another upload of yours is being sent/);
        assert.equal(fileSize(uploadFile(t.config.dataDir, ids[2]!)), 0);
        const creation = await supertest(t.app).post('/uploads').set(TUS).set(bearer(token)).set('Upload-Length', '10').set('Upload-Metadata', tusMetadata({ filename: 'more.mp4' }));
        assert.equal(creation.status, 429);
        // Another account is not held up.
        const other = uploadIdOf((await createBySession(10)).headers.location);
        assert.equal((await patchBySession(other, 0, Buffer.alloc(5))).status, 204);
        // The client resuming one of its own (it lost the first request): let through, tus takes over.
        const takeover = await supertest(t.app).patch(`/uploads/${ids[0]}`).set(TUS).set(OCTETS).set(bearer(token)).set('Upload-Offset', '100').send(video.subarray(100, 200));
        assert.equal(takeover.status, 204, takeover.text);
        for (const patch of slow) patch.req.destroy();
        await until(async () => (await supertest(t.app).patch(`/uploads/${ids[2]}`).set(TUS).set(OCTETS).set(bearer(token)).set('Upload-Offset', '0').send(video.subarray(0, 10))).status === 204);
      } finally {
        await server.close();
      }
    });
  });

  describe('HEAD /uploads/:id and DELETE /uploads/:id', () => {
    it('are the creating account\'s alone: 403 to another account, by session or token', async () => {
      const created = await createBySession(video.length);
      const id = uploadIdOf(created.headers.location);
      const stranger = await createUser();
      const agent = await signedInAgent(t.app, stranger);
      const token = await tokenFor(agent, '/upload');
      assert.equal((await agent.head(`/uploads/${id}`).set(TUS)).status, 403);
      assert.equal((await agent.patch(`/uploads/${id}`).set(TUS).set(OCTETS).set('X-CSRF-Token', token).set('Upload-Offset', '0').send(video.subarray(0, 10))).status, 403);
      assert.equal((await agent.delete(`/uploads/${id}`).set(TUS).set('X-CSRF-Token', token)).status, 403);
      const strangerToken = await createToken(stranger, ['videos:upload']);
      assert.equal((await supertest(t.app).head(`/uploads/${id}`).set(TUS).set(bearer(strangerToken))).status, 403);
      assert.equal((await supertest(t.app).delete(`/uploads/${id}`).set(TUS).set(bearer(strangerToken))).status, 403);
      assert.equal(fileSize(uploadFile(t.config.dataDir, id)), 0);
      assert.ok(await uploadRow(id));
    });

    it('acts on the id the route checked only: `?x=/<another account\'s id>` after one\'s own never reaches the other upload', async () => {
      const victim = await createUser();
      const victimToken = await createToken(victim, ['videos:upload']);
      const theirs = uploadIdOf((await supertest(t.app).post('/uploads').set(TUS).set(bearer(victimToken)).set('Upload-Length', '1000').set('Upload-Metadata', tusMetadata({ filename: 'theirs.mp4' }))).headers.location);
      const theirsHalf = Buffer.alloc(500, 9);
      assert.equal((await supertest(t.app).patch(`/uploads/${theirs}`).set(TUS).set(OCTETS).set(bearer(victimToken)).set('Upload-Offset', '0').send(theirsHalf)).status, 204);
      const mine = uploadIdOf((await createBySession(2000)).headers.location);
      const sneaky = (id: string) => `/uploads/${id}?x=/${theirs}`;
      const head = await ownerAgent.head(sneaky(mine)).set(TUS);
      assert.equal(head.status, 200);
      assert.equal(head.headers['upload-length'], '2000', 'the metadata of the upload the path names');
      assert.equal(head.headers['upload-offset'], '0');
      const patch = await ownerAgent.patch(sneaky(mine)).set(TUS).set(OCTETS).set('X-CSRF-Token', csrf).set('Upload-Offset', '500').send(Buffer.alloc(10, 1));
      assert.equal(patch.status, 409, 'judged against my upload (offset 0), not theirs (offset 500)');
      assert.equal((await ownerAgent.delete(sneaky(mine)).set(TUS).set('X-CSRF-Token', csrf)).status, 204);
      assert.equal(await uploadRow(mine), null);
      assert.ok(await uploadRow(theirs), 'their row stays');
      assert.ok(fs.readFileSync(uploadFile(t.config.dataDir, theirs)).equals(theirsHalf), 'their file is untouched');
      const theirHead = await supertest(t.app).head(`/uploads/${theirs}`).set(TUS).set(bearer(victimToken));
      assert.equal(theirHead.headers['upload-offset'], '500');
    });

    it('ends an upload for its owner: 204, file and row gone, then 404', async () => {
      const created = await createBySession(video.length);
      const id = uploadIdOf(created.headers.location);
      const res = await ownerAgent.delete(`/uploads/${id}`).set(TUS).set('X-CSRF-Token', csrf);
      assert.equal(res.status, 204, res.text);
      assert.equal(await uploadRow(id), null);
      assert.equal(fs.existsSync(uploadFile(t.config.dataDir, id)), false);
      assert.equal((await ownerAgent.head(`/uploads/${id}`).set(TUS)).status, 404);
    });

    it('keeps an upload alive only for a PATCH that brings bytes at its offset: not for an empty one, nor one at a wrong offset', async () => {
      const id = uploadIdOf((await createBySession(video.length)).headers.location);
      await testPool().query(`UPDATE resumable_uploads SET expires_at = now() + interval '1 hour' WHERE id = $1`, [id]);
      const { expires_at: before } = await uploadRow(id);
      const empty = await patchBySession(id, 0, Buffer.alloc(0));
      assert.equal(empty.status, 204);
      assert.equal(empty.headers['upload-expires'], undefined);
      assert.equal((await patchBySession(id, 50, video.subarray(0, 10))).status, 409);
      assert.equal((await uploadRow(id)).expires_at.getTime(), before.getTime(), 'not extended');
      assert.equal((await patchBySession(id, 0, video.subarray(0, 10))).status, 204);
      assert.ok((await uploadRow(id)).expires_at.getTime() > Date.now() + 23 * 3600_000, 'extended by bytes arriving');
    });

    it('expires an abandoned upload: 410, then the cleanup deletes its file and row', async () => {
      const created = await createBySession(video.length);
      const id = uploadIdOf(created.headers.location);
      const patched = await patchBySession(id, 0, video.subarray(0, 100));
      assert.equal(patched.status, 204);
      const row = await uploadRow(id);
      assert.equal(patched.headers['upload-expires'], row.expires_at.toUTCString(), 'the client is told until when');
      assert.ok(row.expires_at.getTime() > Date.now() + 23 * 3600_000, 'kept 24 hours after the last PATCH');
      await testPool().query(`UPDATE resumable_uploads SET expires_at = now() - interval '1 minute' WHERE id = $1`, [id]);
      assert.equal((await ownerAgent.head(`/uploads/${id}`).set(TUS)).status, 410);
      assert.ok((await removeExpiredUploads(testPool(), t.config, new Date())) >= 1);
      assert.equal(await uploadRow(id), null);
      assert.equal(fs.existsSync(uploadFile(t.config.dataDir, id)), false);
    });
  });

  describe('the sweep of abandoned uploads', () => {
    it('removes files and sidecars left without a row once idle for the idle period, never a recent one or one with its row', async () => {
      const directory = path.dirname(uploadFile(t.config.dataDir, 'x'));
      const store = new FileStore({ directory });
      const make = async () => {
        const id = crypto.randomBytes(16).toString('base64url');
        await store.create(new Upload({ id, size: 100, offset: 0, metadata: {} }));
        return id;
      };
      const age = (id: string, hours: number) => {
        const then = new Date(Date.now() - hours * 3600_000);
        for (const name of [id, `${id}.json`]) if (fs.existsSync(path.join(directory, name))) fs.utimesSync(path.join(directory, name), then, then);
      };
      // Its row deleted, its file left (a DELETE whose removal failed): idle past the period.
      const orphan = await make();
      age(orphan, RESUMABLE_UPLOAD_IDLE_HOURS + 1);
      // Only its sidecar left.
      const sidecar = await make();
      fs.rmSync(path.join(directory, sidecar));
      age(sidecar, RESUMABLE_UPLOAD_IDLE_HOURS + 1);
      // Without a row but recent: perhaps being created right now.
      const recent = await make();
      // An upload with its row, its file not touched for long (not expired by its row).
      const created = await createBySession(100);
      const kept = uploadIdOf(created.headers.location);
      age(kept, RESUMABLE_UPLOAD_IDLE_HOURS + 1);
      await removeExpiredUploads(testPool(), t.config, new Date());
      for (const name of [orphan, `${orphan}.json`, `${sidecar}.json`]) assert.equal(fs.existsSync(path.join(directory, name)), false, name);
      for (const name of [recent, `${recent}.json`, kept, `${kept}.json`]) assert.ok(fs.existsSync(path.join(directory, name)), name);
      assert.ok(await uploadRow(kept));
      await store.remove(recent);
    });
  });

  describe('GET /upload (the browser uploader)', () => {
    it('loads tus-js-client from public/, the same bytes as the installed package', async () => {
      const page = await ownerAgent.get('/upload');
      const src = /<script src="(\/static\/js\/vendor\/tus\.min\.[0-9a-f]{8}\.js)"><\/script>/.exec(page.text)?.[1];
      assert.ok(src, 'the page loads the vendored client');
      assert.match(page.text, /data-resumable="\/uploads"/);
      const served = await supertest(t.app).get(src!).buffer(true).parse((res, done) => { const chunks: Buffer[] = []; res.on('data', (c: Buffer) => chunks.push(c)); res.on('end', () => done(null, Buffer.concat(chunks))); });
      assert.equal(served.status, 200);
      assert.ok((served.body as Buffer).equals(fs.readFileSync(path.join('node_modules', 'tus-js-client', 'dist', 'tus.min.js'))), 'public/js/vendor/tus.min.js is a copy of node_modules/tus-js-client/dist/tus.min.js: copy it again after updating the package');
    });
  });

  describe('the Postgres locker', () => {
    it('answers 503 with a readable text when no connection for a lock is free, not 500', async () => {
      const pool = new pg.Pool({ ...(testPool() as pg.Pool & { options: pg.PoolConfig }).options, max: 2, connectionTimeoutMillis: 300 });
      const locker = new PgLocker(pool, 300);
      try {
        const held = locker.newLock('exhausted-a');
        await held.lock(new AbortController().signal, () => {});
        // The LISTEN connection and the held lock's: the pool is empty.
        await assert.rejects(locker.newLock('exhausted-b').lock(new AbortController().signal, () => {}), (err: { status_code?: number; body?: string }) => err.status_code === 503 && /Too many uploads/.test(String(err.body)));
        await held.unlock();
      } finally {
        await locker.close();
        await pool.end();
      }
    });


    it('refuses a lock another connection holds until it is released, and asks the holder to let go (in its process, or another through NOTIFY)', async () => {
      const one = new PgLocker(testPool(), 300);
      const two = new PgLocker(testPool(), 300);
      try {
        const held = one.newLock('lock-test-id');
        let asked = 0;
        await held.lock(new AbortController().signal, () => { asked += 1; });
        const timedOut = (err: unknown) => (err as { status_code?: number }).status_code === 423;
        await assert.rejects(two.newLock('lock-test-id').lock(new AbortController().signal, () => {}), timedOut);
        // Another locker (another web process) asks through NOTIFY, heard by the holder's LISTEN.
        assert.ok(asked > 0, 'the holder was asked to release from the other locker');
        asked = 0;
        await assert.rejects(one.newLock('lock-test-id').lock(new AbortController().signal, () => {}), timedOut);
        assert.ok(asked > 0, 'the holder was asked to release in its own locker');
        await held.unlock();
        const taken = two.newLock('lock-test-id');
        await taken.lock(new AbortController().signal, () => {});
        await taken.unlock();
      } finally {
        // Their LISTEN connections go back to the shared test pool, which must end at teardown.
        await Promise.all([one.close(), two.close()]);
      }
    });
  });
});
