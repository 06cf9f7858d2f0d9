import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { bearer, createToken, documented } from '../helpers/api.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

/** A word no other video holds, for searches and titles. */
const uniqueWord = () => `zq${crypto.randomBytes(5).toString('hex').replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}`;

/** Follows `next` from `first` to the end; every item's id, in order. */
async function allPages(app: Parameters<typeof supertest>[0], first: string, headers: Record<string, string> = {}): Promise<string[]> {
  const ids: string[] = [];
  let url: string | null = first;
  for (let pages = 0; url && pages < 50; pages += 1) {
    const res = documented(await supertest(app).get(url.replace(/^https?:\/\/[^/]+/, '')).set(headers));
    assert.equal(res.status, 200, res.text);
    ids.push(...res.body.items.map((item: { id: string }) => item.id));
    url = res.body.next;
  }
  assert.equal(url, null, 'the last page has no next');
  return ids;
}

describe('API v1: videos and channels', () => {
  const t = useTestApp();

  describe('GET /api/v1/videos', () => {
    it('lists the listed videos newest first, a page at a time, never a private or unlisted one', async () => {
      const owner = await createUser();
      // Published in the future: newer than anything else in the run, so the first pages are these.
      const at = (minutes: number) => new Date(Date.UTC(2200, 0, 1) + minutes * 60_000);
      const newest = await createVideo(owner, { publishedAt: at(3) });
      const middle = await createVideo(owner, { publishedAt: at(2) });
      const oldest = await createVideo(owner, { publishedAt: at(1) });
      const hidden = await createVideo(owner, { visibility: 'private' });
      const unlisted = await createVideo(owner, { visibility: 'unlisted' });
      const first = documented(await supertest(t.app).get('/api/v1/videos?limit=2'));
      assert.equal(first.status, 200);
      assert.deepEqual(first.body.items.map((v: { id: string }) => v.id), [newest.publicId, middle.publicId]);
      assert.match(first.body.next, /^http.*\/api\/v1\/videos\?limit=2&cursor=/);
      const second = documented(await supertest(t.app).get(new URL(first.body.next).pathname + new URL(first.body.next).search));
      assert.equal(second.body.items[0].id, oldest.publicId);
      const ids = await allPages(t.app, '/api/v1/videos?limit=100');
      assert.equal(new Set(ids).size, ids.length, 'no video twice');
      assert.ok(!ids.includes(hidden.publicId) && !ids.includes(unlisted.publicId), 'no private or unlisted video');
    });
  });

  describe('GET /api/v1/search/videos', () => {
    it('finds what the search page finds, and pages through all of it', async () => {
      const owner = await createUser();
      const word = uniqueWord();
      const made = [];
      for (let i = 0; i < 5; i += 1) made.push(await createVideo(owner, { title: `${word} number ${i}` }));
      await createVideo(owner, { title: `${word} private`, visibility: 'private' });
      const ids = await allPages(t.app, `/api/v1/search/videos?q=${word}&limit=2&sort=date`);
      assert.deepEqual([...ids].sort(), made.map((v) => v.publicId).sort());
      const page = await supertest(t.app).get(`/search?q=${word}`);
      for (const video of made) assert.ok(page.text.includes(video.publicId), 'the page finds it too');
    });
  });

  describe('GET /api/v1/me/videos', () => {
    it('lists my videos in every state to my token, and nobody else\'s', async () => {
      const me = await createUser();
      const other = await createUser();
      const mine = [
        await createVideo(me, { visibility: 'private' }),
        await createVideo(me, { status: 'failed' }),
        await createVideo(me, { visibility: 'scheduled' }),
        await createVideo(me),
      ];
      await createVideo(other);
      const secret = await createToken(me, ['videos:read']);
      const ids = await allPages(t.app, '/api/v1/me/videos?limit=3', bearer(secret));
      assert.deepEqual(ids, mine.map((v) => v.publicId).reverse(), 'newest upload first, each once');
      const oldest = await allPages(t.app, '/api/v1/me/videos?limit=3&sort=oldest', bearer(secret));
      assert.deepEqual(oldest, mine.map((v) => v.publicId), 'the studio\'s orders');
      const hidden = await allPages(t.app, '/api/v1/me/videos?visibility=private', bearer(secret));
      assert.deepEqual(hidden, [mine[0]!.publicId], 'the studio\'s filters');
      const failed = await allPages(t.app, '/api/v1/me/videos?state=failed', bearer(secret));
      assert.deepEqual(failed, [mine[1]!.publicId]);
    });

    it('answers a signed-in session too', async () => {
      const me = await createUser();
      const video = await createVideo(me, { visibility: 'private' });
      const agent = await signedInAgent(t.app, me);
      const res = documented(await agent.get('/api/v1/me/videos'));
      assert.deepEqual(res.body.items.map((v: { id: string }) => v.id), [video.publicId]);
    });
  });

  describe('private videos', () => {
    it('are seen by their owner\'s token with videos:read, and by nobody else', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { visibility: 'private', title: 'Only mine' });
      const mine = documented(await supertest(t.app).get(`/api/v1/videos/${video.publicId}`).set(bearer(await createToken(owner, ['videos:read']))));
      assert.equal(mine.status, 200);
      assert.equal(mine.body.visibility, 'private');
      const stranger = documented(await supertest(t.app).get(`/api/v1/videos/${video.publicId}`).set(bearer(await createToken(await createUser(), ['videos:read']))));
      assert.equal(stranger.status, 404);
      const listed = documented(await supertest(t.app).get(`/api/v1/channels/${owner.handle}/videos`).set(bearer(await createToken(owner, ['videos:read']))));
      assert.deepEqual(listed.body.items, [], 'the channel lists what its page lists, for its owner too');
    });
  });

  describe('GET /api/v1/channels/:handle and /api/v1/channels/:handle/videos', () => {
    it('shows the channel and pages through its listed videos, in either order', async () => {
      const owner = await createUser({ displayName: 'API channel' });
      const videos = [];
      for (let i = 0; i < 5; i += 1) videos.push(await createVideo(owner));
      await createVideo(owner, { visibility: 'unlisted' });
      await testPool().query('UPDATE videos SET view_count = $2 WHERE id = $1', [videos[0]!.id, 1000]);
      const channel = documented(await supertest(t.app).get(`/api/v1/channels/${owner.handle.toUpperCase()}`));
      assert.equal(channel.status, 200, 'any case, no redirect to the page');
      assert.equal(channel.body.handle, owner.handle);
      assert.equal(channel.body.displayName, 'API channel');
      const newest = await allPages(t.app, `/api/v1/channels/${owner.handle}/videos?limit=2`);
      assert.deepEqual(newest, videos.map((v) => v.publicId).reverse());
      const popular = await allPages(t.app, `/api/v1/channels/${owner.handle}/videos?limit=2&sort=popular`);
      assert.equal(popular[0], videos[0]!.publicId);
      assert.deepEqual([...popular].sort(), [...newest].sort());
    });
  });

  describe('PATCH /api/v1/videos/:id', () => {
    it('changes only the fields sent, as the studio saves them, and the watch page shows it', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { title: 'Before', description: 'Kept as it was', tags: ['old'] });
      const secret = await createToken(owner, ['videos:write']);
      const res = documented(await supertest(t.app).patch(`/api/v1/videos/${video.publicId}`).set(bearer(secret)).send({ title: 'After the API', tags: ['one', 'two'], category: 'music' }));
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.title, 'After the API');
      assert.equal(res.body.description, 'Kept as it was');
      assert.deepEqual(res.body.tags, ['one', 'two']);
      assert.equal(res.body.category, 'music');
      const watch = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.ok(watch.text.includes('After the API'));
      const { rows } = await testPool().query('SELECT editor_id, changes FROM video_edits WHERE video_id = $1', [video.id]);
      assert.equal(rows.length, 1, 'recorded as the studio records an edit');
      assert.equal(Number(rows[0].editor_id), owner.id);
      assert.deepEqual(Object.keys(rows[0].changes).sort(), ['category', 'tags', 'title']);
    });

    it('keeps a scheduled video\'s time when other fields change', async () => {
      const owner = await createUser();
      const publishAt = new Date(Math.ceil((Date.now() + 3 * 24 * 3600 * 1000) / 60_000) * 60_000);
      const video = await createVideo(owner, { visibility: 'scheduled', publishAt });
      const res = documented(await supertest(t.app).patch(`/api/v1/videos/${video.publicId}`).set(bearer(await createToken(owner, ['videos:write']))).send({ title: 'Still scheduled' }));
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.visibility, 'scheduled');
      const { rows } = await testPool().query('SELECT publish_at FROM videos WHERE id = $1', [video.id]);
      assert.equal(rows[0].publish_at.getTime(), publishAt.getTime());
    });

    it('reads a form body too, and a resubmitted change records nothing', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { title: 'Form before' });
      const secret = await createToken(owner, ['videos:write']);
      for (let i = 0; i < 2; i += 1) {
        const res = documented(await supertest(t.app).patch(`/api/v1/videos/${video.publicId}`).set(bearer(secret)).type('form').send({ title: 'Form after', visibility: 'unlisted' }));
        assert.equal(res.status, 200);
        assert.equal(res.body.visibility, 'unlisted');
      }
      const { rows } = await testPool().query('SELECT count(*)::int AS n FROM video_edits WHERE video_id = $1', [video.id]);
      assert.equal(rows[0].n, 1);
    });

    it('announces a video made public, as the studio does', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { visibility: 'private' });
      const res = documented(await supertest(t.app).patch(`/api/v1/videos/${video.publicId}`).set(bearer(await createToken(owner, ['videos:write']))).send({ visibility: 'public' }));
      assert.equal(res.status, 200);
      const { rows } = await testPool().query(`SELECT 1 FROM video_events WHERE video_id = $1 AND kind = 'published'`, [video.id]);
      assert.equal(rows.length, 1, 'the publication is recorded for the fan-out');
    });

    it('refuses an oversized title with the form\'s message under errors.title, changing nothing', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { title: 'Unchanged' });
      const res = documented(await supertest(t.app).patch(`/api/v1/videos/${video.publicId}`).set(bearer(await createToken(owner, ['videos:write']))).send({ title: 'x'.repeat(101), description: 'new' }));
      assert.equal(res.status, 422);
      assert.match(res.body.errors.title, /at most 100 characters/);
      const { rows } = await testPool().query('SELECT title, description FROM videos WHERE id = $1', [video.id]);
      assert.deepEqual(rows[0], { title: 'Unchanged', description: '' });
    });
  });

  describe('DELETE /api/v1/videos/:id', () => {
    it('deletes my video: gone from the API, the watch page and the listings', async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const secret = await createToken(owner, ['videos:write', 'videos:read']);
      const res = documented(await supertest(t.app).delete(`/api/v1/videos/${video.publicId}`).set(bearer(secret)));
      assert.equal(res.status, 204);
      assert.equal(documented(await supertest(t.app).get(`/api/v1/videos/${video.publicId}`).set(bearer(secret))).status, 404);
      assert.equal((await supertest(t.app).get(`/watch/${video.publicId}`)).status, 404);
      const mine = documented(await supertest(t.app).get('/api/v1/me/videos').set(bearer(secret)));
      assert.deepEqual(mine.body.items, []);
    });
  });

  describe('the page cache', () => {
    const cached = useTestApp({ PAGE_CACHE_SECONDS: '60' });

    it('drops the kept pages after a change through the API, as after one through a page', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { title: 'Kept before' });
      assert.ok((await supertest(cached.app).get(`/watch/${video.publicId}`)).text.includes('Kept before'));
      assert.ok((await supertest(cached.app).get(`/watch/${video.publicId}`)).headers.age !== undefined, 'the page is kept');
      const res = documented(await supertest(cached.app).patch(`/api/v1/videos/${video.publicId}`).set(bearer(await createToken(owner, ['videos:write']))).send({ title: 'Changed after' }));
      assert.equal(res.status, 200);
      assert.ok((await supertest(cached.app).get(`/watch/${video.publicId}`)).text.includes('Changed after'));
    });
  });
});
