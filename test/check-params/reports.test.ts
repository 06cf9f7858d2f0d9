// Attack covered: bad parameters on reports (issue 13, item 1): signed-out and banned requests,
// forged posts, unknown and malformed ids and handles, hidden things, one's own things, missing,
// unknown, repeated or oversized reasons, texts and times, and malformed cursors. Each gets its
// exact status, never a 500, and a refused request writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertComment } from '../../src/db/comments.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, MALFORMED_IDS, postForm, UNKNOWN_ID, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

const MALFORMED_COMMENT_IDS = ['0', '-1', '1.5', 'abc', '9'.repeat(17), '%00', '..%2F..'];
const MALFORMED_HANDLES = ['x'.repeat(31), '%00', 'a%2Fb', '..'];

describe('check params: reports', () => {
  const t = useCheckedApp();
  let reporter: Agent;
  let owner: Agent;
  let ownerHandle: string;
  let videoId: string;
  let hiddenVideoId: string;
  let commentId: number;
  let hiddenCommentId: number;

  before(async () => {
    const ownerUser = await createUser();
    ownerHandle = ownerUser.handle;
    owner = await signedInAgent(t.app, ownerUser);
    reporter = await signedInAgent(t.app, await createUser());
    const video = await createVideo(ownerUser, { title: 'Reported by check-params', durationSeconds: 60 });
    const hidden = await createVideo(ownerUser, { visibility: 'private' });
    videoId = video.publicId;
    hiddenVideoId = hidden.publicId;
    commentId = (await insertComment(testPool(), { videoId: video.id, authorId: ownerUser.id, body: 'Reported comment', parent: null }))!.id;
    hiddenCommentId = (await insertComment(testPool(), { videoId: hidden.id, authorId: ownerUser.id, body: 'Hidden comment', parent: null }))!.id;
  });

  const pages = () => [`/watch/${videoId}/report`, `/comments/${commentId}/report`, `/@${ownerHandle}/report`];
  const notFoundPaths = () => [
    `/watch/${UNKNOWN_ID}/report`, `/watch/${hiddenVideoId}/report`, ...MALFORMED_IDS.map((id) => `/watch/${id}/report`),
    '/comments/999999999/report', `/comments/${hiddenCommentId}/report`, ...MALFORMED_COMMENT_IDS.map((id) => `/comments/${id}/report`),
    '/@nobody-has-this-handle/report', ...MALFORMED_HANDLES.map((h) => `/@${h}/report`),
  ];

  describe('GET /watch/:id/report, /comments/:id/report and /@:handle/report', () => {
    it('fails with a non-authenticated user or a banned account (sign in)', async () => {
      const banned = await bannedAgent(t.app);
      for (const path of pages()) {
        assertSignIn(await supertest(t.app).get(path), path);
        assertSignIn(await banned.get(path));
      }
    });

    it('fails with an unknown or malformed id or handle, or a thing hidden from the viewer (404)', async () => {
      for (const path of notFoundPaths()) assert.equal((await reporter.get(path)).status, 404, path);
    });

    it('fails for the owner of the thing (403)', async () => {
      for (const path of pages()) assert.equal((await owner.get(path)).status, 403, path);
    });

    it('succeeds with correct parameters', async () => {
      for (const path of pages()) assert.equal((await reporter.get(path)).status, 200, path);
    });
  });

  describe('POST /watch/:id/report, /comments/:id/report and /@:handle/report', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      for (const path of pages()) {
        assertSignIn(await withoutWrites(() => postForm(visitor, path, { reason: 'spam' })));
        assertSignIn(await withoutWrites(() => postForm(banned, path, { reason: 'spam' })));
      }
    });

    it('fails without a CSRF token (403)', async () => {
      for (const path of pages()) assert.equal((await withoutWrites(() => reporter.post(path).type('form').send({ reason: 'spam' }))).status, 403, path);
    });

    it('fails with an unknown or malformed id or handle, or a hidden thing (404)', async () => {
      for (const path of notFoundPaths()) assert.equal((await withoutWrites(() => postForm(reporter, path, { reason: 'spam' }))).status, 404, path);
    });

    it('fails for the owner of the thing (403), whatever the form carries', async () => {
      for (const path of pages()) assert.equal((await withoutWrites(() => postForm(owner, path, { reason: 'spam', reporter: '1', status: 'handled' }))).status, 403, path);
    });

    it('fails with a missing, unknown, repeated or oversized reason, text or time (422)', async () => {
      const forms: Record<string, string>[] = [
        {}, { reason: '' }, { reason: 'SPAM' }, { reason: 'toString' }, { reason: '__proto__' }, { reason: 'spam'.repeat(5000) },
        { reason: 'spam', text: 'x'.repeat(3001) }, { reason: 'spam', text: 'a\u0007b' }, { reason: 'spam', text: '\uFFFE' },
      ];
      for (const path of pages()) {
        for (const form of forms) assert.equal((await withoutWrites(() => postForm(reporter, path, form))).status, 422, `${path} ${JSON.stringify(form).slice(0, 60)}`);
      }
      for (const time of ['1:01', '61', '-0:01', '0:60', '1:00:00', 'x'.repeat(100), '0:0', '1e3']) {
        assert.equal((await withoutWrites(() => postForm(reporter, `/watch/${videoId}/report`, { reason: 'spam', time }))).status, 422, time);
      }
      const token = (await reporter.get('/')).text.match(/name="csrf-token" content="([^"]+)"/)![1]!;
      const repeated = await withoutWrites(() => reporter.post(`/watch/${videoId}/report`).type('form').send(`_csrf=${encodeURIComponent(token)}&reason=spam&reason=hate`));
      assert.equal(repeated.status, 422);
    });

    it('fails with a body over the site\'s form limit (413)', async () => {
      assert.equal((await withoutWrites(() => postForm(reporter, `/watch/${videoId}/report`, { reason: 'spam', text: 'x'.repeat(70_000) }))).status, 413);
    });

    it('succeeds with correct parameters (303); a resubmit updates the same report', async () => {
      for (const path of pages()) {
        assert.equal((await postForm(reporter, path, { reason: 'other', text: 'Checked', ...(path.startsWith('/watch') ? { time: '0:30' } : {}) })).status, 303, path);
        assert.equal((await postForm(reporter, path, { reason: 'other', text: 'Checked' })).status, 303, path);
      }
      const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM reports r JOIN users u ON u.id = r.reporter_id WHERE r.body = 'Checked'`);
      assert.equal(rows[0].n, 3);
    });
  });

  describe('GET /settings/reports', () => {
    it('fails with a non-authenticated user or a banned account (sign in)', async () => {
      assertSignIn(await supertest(t.app).get('/settings/reports'), '/settings/reports');
      assertSignIn(await (await bannedAgent(t.app)).get('/settings/reports'));
    });

    it('reads a malformed cursor as the first page (200)', async () => {
      for (const after of ['x', '0', '-1', '1.5', '9'.repeat(17), '%00', '1&after=2']) assert.equal((await reporter.get(`/settings/reports?after=${after}`)).status, 200, after);
      assert.equal((await reporter.get('/settings/reports?after[]=1')).status, 200);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await reporter.get('/settings/reports')).status, 200);
    });
  });

  describe('GET /admin/reports', () => {
    let moderator: Agent;
    before(async () => {
      moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    });

    it('fails with a non-authenticated user or a banned account (sign in), and without report.handle (403)', async () => {
      assertSignIn(await supertest(t.app).get('/admin/reports'), '/admin/reports');
      assertSignIn(await (await bannedAgent(t.app)).get('/admin/reports'));
      for (const who of [reporter, owner]) assert.equal((await who.get('/admin/reports')).status, 403);
    });

    it('fails with an unknown or repeated filter (400)', async () => {
      for (const q of ['kind=user', 'kind=VIDEO', 'reason=SPAM', 'reason=__proto__', 'reason=hasOwnProperty', `reason=${'x'.repeat(5000)}`, 'kind=video&kind=comment', 'reason=spam&reason=hate']) {
        assert.equal((await moderator.get(`/admin/reports?${q}`)).status, 400, q.slice(0, 40));
      }
    });

    it('reads a malformed cursor as the first page (200)', async () => {
      for (const after of ['x', '0-1-1-1', '10-1-1-1', '9-1-1', '9-1-1-0', '9-1-99999999999999999999-1', '%00']) assert.equal((await moderator.get(`/admin/reports?after=${after}`)).status, 200, after);
    });

    it('succeeds with correct parameters', async () => {
      for (const q of ['', '?kind=video', '?reason=spam', '?kind=comment&reason=hate', '?kind=&reason=', '?after=9-1-1-1']) assert.equal((await moderator.get(`/admin/reports${q}`)).status, 200, q);
    });
  });
});
