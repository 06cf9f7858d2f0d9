// Attack covered: bad parameters on an account's upload limits and on the comments held for the
// site's watched words (issue 13, item 9): signed-out and banned requests, forged posts, accounts
// without the permission, unknown and malformed handles and ids, comments not held by the site,
// and missing, malformed, repeated, oversized and hostile fields. Each gets its exact status,
// never a 500, and a refused request writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertComment } from '../../src/db/comments.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

const MALFORMED_HANDLES = ['x'.repeat(31), '%00', '..%2F..', 'a%20b', 'no_such_person_anywhere'];
const MALFORMED_IDS = ['0', '-1', 'abc', '1e3', '9'.repeat(30), '%00', '..%2F..'];
const blank = { maxUploadBytes: '', maxUploadBytesUnit: 'MB', uploadsPerDay: '', uploadBytesPerDay: '', uploadBytesPerDayUnit: 'GB', storageQuotaBytes: '', storageQuotaBytesUnit: 'GB' };

describe('check params: upload limits and held comments', () => {
  const t = useCheckedApp();
  let admin: Agent;
  let moderator: Agent;
  let plain: Agent;
  let person: { id: number; handle: string };
  let video: { id: number; publicId: string };

  before(async () => {
    admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    plain = await signedInAgent(t.app, await createUser());
    person = await createUser();
    video = await createVideo(person);
  });

  const held = async (heldReason: 'watched-word' | 'held-mode' | null = 'watched-word') =>
    (await insertComment(testPool(), { videoId: video.id, authorId: (await createUser()).id, body: `check-params ${Math.random()}`, parent: null, held: heldReason !== null, heldReason }))!.id;

  describe('GET /admin/users/:handle/limits, POST /admin/users/:handle/limits', () => {
    it('fails with a non-authenticated user or a banned account (sign in), and without a CSRF token (403)', async () => {
      const path = `/admin/users/${person.handle}/limits`;
      assertSignIn(await supertest(t.app).get(path), path);
      assertSignIn(await (await bannedAgent(t.app)).get(path));
      assertSignIn(await withoutWrites(async () => postForm(await anonymousAgent(t.app), path, { ...blank, uploadsPerDay: '3' }, { tokenPage: '/login' })));
      assert.equal((await withoutWrites(() => admin.post(path).type('form').send({ ...blank, uploadsPerDay: '3' }))).status, 403);
    });

    it('fails without settings.edit, moderators included (403)', async () => {
      for (const who of [plain, moderator]) {
        assert.equal((await who.get(`/admin/users/${person.handle}/limits`)).status, 403);
        assert.equal((await withoutWrites(() => postForm(who, `/admin/users/${person.handle}/limits`, { ...blank, uploadsPerDay: '3' }))).status, 403);
      }
    });

    it('fails with an unknown or malformed handle (404)', async () => {
      for (const handle of MALFORMED_HANDLES) {
        assert.equal((await admin.get(`/admin/users/${handle}/limits`)).status, 404, handle);
        assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${handle}/limits`, blank))).status, 404, handle);
      }
    });

    it('fails with malformed, repeated, oversized and hostile fields (422)', async () => {
      const path = `/admin/users/${person.handle}/limits`;
      for (const fields of [
        { uploadsPerDay: 'x'.repeat(2000) }, { uploadsPerDay: ' 5 5' }, { uploadsPerDay: '0x10' }, { maxUploadBytes: 'NaN' }, { maxUploadBytes: 'Infinity' },
        { maxUploadBytes: '1', maxUploadBytesUnit: 'toString' }, { maxUploadBytes: '1', maxUploadBytesUnit: '__proto__' }, { storageQuotaBytes: '1'.repeat(40) },
        { uploadBytesPerDay: '0.0001' },
      ]) {
        assert.equal((await withoutWrites(() => postForm(admin, path, { ...blank, ...fields }))).status, 422, JSON.stringify(fields).slice(0, 80));
      }
      // Past the form parser's limit: 413, as every form of the site.
      assert.equal((await withoutWrites(() => postForm(admin, path, { ...blank, uploadsPerDay: 'x'.repeat(200_000) }))).status, 413);
      const token = await tokenOf(admin, '/');
      // A repeated field is no single value: read as blank, which is the site's setting (a valid form).
      const repeated = await admin.post(path).type('form').send(`_csrf=${encodeURIComponent(token)}&uploadsPerDay=3&uploadsPerDay=4`);
      assert.equal(repeated.status, 303);
      assert.equal((await testPool().query('SELECT 1 FROM upload_overrides WHERE user_id = $1', [person.id])).rowCount, 0);
    });

    it('succeeds with correct parameters, and with none (every limit the site\'s)', async () => {
      assert.equal((await admin.get(`/admin/users/${person.handle}/limits`)).status, 200);
      assert.equal((await postForm(admin, `/admin/users/${person.handle}/limits`, { ...blank, uploadsPerDay: '12', maxUploadBytes: '2', maxUploadBytesUnit: 'GB' })).status, 303);
      assert.equal((await postForm(admin, `/admin/users/${person.handle}/limits`, {})).status, 303);
    });
  });

  describe('GET /admin/comments/held, POST /admin/comments/held/:id/approve and /admin/comments/held/:id/remove', () => {
    it('fails with a non-authenticated user or a banned account (sign in), and without a CSRF token (403)', async () => {
      const id = await held();
      assertSignIn(await supertest(t.app).get('/admin/comments/held'), '/admin/comments/held');
      assertSignIn(await (await bannedAgent(t.app)).get('/admin/comments/held'));
      for (const action of ['approve', 'remove']) {
        assertSignIn(await withoutWrites(async () => postForm(await anonymousAgent(t.app), `/admin/comments/held/${id}/${action}`, { reason: 'spam' }, { tokenPage: '/login' })));
        assert.equal((await withoutWrites(() => moderator.post(`/admin/comments/held/${id}/${action}`).type('form').send({ reason: 'spam' }))).status, 403);
      }
    });

    it('fails without comment.remove.any (403), the video\'s creator included', async () => {
      const id = await held();
      const creator = await createUser();
      const creatorVideo = await createVideo(creator);
      const onCreatorsVideo = (await insertComment(testPool(), { videoId: creatorVideo.id, authorId: (await createUser()).id, body: 'check-params held', parent: null, held: true, heldReason: 'watched-word' }))!.id;
      const creatorAgent = await signedInAgent(t.app, creator);
      for (const [who, comment] of [[plain, id], [creatorAgent, onCreatorsVideo]] as const) {
        assert.equal((await who.get('/admin/comments/held')).status, 403);
        for (const action of ['approve', 'remove']) assert.equal((await withoutWrites(() => postForm(who, `/admin/comments/held/${comment}/${action}`, { reason: 'spam' }))).status, 403);
      }
    });

    it('fails with a malformed page cursor (400)', async () => {
      for (const after of ['abc', '-1', '0', '1.5', '9'.repeat(30)]) assert.equal((await moderator.get(`/admin/comments/held?after=${after}`)).status, 400, after);
      assert.equal((await moderator.get('/admin/comments/held?after=1&after=2')).status, 400);
    });

    it('fails with an unknown or malformed id (404), and with a comment not held for a watched word (403)', async () => {
      for (const id of [...MALFORMED_IDS, '999999999']) {
        for (const action of ['approve', 'remove']) assert.equal((await withoutWrites(() => postForm(moderator, `/admin/comments/held/${id}/${action}`, { reason: 'spam' }))).status, 404, `${action} ${id}`);
      }
      for (const reason of ['held-mode', null] as const) {
        const id = await held(reason);
        for (const action of ['approve', 'remove']) assert.equal((await withoutWrites(() => postForm(moderator, `/admin/comments/held/${id}/${action}`, { reason: 'spam' }))).status, 403, `${action} ${reason}`);
      }
    });

    it('fails to remove without a reason, with an unknown, repeated or hostile one, or an oversized note (422)', async () => {
      const id = await held();
      for (const fields of [{}, { reason: '' }, { reason: 'toString' }, { reason: '__proto__' }, { reason: 'spam', note: 'x'.repeat(1001) }, { reason: 'spam', note: 'a\u0007b' }]) {
        assert.equal((await withoutWrites(() => postForm(moderator, `/admin/comments/held/${id}/remove`, fields as Record<string, string>))).status, 422, JSON.stringify(fields));
      }
      // A NUL byte is refused before any form is read (src/http/nul-bytes.ts), as everywhere.
      assert.equal((await withoutWrites(() => postForm(moderator, `/admin/comments/held/${id}/remove`, { reason: 'spam', note: 'a\u0000b' }))).status, 400);
      const token = await tokenOf(moderator, '/');
      assert.equal((await withoutWrites(() => moderator.post(`/admin/comments/held/${id}/remove`).type('form').send(`_csrf=${encodeURIComponent(token)}&reason=spam&reason=hate`))).status, 422);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await moderator.get('/admin/comments/held')).status, 200);
      assert.equal((await postForm(moderator, `/admin/comments/held/${await held()}/approve`)).status, 303);
      assert.equal((await postForm(moderator, `/admin/comments/held/${await held()}/remove`, { reason: 'spam' })).status, 303);
    });
  });
});
