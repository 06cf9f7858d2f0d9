import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertComment } from '../../src/db/comments.js';
import { changeSiteSettings, resetSiteSettings, useTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { assertProblem, bearer, createToken, documented } from '../helpers/api.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

describe('API: comments', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let author: User;
  let video: Video;
  let authorToken: string;

  before(async () => {
    owner = await createUser();
    author = await createUser();
    video = await createVideo(owner, { title: 'Commented through the API' });
    authorToken = await createToken(author, ['comments:write', 'videos:read']);
  });

  const post = (token: string, on: Video, body: Record<string, unknown>) => supertest(t.app).post(`/api/v1/videos/${on.publicId}/comments`).set(bearer(token)).send(body);

  describe('POST /api/v1/videos/:id/comments', () => {
    it('posts a comment that the watch page then shows, 201 with a Location', async () => {
      const res = documented(await post(authorToken, video, { body: 'Posted with a token <b>hi</b>' }));
      assert.equal(res.status, 201);
      assert.equal(res.body.body, 'Posted with a token <b>hi</b>');
      assert.equal(res.body.state, 'published');
      assert.equal(res.body.author.handle, author.handle);
      assert.equal(res.headers.location, new URL(`/api/v1/comments/${res.body.id}`, t.config.publicUrl).href);
      const page = await supertest(t.app).get(`/watch/${video.publicId}?sort=newest`);
      assert.match(page.text, /Posted with a token &lt;b&gt;hi&lt;\/b&gt;/);
      const one = documented(await supertest(t.app).get(`/api/v1/comments/${res.body.id}`));
      assert.equal(one.status, 200);
      assert.equal(one.body.id, res.body.id);
    });

    it('answers a resubmit with the first comment (200), not a second one', async () => {
      const first = documented(await post(authorToken, video, { body: 'Sent twice' }));
      const again = documented(await post(authorToken, video, { body: 'Sent twice' }));
      assert.equal(first.status, 201);
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
    });

    it('replies in a thread, counted on the root, and tells the person answered', async () => {
      const root = documented(await post(authorToken, video, { body: 'A root to answer' }));
      const replier = await createUser();
      const reply = documented(await post(await createToken(replier, ['comments:write']), video, { body: 'An answer', parent: root.body.id }));
      assert.equal(reply.status, 201);
      assert.equal(reply.body.parent, root.body.id);
      const replies = documented(await supertest(t.app).get(`/api/v1/comments/${root.body.id}/replies`));
      assert.deepEqual(replies.body.items.map((c: { id: string }) => c.id), [reply.body.id]);
      const roots = documented(await supertest(t.app).get(`/api/v1/videos/${video.publicId}/comments`));
      assert.equal(roots.body.items.find((c: { id: string }) => c.id === root.body.id).replyCount, 1);
      const told = await testPool().query(`SELECT kind FROM notifications WHERE user_id = $1 AND kind = 'comment_reply'`, [author.id]);
      assert.equal(told.rowCount, 1);
    });

    it('holds a comment with a watched word: its author and the creator see it, others do not', async () => {
      await changeSiteSettings(t, { watchedWords: ['apiscam'] });
      try {
        const res = documented(await post(authorToken, video, { body: 'this is an apiscam' }));
        assert.equal(res.status, 201);
        assert.equal(res.body.state, 'held');
        const row = await testPool().query('SELECT held, held_reason FROM comments WHERE id = $1', [res.body.id]);
        assert.deepEqual(row.rows[0], { held: true, held_reason: 'watched-word' });
        const ids = (r: supertest.Response) => r.body.items.map((c: { id: string }) => c.id);
        assert.ok(!ids(documented(await supertest(t.app).get(`/api/v1/videos/${video.publicId}/comments`))).includes(res.body.id), 'hidden from a stranger');
        assert.ok(ids(documented(await supertest(t.app).get(`/api/v1/videos/${video.publicId}/comments`).set(bearer(authorToken)))).includes(res.body.id), 'shown to its author');
        const ownerRead = await createToken(owner, ['videos:read']);
        assert.ok(ids(documented(await supertest(t.app).get(`/api/v1/videos/${video.publicId}/comments`).set(bearer(ownerRead)))).includes(res.body.id), 'shown to the creator');
        assertProblem(documented(await supertest(t.app).get(`/api/v1/comments/${res.body.id}`)), 404);
      } finally {
        await resetSiteSettings(t);
      }
    });

    it('refuses with 403 when the creator has turned comments off, and shows none then; deleting still works', async () => {
      const closed = await createVideo(owner);
      await testPool().query(`UPDATE videos SET comments_mode = 'off' WHERE id = $1`, [closed.id]);
      await insertComment(testPool(), { videoId: closed.id, authorId: author.id, body: 'Before it closed', parent: null });
      const res = documented(await post(authorToken, closed, { body: 'Closed?' }));
      assertProblem(res, 403);
      assert.match(res.body.detail, /turned off/);
      const listed = documented(await supertest(t.app).get(`/api/v1/videos/${closed.publicId}/comments`));
      assert.deepEqual(listed.body.items, []);
      const { rows } = await testPool().query('SELECT id FROM comments WHERE video_id = $1', [closed.id]);
      assertProblem(documented(await supertest(t.app).get(`/api/v1/comments/${rows[0].id}`)), 404);
      assert.equal(documented(await supertest(t.app).delete(`/api/v1/comments/${rows[0].id}`).set(bearer(authorToken))).status, 204, 'its author may still delete it');
    });

    it('tells the creator of a new comment, seen in their notifications through the API', async () => {
      const mine = await createVideo(owner, { title: 'Told of comments' });
      documented(await post(authorToken, mine, { body: 'Telling the creator' }));
      const ownerToken = await createToken(owner, ['notifications:read']);
      const res = documented(await supertest(t.app).get('/api/v1/me/notifications').set(bearer(ownerToken)));
      const told = res.body.items.find((n: { kind: string; video: string }) => n.kind === 'video_comment' && n.video === mine.publicId);
      assert.ok(told, JSON.stringify(res.body.items));
      assert.match(told.text, /commented on your video “Told of comments”/);
      assert.equal(told.quote, 'Telling the creator');
      assert.equal(told.read, false);
    });
  });

  describe('GET /api/v1/videos/:id/comments', () => {
    it('pages newest first to the end, each comment once, the pinned one first', async () => {
      const busy = await createVideo(owner);
      const ids: number[] = [];
      for (let i = 0; i < 7; i += 1) ids.push((await insertComment(testPool(), { videoId: busy.id, authorId: author.id, body: `Comment ${i}`, parent: null }))!.id);
      await testPool().query('UPDATE comments SET pinned_at = now() WHERE id = $1', [ids[0]]);
      const seen: string[] = [];
      let next: string | null = `/api/v1/videos/${busy.publicId}/comments?limit=3`;
      let pages = 0;
      while (next) {
        const res = documented(await supertest(t.app).get(next.replace(t.config.publicUrl.origin, '')));
        assert.equal(res.status, 200);
        if (pages === 0) assert.equal(res.body.items[0].pinned, true);
        seen.push(...res.body.items.map((c: { id: string }) => c.id));
        next = res.body.next;
        pages += 1;
      }
      assert.deepEqual(seen, [ids[0], ...ids.slice(1).reverse()].map(String));
      assert.equal(pages, 2);
    });
  });

  describe('DELETE /api/v1/comments/:id', () => {
    it('deletes the author\'s comment (204): gone from the watch page; a root with replies stays as a placeholder', async () => {
      const lone = documented(await post(authorToken, video, { body: 'Soon deleted' }));
      assert.equal(documented(await supertest(t.app).delete(`/api/v1/comments/${lone.body.id}`).set(bearer(authorToken))).status, 204);
      assert.equal((await testPool().query('SELECT 1 FROM comments WHERE id = $1', [lone.body.id])).rowCount, 0);
      assert.doesNotMatch((await supertest(t.app).get(`/watch/${video.publicId}?sort=newest`)).text, /Soon deleted/);

      const root = documented(await post(authorToken, video, { body: 'A root with a reply' }));
      documented(await post(await createToken(await createUser(), ['comments:write']), video, { body: 'Keeping it', parent: root.body.id }));
      const ownerToken = await createToken(owner, ['comments:write']);
      assert.equal(documented(await supertest(t.app).delete(`/api/v1/comments/${root.body.id}`).set(bearer(ownerToken))).status, 204, 'the creator deletes it');
      const kept = documented(await supertest(t.app).get(`/api/v1/comments/${root.body.id}`));
      assert.equal(kept.body.state, 'deleted');
      assert.equal(kept.body.body, null);
      assert.equal(kept.body.author, null);
    });

    it('refuses a stranger (403), deleting nothing', async () => {
      const res = documented(await post(authorToken, video, { body: 'Not yours' }));
      const stranger = await createToken(await createUser(), ['comments:write']);
      assertProblem(documented(await supertest(t.app).delete(`/api/v1/comments/${res.body.id}`).set(bearer(stranger))), 403);
      assert.equal((await testPool().query('SELECT 1 FROM comments WHERE id = $1', [res.body.id])).rowCount, 1);
    });

    it('is refused with the session cookie alone (401)', async () => {
      const res = documented(await post(authorToken, video, { body: 'Cookie delete' }));
      const agent = await signedInAgent(t.app, author);
      assertProblem(documented(await agent.delete(`/api/v1/comments/${res.body.id}`)), 401);
    });
  });
});

describe('API: comments, the per-account limits', () => {
  const t = useTestApp({ COMMENTS_PER_MINUTE: '2' });

  it('answers 429 with Retry-After past the per-minute limit, nothing written', async () => {
    const owner = await createUser();
    const video = await createVideo(owner);
    const token = await createToken(await createUser(), ['comments:write']);
    for (const body of ['one', 'two']) assert.equal(documented(await supertest(t.app).post(`/api/v1/videos/${video.publicId}/comments`).set(bearer(token)).send({ body })).status, 201);
    const res = documented(await supertest(t.app).post(`/api/v1/videos/${video.publicId}/comments`).set(bearer(token)).send({ body: 'three' }));
    assertProblem(res, 429);
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.equal((await testPool().query('SELECT count(*)::int AS n FROM comments WHERE video_id = $1', [video.id])).rows[0].n, 2);
  });
});
