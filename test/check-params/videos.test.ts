// Attack covered: bad parameters on uploading and managing videos (upload, watch, retry, studio,
// delete): signed-out and banned requests, forged posts, wrong and malformed ids, another
// person's video, missing, malformed and oversized fields and files. Each gets its exact
// status, never a 500, and writes nothing; a private video is 404 to others, never 403.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { fixture } from '../helpers/fixtures.js';

type User = Awaited<ReturnType<typeof createUser>>;
const UPLOAD_TITLE = 'Uploaded by check-params';
const microVideo = () => fixture('micro-h264', { width: 96, height: 96, seconds: 1, codec: 'h264', audio: false });

describe('check params: videos', () => {
  const t = useCheckedApp();
  let owner: User;
  let ownerAgent: Agent;
  let stranger: Agent;
  let moderator: Agent;

  before(async () => {
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    stranger = await signedInAgent(t.app, await createUser());
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
  });

  after(async () => {
    // Jobs queued by the uploads and the retry find their video gone and stop.
    await testPool().query('DELETE FROM videos WHERE title = $1 OR owner_id = $2', [UPLOAD_TITLE, owner.id]);
  });

  describe('GET /upload', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await supertest(t.app).get('/upload'), '/upload');
      assertSignIn(await (await bannedAgent(t.app)).get('/upload'), '/upload');
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await ownerAgent.get('/upload')).status, 200);
    });
  });

  describe('POST /upload', () => {
    const fields = (overrides: Record<string, string> = {}) => ({ title: UPLOAD_TITLE, description: '', tags: 'one, two', visibility: 'public', ...overrides });
    async function upload(agent: Agent, form: Record<string, string>, file: { content: Buffer | string; name: string } | null, withToken = true) {
      const token = withToken ? await tokenOf(agent, '/upload') : null;
      let req = agent.post(token ? `/upload?_csrf=${encodeURIComponent(token)}` : '/upload');
      for (const [name, value] of Object.entries(form)) req = req.field(name, value);
      return file ? req.attach('file', file.content, file.name) : req;
    }
    const video = async () => ({ content: await microVideo(), name: 'clip.mp4' });

    // Refused before the body is read: a small body, so that the answer is not lost to a closed
    // connection (EPIPE) while a larger one is still being sent.
    const unread = { content: Buffer.from('unread'), name: 'clip.mp4' };

    it('fails with a non-authenticated user', async () => {
      const visitor = await anonymousAgent(t.app);
      assertSignIn(await withoutWrites(() => upload(visitor, fields(), unread)));
    });

    it('fails with a banned account', async () => {
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => upload(banned, fields(), unread)));
    });

    it('fails without a CSRF token', async () => {
      assert.equal((await withoutWrites(() => upload(ownerAgent, fields(), unread, false))).status, 403);
    });

    it('fails with a missing file', async () => {
      assert.equal((await withoutWrites(() => upload(ownerAgent, fields(), null))).status, 422);
    });

    it('fails with a file that is not a video', async () => {
      assert.equal((await withoutWrites(() => upload(ownerAgent, fields(), { content: Buffer.from('just some text, not a video'), name: 'clip.mp4' }))).status, 422);
    });

    it('fails with a malformed field', async () => {
      for (const bad of <Record<string, string>[]>[{ visibility: 'secret' }, { title: 'two\tparts' }, { tags: 'ok, bell\u0007' }]) {
        assert.equal((await withoutWrites(async () => upload(ownerAgent, fields(bad), await video()))).status, 422, JSON.stringify(bad));
      }
    });

    it('fails with an oversized field', async () => {
      const manyTags = Array.from({ length: 21 }, (_, i) => `tag${i}`).join(', ');
      for (const big of <Record<string, string>[]>[{ title: 't'.repeat(101) }, { description: 'd'.repeat(5001) }, { tags: manyTags }, { tags: 'x'.repeat(31) }]) {
        assert.equal((await withoutWrites(async () => upload(ownerAgent, fields(big), await video()))).status, 422, Object.keys(big)[0]);
      }
    });

    it('fails with a malformed multipart body (400)', async () => {
      const token = await tokenOf(ownerAgent, '/upload');
      const url = `/upload?_csrf=${encodeURIComponent(token)}`;
      const wrong: string[] = [];
      const answers = {
        'a NUL byte in the file name': await withoutWrites(async () => ownerAgent.post(url).field('title', UPLOAD_TITLE).attach('file', await microVideo(), 'clip\u0000.mp4')),
        'parts without the boundary': await withoutWrites(() => ownerAgent.post(url).set('Content-Type', 'multipart/form-data; boundary=abc').send('not multipart at all')),
        'a body cut short': await withoutWrites(() => ownerAgent.post(url).set('Content-Type', 'multipart/form-data; boundary=abc').send('--abc\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\nxx')),
      };
      for (const [label, res] of Object.entries(answers)) if (res.status !== 400) wrong.push(`${label}: ${res.status}`);
      assert.deepEqual(wrong, [], 'each is 400');
    });

    describe('with a 10 kB limit (MAX_UPLOAD_BYTES)', () => {
      const small = useCheckedApp({ MAX_UPLOAD_BYTES: '10000' });

      it('fails with an oversized file (413)', async () => {
        const mine = await signedInAgent(small.app, await createUser());
        const token = await tokenOf(mine, '/upload');
        const res = await withoutWrites(() => mine.post(`/upload?_csrf=${encodeURIComponent(token)}`).field('title', UPLOAD_TITLE).attach('file', Buffer.alloc(64 * 1024, 1), 'big.mp4'));
        assert.equal(res.status, 413);
      });
    });

    it('succeeds with correct parameters', async () => {
      const res = await upload(ownerAgent, fields(), await video());
      assert.equal(res.status, 303);
      assert.match(String(res.headers.location), /^\/watch\/[A-Za-z0-9_-]{11}$/);
    });
  });

  describe('GET /watch/:id', () => {
    it('fails with an unknown id', async () => {
      assert.equal((await supertest(t.app).get(`/watch/${UNKNOWN_ID}`)).status, 404);
    });

    it('fails with a malformed id', async () => {
      for (const id of MALFORMED_IDS) assert.equal((await supertest(t.app).get(`/watch/${id}`)).status, 404, id);
    });

    it("fails with someone else's private video (404, not 403)", async () => {
      const hidden = await createVideo(owner, { visibility: 'private' });
      assert.equal((await supertest(t.app).get(`/watch/${hidden.publicId}`)).status, 404);
      assert.equal((await stranger.get(`/watch/${hidden.publicId}`)).status, 404);
      assert.equal((await ownerAgent.get(`/watch/${hidden.publicId}`)).status, 200);
    });

    it('fails with a comment sort or cursor that is not one of ours (400)', async () => {
      const video = await createVideo(owner);
      for (const query of ['?sort=best', '?sort=', '?sort=top&sort=newest', '?after=garbage', '?sort=newest&after=1_2_3', '?sort=top&after=42', `?after=${'9'.repeat(5000)}`]) {
        assert.equal((await supertest(t.app).get(`/watch/${video.publicId}${query}`)).status, 400, query.slice(0, 40));
      }
    });

    it('succeeds with correct parameters, and odd query parameters are ignored', async () => {
      const video = await createVideo(owner);
      for (const query of ['', '?t=1m5s', '?t=-5', '?t=99999999999999999999', '?quality=abc', '?quality[]=1&t[]=2']) {
        assert.equal((await supertest(t.app).get(`/watch/${video.publicId}${query}`)).status, 200, query);
      }
    });
  });

  describe('POST /watch/:id/retry', () => {
    const failed = () => createVideo(owner, { status: 'failed' });

    it('fails with a non-authenticated user or a banned account', async () => {
      const video = await failed();
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => postForm(visitor, `/watch/${video.publicId}/retry`)));
      assertSignIn(await withoutWrites(() => postForm(banned, `/watch/${video.publicId}/retry`)));
    });

    it('fails without a CSRF token', async () => {
      const video = await failed();
      assert.equal((await withoutWrites(() => ownerAgent.post(`/watch/${video.publicId}/retry`).type('form').send({}))).status, 403);
    });

    it('fails with an unknown or a malformed id', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(() => postForm(ownerAgent, `/watch/${id}/retry`))).status, 404, id);
    });

    it("fails with someone else's video: 404 to a stranger, 403 to a moderator", async () => {
      const video = await failed();
      assert.equal((await withoutWrites(() => postForm(stranger, `/watch/${video.publicId}/retry`))).status, 404);
      assert.equal((await withoutWrites(() => postForm(moderator, `/watch/${video.publicId}/retry`))).status, 403);
    });

    it('succeeds with correct parameters', async () => {
      const video = await failed();
      assert.equal((await postForm(ownerAgent, `/watch/${video.publicId}/retry`)).status, 303);
      assert.notEqual((await testPool().query('SELECT status FROM videos WHERE id = $1', [video.id])).rows[0].status, 'failed');
    });
  });

  describe('GET /studio', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await supertest(t.app).get('/studio'), '/studio');
      assertSignIn(await (await bannedAgent(t.app)).get('/studio'), '/studio');
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await ownerAgent.get('/studio')).status, 200);
    });
  });

  describe('POST /studio/videos/:id/delete', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      const video = await createVideo(owner);
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => postForm(visitor, `/studio/videos/${video.publicId}/delete`)));
      assertSignIn(await withoutWrites(() => postForm(banned, `/studio/videos/${video.publicId}/delete`)));
    });

    it('fails without a CSRF token', async () => {
      const video = await createVideo(owner);
      assert.equal((await withoutWrites(() => ownerAgent.post(`/studio/videos/${video.publicId}/delete`).type('form').send({}))).status, 403);
    });

    it('fails with an unknown or a malformed id', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(() => postForm(ownerAgent, `/studio/videos/${id}/delete`))).status, 404, id);
    });

    it("fails with someone else's video: 403 when it is public, 404 when it is private", async () => {
      const open = await createVideo(owner);
      const hidden = await createVideo(owner, { visibility: 'private' });
      assert.equal((await withoutWrites(() => postForm(stranger, `/studio/videos/${open.publicId}/delete`))).status, 403);
      assert.equal((await withoutWrites(() => postForm(stranger, `/studio/videos/${hidden.publicId}/delete`))).status, 404);
    });

    it('succeeds with correct parameters', async () => {
      const video = await createVideo(owner);
      assert.equal((await postForm(ownerAgent, `/studio/videos/${video.publicId}/delete`)).status, 303);
      assert.equal((await testPool().query('SELECT 1 FROM videos WHERE id = $1', [video.id])).rowCount, 0);
    });

    it("succeeds for a moderator and an admin, on anyone's video, private ones too", async () => {
      const admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
      for (const [who, agent] of [['moderator', moderator], ['admin', admin]] as const) {
        const video = await createVideo(owner, { visibility: 'private' });
        assert.equal((await postForm(agent, `/studio/videos/${video.publicId}/delete`)).status, 303, who);
        assert.equal((await testPool().query('SELECT 1 FROM videos WHERE id = $1', [video.id])).rowCount, 0, who);
      }
    });
  });
});
