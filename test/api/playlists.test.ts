import assert from 'node:assert/strict';
import supertest from 'supertest';
import { findOrCreateWatchLater } from '../../src/db/playlists.js';
import { useTestApp } from '../helpers/app.js';
import { assertProblem, bearer, createToken, documented } from '../helpers/api.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

describe('API: playlists', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let me: User;
  let token: string;
  const api = () => supertest(t.app);

  before(async () => {
    me = await createUser();
    token = await createToken(me, ['playlists:write', 'videos:read']);
  });

  /** The video ids of the playlist's items in order, through the API. */
  async function order(id: string): Promise<string[]> {
    const res = documented(await api().get(`/api/v1/playlists/${id}`).set(bearer(token)));
    assert.equal(res.status, 200);
    return res.body.items.map((i: { videoId: string }) => i.videoId);
  }

  describe('POST /api/v1/playlists and its items', () => {
    it('creates, adds, moves, removes and deletes, the order checked at each step', async () => {
      const created = documented(await api().post('/api/v1/playlists').set(bearer(token)).send({ title: 'Made by the API', description: 'Some', privacy: 'unlisted' }));
      assert.equal(created.status, 201);
      assert.equal(created.body.title, 'Made by the API');
      assert.equal(created.body.privacy, 'unlisted');
      assert.equal(created.body.kind, 'normal');
      assert.equal(created.headers.location, new URL(`/api/v1/playlists/${created.body.id}`, t.config.publicUrl).href);
      const id = created.body.id as string;
      const owner = await createUser();
      const [a, b, c] = [await createVideo(owner, { title: 'A' }), await createVideo(owner, { title: 'B' }), await createVideo(owner, { title: 'C' })];
      for (const [v, title] of [[a, 'A'], [b, 'B'], [c, 'C']] as const) {
        const added = documented(await api().post(`/api/v1/playlists/${id}/items`).set(bearer(token)).send({ video: v.publicId }));
        assert.equal(added.status, 201);
        assert.equal(added.body.video.title, title);
      }
      assert.equal(documented(await api().post(`/api/v1/playlists/${id}/items`).set(bearer(token)).send({ video: a.publicId })).status, 200, 'already there');
      assert.deepEqual(await order(id), [a.publicId, b.publicId, c.publicId]);

      const moved = documented(await api().post(`/api/v1/playlists/${id}/items/${c.publicId}/move`).set(bearer(token)).send({ before: a.publicId }));
      assert.equal(moved.status, 200);
      assert.deepEqual(moved.body, { videoId: c.publicId, moved: true, previous: null, next: a.publicId });
      assert.deepEqual(await order(id), [c.publicId, a.publicId, b.publicId]);
      documented(await api().post(`/api/v1/playlists/${id}/items/${c.publicId}/move`).set(bearer(token)).send({ to: 'bottom' }));
      assert.deepEqual(await order(id), [a.publicId, b.publicId, c.publicId]);

      assert.equal(documented(await api().delete(`/api/v1/playlists/${id}/items/${b.publicId}`).set(bearer(token))).status, 204);
      assert.deepEqual(await order(id), [a.publicId, c.publicId]);
      assertProblem(documented(await api().delete(`/api/v1/playlists/${id}/items/${b.publicId}`).set(bearer(token))), 404);

      const edited = documented(await api().patch(`/api/v1/playlists/${id}`).set(bearer(token)).send({ title: 'Renamed' }));
      assert.equal(edited.status, 200);
      assert.equal(edited.body.title, 'Renamed');
      assert.equal(edited.body.description, 'Some', 'a field left out keeps its value');
      assert.equal(edited.body.privacy, 'unlisted');
      assert.equal(edited.body.itemCount, 2);

      assert.equal(documented(await api().delete(`/api/v1/playlists/${id}`).set(bearer(token))).status, 204);
      assertProblem(documented(await api().get(`/api/v1/playlists/${id}`).set(bearer(token))), 404);
    });

    it('answers 409 when the neighbour to place next to is not in the playlist', async () => {
      const id = documented(await api().post('/api/v1/playlists').set(bearer(token)).send({ title: 'Neighbours' })).body.id;
      const v = await createVideo(me);
      const other = await createVideo(me);
      documented(await api().post(`/api/v1/playlists/${id}/items`).set(bearer(token)).send({ video: v.publicId }));
      assertProblem(documented(await api().post(`/api/v1/playlists/${id}/items/${v.publicId}/move`).set(bearer(token)).send({ after: other.publicId })), 409);
    });

    it('keeps Watch later: its items change, it is never renamed or deleted (403)', async () => {
      const later = await findOrCreateWatchLater(testPool(), me.id);
      const v = await createVideo(await createUser());
      assert.equal(documented(await api().post(`/api/v1/playlists/${later.publicId}/items`).set(bearer(token)).send({ video: v.publicId })).status, 201);
      assertProblem(documented(await api().patch(`/api/v1/playlists/${later.publicId}`).set(bearer(token)).send({ title: 'Mine now' })), 403);
      assertProblem(documented(await api().delete(`/api/v1/playlists/${later.publicId}`).set(bearer(token))), 403);
      const res = documented(await api().get(`/api/v1/playlists/${later.publicId}`).set(bearer(token)));
      assert.equal(res.body.kind, 'watch_later');
      assert.equal(res.body.privacy, 'private');
    });
  });

  describe('GET /api/v1/playlists/:id', () => {
    it('hides another\'s private playlist (404) and shows a hidden video as unavailable (null), following pages to the end', async () => {
      const other = await createUser();
      const otherToken = await createToken(other, ['playlists:write', 'videos:read']);
      const privateOne = documented(await api().post('/api/v1/playlists').set(bearer(otherToken)).send({ title: 'Secret', privacy: 'private' })).body.id;
      assertProblem(documented(await api().get(`/api/v1/playlists/${privateOne}`).set(bearer(token))), 404);
      assertProblem(documented(await api().get(`/api/v1/playlists/${privateOne}`)), 404);

      const id = documented(await api().post('/api/v1/playlists').set(bearer(otherToken)).send({ title: 'Public list', privacy: 'public' })).body.id;
      const videos = [];
      for (let i = 0; i < 5; i += 1) videos.push(await createVideo(other, { title: `Item ${i}` }));
      for (const v of videos) documented(await api().post(`/api/v1/playlists/${id}/items`).set(bearer(otherToken)).send({ video: v.publicId }));
      await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [videos[2]!.id]);
      const seen: { videoId: string | null; video: { title: string } | null }[] = [];
      let next: string | null = `/api/v1/playlists/${id}?limit=2`;
      while (next) {
        const res = documented(await api().get(next.replace(t.config.publicUrl.origin, '')));
        assert.equal(res.status, 200);
        assert.equal(res.body.title, 'Public list');
        seen.push(...res.body.items);
        next = res.body.next;
      }
      assert.deepEqual(seen.map((i) => i.videoId), videos.map((v, i) => (i === 2 ? null : v.publicId)), 'an unavailable video\'s id is not named to others: it would be its link once unlisted');
      assert.equal(seen[2]!.video, null, 'a private video is unavailable to others');
      assert.equal(seen[1]!.video!.title, 'Item 1');
      const asOwner = documented(await api().get(`/api/v1/playlists/${id}`).set(bearer(otherToken)));
      assert.equal(asOwner.body.items[2].video.title, 'Item 2', 'its owner sees it');
      assert.equal(asOwner.body.items[2].videoId, videos[2]!.publicId);
    });
  });

  describe('GET /api/v1/channels/:handle/playlists', () => {
    it('lists a channel\'s public playlists only, last updated first, page by page', async () => {
      const channel = await createUser();
      const channelToken = await createToken(channel, ['playlists:write']);
      const made: string[] = [];
      for (const [title, privacy] of [['P1', 'public'], ['U', 'unlisted'], ['P2', 'public'], ['X', 'private'], ['P3', 'public']]) {
        made.push(documented(await api().post('/api/v1/playlists').set(bearer(channelToken)).send({ title, privacy })).body.id);
      }
      const seen: string[] = [];
      let next: string | null = `/api/v1/channels/${channel.handle.toUpperCase()}/playlists?limit=2`;
      while (next) {
        const res = documented(await api().get(next.replace(t.config.publicUrl.origin, '')));
        assert.equal(res.status, 200);
        seen.push(...res.body.items.map((p: { title: string }) => p.title));
        next = res.body.next;
      }
      assert.deepEqual(seen, ['P3', 'P2', 'P1']);
    });
  });
});

describe('API: playlists and the page cache', () => {
  const t = useTestApp({ PAGE_CACHE_SECONDS: '60' });

  it('a playlist made private through the API is no longer served from the signed-out pages kept', async () => {
    const me = await createUser();
    const token = await createToken(me, ['playlists:write']);
    const id = documented(await supertest(t.app).post('/api/v1/playlists').set(bearer(token)).send({ title: 'Soon private', privacy: 'public' })).body.id;
    assert.equal((await supertest(t.app).get(`/playlist/${id}`)).status, 200);
    assert.equal((await supertest(t.app).get(`/playlist/${id}`)).headers.age !== undefined, true, 'kept');
    assert.equal(documented(await supertest(t.app).patch(`/api/v1/playlists/${id}`).set(bearer(token)).send({ privacy: 'private' })).status, 200);
    assert.equal((await supertest(t.app).get(`/playlist/${id}`)).status, 404);
  });
});
