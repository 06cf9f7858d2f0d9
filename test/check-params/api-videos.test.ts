// Attack covered: bad parameters on the videos and channels of the JSON API (issue 15, item 2):
// no, wrong, revoked-by-ban or under-scoped tokens, someone else's video, malformed ids and
// handles, bad pages, refused fields and bodies. Each gets its exact status in problem details,
// never a 500, and a refused change leaves the video as it was.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent } from '../helpers/agent.js';
import { assertProblem, bearer, createToken, documented } from '../helpers/api.js';
import { MALFORMED_IDS, UNKNOWN_ID, useCheckedApp } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo, deleteUser } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

const BAD_LIMITS = ['0', '101', 'abc', '1.5', '-1', ''];
const BAD_CURSORS = ['!!', 'x'.repeat(201), 'short', 'a b'];

/** A refusal of `status` the document describes, with `field` named in its errors when given. */
function refused(res: supertest.Response, status: number, field?: string): void {
  documented(res);
  assertProblem(res, status);
  if (field) assert.ok(res.body.errors?.[field], `errors.${field} in ${res.text}`);
}

async function videoRow(id: number) {
  const { rows } = await testPool().query('SELECT title, description, tags, visibility, category FROM videos WHERE id = $1', [id]);
  return rows[0] ?? null;
}

describe('check params: api videos', () => {
  const t = useCheckedApp();
  let owner: User;
  let stranger: User;
  let moderator: User;
  let video: { id: number; publicId: string };
  let hidden: { id: number; publicId: string };
  let ownerRead: string;
  let ownerWrite: string;
  let strangerAll: string;
  let moderatorAll: string;

  before(async () => {
    owner = await createUser();
    stranger = await createUser();
    moderator = await createUser({ roles: ['moderator'] });
    video = await createVideo(owner, { title: 'Checked through the API' });
    hidden = await createVideo(owner, { title: 'Private, checked through the API', visibility: 'private' });
    ownerRead = await createToken(owner, ['videos:read']);
    ownerWrite = await createToken(owner, ['videos:write']);
    strangerAll = await createToken(stranger);
    moderatorAll = await createToken(moderator);
  });

  /** The token of a new account, then banned. */
  async function bannedToken(scopes: Parameters<typeof createToken>[1] = undefined): Promise<{ user: User; secret: string }> {
    const user = await createUser();
    const secret = await createToken(user, scopes);
    await banUser(user);
    return { user, secret };
  }

  /** The checks every listing gets: scope, tokens, limit and cursor. */
  function pagingChecks(url: () => string) {
    it('fails with a token without videos:read (403), and with a banned account\'s token (401)', async () => {
      refused(await supertest(t.app).get(url()).set(bearer(await createToken(owner, ['account:read']))), 403);
      refused(await supertest(t.app).get(url()).set(bearer((await bannedToken()).secret)), 401);
      refused(await supertest(t.app).get(url()).set('Authorization', `Bearer tst_${'A'.repeat(43)}`), 401);
    });

    it('fails with a bad limit or cursor (422, naming it)', async () => {
      const join = url().includes('?') ? '&' : '?';
      for (const limit of BAD_LIMITS) refused(await supertest(t.app).get(`${url()}${join}limit=${encodeURIComponent(limit)}`).set(bearer(ownerRead)), 422, 'limit');
      for (const cursor of BAD_CURSORS) refused(await supertest(t.app).get(`${url()}${join}cursor=${encodeURIComponent(cursor)}`).set(bearer(ownerRead)), 422, 'cursor');
    });
  }

  describe('GET /api/v1/videos', () => {
    pagingChecks(() => '/api/v1/videos');

    it('answers anonymous readers, and a private video\'s id as a cursor reads as the first page', async () => {
      const first = documented(await supertest(t.app).get('/api/v1/videos?limit=1'));
      assert.equal(first.status, 200);
      const withHidden = documented(await supertest(t.app).get(`/api/v1/videos?limit=1&cursor=${hidden.publicId}`));
      assert.deepEqual(withHidden.body.items, first.body.items, 'the answer never tells the private id exists');
    });
  });

  describe('GET /api/v1/search/videos', () => {
    pagingChecks(() => '/api/v1/search/videos?q=checked');

    it('fails without a query, with an empty or oversized one, or one given twice (422 under q)', async () => {
      for (const query of ['', '?q=', '?q=%20%20', `?q=${'a'.repeat(201)}`, '?q=a&q=b']) {
        refused(await supertest(t.app).get(`/api/v1/search/videos${query}`), 422, 'q');
      }
      documented(await supertest(t.app).get(`/api/v1/search/videos?q=${'a'.repeat(200)}`)).ok || assert.fail('200 characters are allowed');
    });

    it('fails with an unknown order or filter (422, naming it)', async () => {
      refused(await supertest(t.app).get('/api/v1/search/videos?q=checked&sort=best'), 422, 'sort');
      refused(await supertest(t.app).get('/api/v1/search/videos?q=checked&duration=forever'), 422, 'duration');
      refused(await supertest(t.app).get('/api/v1/search/videos?q=checked&uploaded=century'), 422, 'uploaded');
    });

    it('fails with a cursor past the search\'s depth, and ends the last page there', async () => {
      refused(await supertest(t.app).get('/api/v1/search/videos?q=checked&cursor=1000'), 422, 'cursor');
      refused(await supertest(t.app).get(`/api/v1/search/videos?q=checked&cursor=${video.publicId}`), 422, 'cursor');
      const last = documented(await supertest(t.app).get('/api/v1/search/videos?q=checked&cursor=990&limit=50'));
      assert.equal(last.status, 200);
      assert.equal(last.body.next, null);
    });

    describe('with the search page\'s limit per address', () => {
      const limited = useCheckedApp({ SEARCHES_PER_MINUTE: '2' });

      it('fails past the limit (429 with Retry-After), as the page does', async () => {
        let res: supertest.Response | null = null;
        for (let i = 0; i < 5; i += 1) {
          res = await supertest(limited.app).get(`/api/v1/search/videos?q=limit${i}`);
          if (res.status === 429) break;
        }
        refused(res!, 429);
        assert.ok(res!.headers['retry-after']);
      });
    });
  });

  describe('PATCH /api/v1/videos/:id', () => {
    const patch = (id: string, secret: string | null, body: object | string = { title: 'Changed' }) => {
      const req = supertest(t.app).patch(`/api/v1/videos/${id}`);
      return secret ? req.set(bearer(secret)).send(body) : req.send(body);
    };

    afterEach(async () => {
      const row = await videoRow(video.id);
      assert.equal(row.title, 'Checked through the API', 'a refused change changes nothing');
    });

    it('fails without a token, and with the session cookie alone (401)', async () => {
      refused(await patch(video.publicId, null), 401);
      const agent = await signedInAgent(t.app, owner);
      refused(await agent.patch(`/api/v1/videos/${video.publicId}`).send({ title: 'Changed' }), 401);
    });

    it('fails with a token without videos:write (403) and a banned owner\'s token (401)', async () => {
      refused(await patch(video.publicId, ownerRead), 403);
      const banned = await bannedToken();
      const own = await createVideo(banned.user);
      refused(await patch(own.publicId, banned.secret), 401);
    });

    it('fails on someone else\'s video, public or private, for moderators too (404, as the studio)', async () => {
      for (const secret of [strangerAll, moderatorAll]) {
        refused(await patch(video.publicId, secret), 404);
        refused(await patch(hidden.publicId, secret), 404);
      }
    });

    it('fails with an unknown or malformed id (404)', async () => {
      refused(await patch(UNKNOWN_ID, ownerWrite), 404);
      for (const id of MALFORMED_IDS) refused(await patch(id, ownerWrite), 404);
    });

    it('fails with refused fields (422, each named under errors)', async () => {
      refused(await patch(video.publicId, ownerWrite, { title: 'x'.repeat(101) }), 422, 'title');
      refused(await patch(video.publicId, ownerWrite, { title: '' }), 422, 'title');
      refused(await patch(video.publicId, ownerWrite, { title: 'Two\nlines' }), 422, 'title');
      refused(await patch(video.publicId, ownerWrite, { title: 42 }), 422, 'title');
      refused(await patch(video.publicId, ownerWrite, { description: 'x'.repeat(5001) }), 422, 'description');
      refused(await patch(video.publicId, ownerWrite, { tags: [1, 2] }), 422, 'tags');
      refused(await patch(video.publicId, ownerWrite, { tags: Array.from({ length: 31 }, (_, i) => `tag${i}`) }), 422, 'tags');
      refused(await patch(video.publicId, ownerWrite, { visibility: 'everyone' }), 422, 'visibility');
      refused(await patch(video.publicId, ownerWrite, { category: 'nonsense' }), 422, 'category');
      refused(await patch(video.publicId, ownerWrite, { language: 'xx-nowhere' }), 422, 'language');
      refused(await patch(video.publicId, ownerWrite, { visibility: 'scheduled' }), 422, 'publishDate');
      refused(await patch(video.publicId, ownerWrite, { visibility: 'scheduled', publishDate: '2000-01-01', publishTime: '10:00' }), 422, 'publishDate');
      refused(await patch(video.publicId, ownerWrite, { title: 'Changed', visibility: 'everyone' }), 422, 'visibility');
    });

    it('fails with a body of another type (415), unreadable JSON or not an object (400), or too large (413)', async () => {
      refused(await supertest(t.app).patch(`/api/v1/videos/${video.publicId}`).set(bearer(ownerWrite)).type('text/plain').send('title=Changed'), 415);
      refused(await supertest(t.app).patch(`/api/v1/videos/${video.publicId}`).set(bearer(ownerWrite)).type('json').send('{"title":'), 400);
      refused(await supertest(t.app).patch(`/api/v1/videos/${video.publicId}`).set(bearer(ownerWrite)).type('json').send('["title"]'), 400);
      refused(await patch(video.publicId, ownerWrite, { description: 'x'.repeat(300 * 1024) }), 413);
      refused(await supertest(t.app).patch(`/api/v1/videos/${video.publicId}`).set(bearer(ownerWrite)).field('title', 'Changed'), 415);
    });
  });

  describe('DELETE /api/v1/videos/:id', () => {
    const remove = (id: string, secret: string | null) => {
      const req = supertest(t.app).delete(`/api/v1/videos/${id}`);
      return secret ? req.set(bearer(secret)) : req;
    };

    it('fails without a token, with the session cookie alone (401), or without videos:write (403)', async () => {
      refused(await remove(video.publicId, null), 401);
      const agent = await signedInAgent(t.app, owner);
      refused(await agent.delete(`/api/v1/videos/${video.publicId}`), 401);
      refused(await remove(video.publicId, ownerRead), 403);
      assert.ok(await videoRow(video.id), 'still there');
    });

    it('fails for a banned owner\'s token (401), and keeps the video', async () => {
      const banned = await bannedToken();
      const own = await createVideo(banned.user);
      refused(await remove(own.publicId, banned.secret), 401);
      assert.ok(await videoRow(own.id));
    });

    it('fails on a stranger\'s public video (403) and private one (404), as the page', async () => {
      refused(await remove(video.publicId, strangerAll), 403);
      refused(await remove(hidden.publicId, strangerAll), 404);
      assert.ok(await videoRow(video.id) && await videoRow(hidden.id));
    });

    it('fails with an unknown or malformed id (404)', async () => {
      refused(await remove(UNKNOWN_ID, ownerWrite), 404);
      for (const id of MALFORMED_IDS) refused(await remove(id, ownerWrite), 404);
    });

    it('succeeds for the owner (204), and for a moderator who may remove any video, then 404', async () => {
      const mine = await createVideo(owner);
      documented(await remove(mine.publicId, ownerWrite)).status === 204 || assert.fail('the owner deletes');
      refused(await remove(mine.publicId, ownerWrite), 404);
      const other = await createVideo(owner);
      assert.equal(documented(await remove(other.publicId, moderatorAll)).status, 204);
      assert.equal(await videoRow(other.id), null);
    });
  });

  describe('GET /api/v1/me/videos', () => {
    pagingChecks(() => '/api/v1/me/videos');

    it('fails without a token or session (401)', async () => {
      const res = await supertest(t.app).get('/api/v1/me/videos');
      refused(res, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    });

    it('fails with a filter or order the studio list refuses (422, naming it)', async () => {
      const get = (query: string) => supertest(t.app).get(`/api/v1/me/videos?${query}`).set(bearer(ownerRead));
      refused(await get('sort=best'), 422, 'sort');
      refused(await get('visibility=everyone'), 422, 'visibility');
      refused(await get('state=gone'), 422, 'state');
      refused(await get(`q=${'a'.repeat(101)}`), 422, 'q');
      refused(await get('q=a&q=b'), 422, 'q');
      refused(await get('sort=best&state=gone'), 422, 'state');
    });

    it('fails with a cursor that is not one of mine (422), whether it exists or not', async () => {
      const strangers = await createVideo(stranger);
      for (const cursor of [strangers.publicId, UNKNOWN_ID]) refused(await supertest(t.app).get(`/api/v1/me/videos?cursor=${cursor}`).set(bearer(ownerRead)), 422, 'cursor');
    });
  });

  describe('GET /api/v1/channels/:handle', () => {
    it('fails with an unknown or malformed handle, and a banned or deleted channel (404)', async () => {
      const banned = await createUser();
      await banUser(banned);
      const deleted = await createUser();
      await deleteUser(deleted);
      for (const handle of ['nobody-here-at-all', 'x'.repeat(31), 'bad%20handle', '%00', banned.handle, deleted.handle]) {
        refused(await supertest(t.app).get(`/api/v1/channels/${handle}`), 404);
      }
    });

    it('fails with a token without videos:read (403), and a banned account\'s token (401)', async () => {
      refused(await supertest(t.app).get(`/api/v1/channels/${owner.handle}`).set(bearer(await createToken(owner, ['account:read']))), 403);
      refused(await supertest(t.app).get(`/api/v1/channels/${owner.handle}`).set(bearer((await bannedToken()).secret)), 401);
    });
  });

  describe('GET /api/v1/channels/:handle/videos', () => {
    pagingChecks(() => `/api/v1/channels/${owner.handle}/videos`);

    it('fails for an unknown, malformed, banned or deleted channel (404)', async () => {
      const banned = await createUser();
      await createVideo(banned);
      await banUser(banned);
      for (const handle of ['nobody-here-at-all', 'x'.repeat(31), '%00', banned.handle]) {
        refused(await supertest(t.app).get(`/api/v1/channels/${handle}/videos`), 404);
      }
    });

    it('fails with an unknown order (422)', async () => {
      refused(await supertest(t.app).get(`/api/v1/channels/${owner.handle}/videos?sort=oldest`), 422, 'sort');
    });
  });
});
