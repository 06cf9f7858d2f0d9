// Attack covered: bad parameters on the API's comment routes: no token, a token without the
// scope, a banned account's token, strangers deleting, malformed and unknown ids, empty and
// oversized bodies, a body of another type, bad pages. Each gets its exact status as problem
// details, never a 500, and a refused change writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertComment } from '../../src/db/comments.js';
import { signedInAgent } from '../helpers/agent.js';
import { assertProblem, bearer, createToken, documented } from '../helpers/api.js';
import { MALFORMED_IDS, UNKNOWN_ID, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

const MALFORMED_COMMENT_IDS = ['0', '-1', 'abc', '1.5', '9'.repeat(17), '%00'];

describe('check params: api comments', function () {
  this.timeout(60_000);
  const t = useCheckedApp();
  let owner: User;
  let author: User;
  let video: Video;
  let privateVideo: Video;
  let commentId: number;
  let writer: string;
  let reader: string;
  const api = () => supertest(t.app);

  before(async () => {
    owner = await createUser();
    author = await createUser();
    video = await createVideo(owner);
    privateVideo = await createVideo(owner, { visibility: 'private' });
    commentId = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'A comment to poke at', parent: null }))!.id;
    writer = await createToken(author, ['comments:write']);
    reader = await createToken(author, ['videos:read']);
  });

  /** A banned account's token: refused as the holder is suspended. */
  async function bannedToken(): Promise<string> {
    const user = await createUser();
    const secret = await createToken(user);
    await banUser(user);
    return secret;
  }

  describe('GET /api/v1/videos/:id/comments', () => {
    it('reads without a token, and with a session; refuses a token without videos:read (403) and a banned account\'s (401)', async () => {
      assert.equal(documented(await api().get(`/api/v1/videos/${video.publicId}/comments`)).status, 200);
      assert.equal(documented(await (await signedInAgent(t.app, author)).get(`/api/v1/videos/${video.publicId}/comments`)).status, 200);
      assertProblem(documented(await api().get(`/api/v1/videos/${video.publicId}/comments`).set(bearer(writer))), 403);
      assertProblem(documented(await api().get(`/api/v1/videos/${video.publicId}/comments`).set(bearer(await bannedToken()))), 401);
    });

    it('fails with an unknown, malformed or private video (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, privateVideo.publicId]) assertProblem(documented(await api().get(`/api/v1/videos/${id}/comments`).set(bearer(reader))), 404);
    });

    it('fails with a bad limit or cursor (422, naming the field)', async () => {
      for (const query of ['limit=0', 'limit=101', 'limit=x', 'cursor=abc', 'cursor=-1', 'cursor=' + '1'.repeat(20), 'cursor=%20']) {
        const res = documented(await api().get(`/api/v1/videos/${video.publicId}/comments?${query}`));
        assertProblem(res, 422);
        assert.ok(res.body.errors.limit || res.body.errors.cursor, query);
      }
    });
  });

  describe('GET /api/v1/comments/:id and /api/v1/comments/:id/replies', () => {
    it('fail with an unknown or malformed id, a comment of a private video, or a held one of someone else (404)', async () => {
      const hidden = (await insertComment(testPool(), { videoId: privateVideo.id, authorId: owner.id, body: 'On a private video', parent: null }))!.id;
      const held = (await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'Held', parent: null, held: true }))!.id;
      for (const id of [String(99_999_999), ...MALFORMED_COMMENT_IDS, String(hidden), String(held)]) {
        assertProblem(documented(await api().get(`/api/v1/comments/${id}`).set(bearer(reader))), 404);
        assertProblem(documented(await api().get(`/api/v1/comments/${id}/replies`).set(bearer(reader))), 404);
      }
    });

    it('answers replies of a reply with 404, and bad pages with 422', async () => {
      const root = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Root', parent: null }))!.id;
      const { rows } = await testPool().query('SELECT id FROM comments WHERE id = $1', [root]);
      const reply = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Reply', parent: { id: Number(rows[0].id), threadId: null, authorId: author.id, author: { handle: author.handle } } as never }))!.id;
      assertProblem(documented(await api().get(`/api/v1/comments/${reply}/replies`)), 404);
      assertProblem(documented(await api().get(`/api/v1/comments/${root}/replies?cursor=x`)), 422);
      assertProblem(documented(await api().get(`/api/v1/comments/${root}/replies?limit=1000`)), 422);
      assert.equal(documented(await api().get(`/api/v1/comments/${root}/replies?limit=1`)).status, 200);
      assertProblem(documented(await api().get(`/api/v1/comments/${commentId}`).set(bearer(writer))), 403);
    });
  });

  describe('POST /api/v1/videos/:id/comments', () => {
    const post = (id: string, secret: string | null, body: unknown = { body: 'Hello' }) => {
      const req = api().post(`/api/v1/videos/${id}/comments`);
      return (secret ? req.set(bearer(secret)) : req).send(body as object);
    };

    it('fails without a token, with the session cookie alone, or with a banned account\'s token (401); nothing written', async () => {
      const agent = await signedInAgent(t.app, author);
      const banned = await bannedToken();
      await withoutWrites(async () => {
        assertProblem(documented(await post(video.publicId, null)), 401);
        assertProblem(documented(await agent.post(`/api/v1/videos/${video.publicId}/comments`).send({ body: 'Hello' })), 401);
        assertProblem(documented(await post(video.publicId, banned)), 401);
      });
    });

    it('fails with a token without comments:write (403 insufficient_scope); nothing written', async () => {
      await withoutWrites(async () => {
        const res = documented(await post(video.publicId, reader));
        assertProblem(res, 403);
        assert.match(String(res.headers['www-authenticate']), /insufficient_scope/);
      });
    });

    it('fails on an unknown, malformed or another\'s private video (404), and on the owner\'s failed one (403: not ready); nothing written', async () => {
      const failed = await createVideo(owner, { status: 'failed' });
      const ownerWriter = await createToken(owner, ['comments:write']);
      await withoutWrites(async () => {
        for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, privateVideo.publicId, failed.publicId]) assertProblem(documented(await post(id, writer)), 404);
        assertProblem(documented(await post(failed.publicId, ownerWriter)), 403);
      });
    });

    it('fails with an empty, blank, missing, oversized or non-text body (422 errors.body); nothing written', async () => {
      await withoutWrites(async () => {
        for (const body of [{}, { body: '' }, { body: '   ' }, { body: 'x'.repeat(10_001) }, { body: 42 }, { body: ['a'] }, { body: 'bad \u0007 bell' }]) {
          const res = documented(await post(video.publicId, writer, body));
          assertProblem(res, 422);
          assert.ok(res.body.errors.body, JSON.stringify(body).slice(0, 40));
        }
      });
    });

    it('fails with a malformed parent (422 errors.parent) and an unknown or hidden one (404); nothing written', async () => {
      const other = await createVideo(owner);
      const elsewhere = (await insertComment(testPool(), { videoId: other.id, authorId: author.id, body: 'Elsewhere', parent: null }))!.id;
      await withoutWrites(async () => {
        for (const parent of ['x', '0', 5, { id: 1 }]) {
          const res = documented(await post(video.publicId, writer, { body: 'A reply', parent }));
          assertProblem(res, 422);
          assert.ok(res.body.errors.parent, String(parent));
        }
        for (const parent of ['99999999', String(elsewhere)]) assertProblem(documented(await post(video.publicId, writer, { body: 'A reply', parent })), 404);
      });
    });

    it('fails with a body of another type (415), a body that is not an object (400), or too large (413); nothing written', async () => {
      await withoutWrites(async () => {
        assertProblem(documented(await api().post(`/api/v1/videos/${video.publicId}/comments`).set(bearer(writer)).set('Content-Type', 'text/plain').send('body=Hello')), 415);
        assertProblem(documented(await api().post(`/api/v1/videos/${video.publicId}/comments`).set(bearer(writer)).set('Content-Type', 'application/json').send('["Hello"]')), 400);
        assertProblem(documented(await api().post(`/api/v1/videos/${video.publicId}/comments`).set(bearer(writer)).set('Content-Type', 'application/json').send('{"body": ')), 400);
        assertProblem(documented(await post(video.publicId, writer, { body: 'x'.repeat(300_000) })), 413);
      });
    });

    it('succeeds with correct parameters, as JSON or a form', async () => {
      assert.equal(documented(await post(video.publicId, writer, { body: 'As JSON' })).status, 201);
      assert.equal(documented(await api().post(`/api/v1/videos/${video.publicId}/comments`).set(bearer(writer)).type('form').send({ body: 'As a form', parent: String(commentId) })).status, 201);
    });
  });

  describe('DELETE /api/v1/comments/:id', () => {
    const remove = (id: string | number, secret: string | null) => {
      const req = api().delete(`/api/v1/comments/${id}`);
      return secret ? req.set(bearer(secret)) : req;
    };

    it('fails without a token, with a banned account\'s token (401), a token without comments:write (403); nothing written', async () => {
      const banned = await bannedToken();
      await withoutWrites(async () => {
        assertProblem(documented(await remove(commentId, null)), 401);
        assertProblem(documented(await remove(commentId, banned)), 401);
        assertProblem(documented(await remove(commentId, reader)), 403);
      });
    });

    it('fails for a stranger (403) and a moderator (403: removal with a reason is the moderators\' page); nothing written', async () => {
      const stranger = await createToken(await createUser(), ['comments:write']);
      const moderator = await createToken(await createUser({ roles: ['user', 'moderator'] }), ['comments:write']);
      await withoutWrites(async () => {
        assertProblem(documented(await remove(commentId, stranger)), 403);
        assertProblem(documented(await remove(commentId, moderator)), 403);
      });
    });

    it('fails with an unknown or malformed id, or a comment of another\'s private video (404); nothing written', async () => {
      const hidden = (await insertComment(testPool(), { videoId: privateVideo.id, authorId: owner.id, body: 'Private talk', parent: null }))!.id;
      await withoutWrites(async () => {
        for (const id of ['99999999', ...MALFORMED_COMMENT_IDS, String(hidden)]) assertProblem(documented(await remove(id, writer)), 404);
      });
    });

    it('succeeds for the author (204), and then the comment is gone (404)', async () => {
      const mine = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Mine to delete', parent: null }))!.id;
      assert.equal(documented(await remove(mine, writer)).status, 204);
      assertProblem(documented(await remove(mine, writer)), 404);
    });
  });
});
