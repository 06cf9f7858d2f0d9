// Attack covered: bad parameters on the API's playlist routes: no token, a token without the
// scope, a banned owner's token, strangers and moderators changing another's playlist, another's
// private playlist, Watch later renamed or deleted, malformed and unknown ids, empty and oversized
// details, a body of another type, bad pages. Each gets its exact status as problem details, never
// a 500, and a refused change writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { findOrCreateWatchLater, findPlaylistByPublicId, insertPlaylist, type PlaylistPrivacy } from '../../src/db/playlists.js';
import { signedInAgent } from '../helpers/agent.js';
import { assertProblem, bearer, createToken, documented } from '../helpers/api.js';
import { MALFORMED_IDS, UNKNOWN_ID, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

describe('check params: api playlists', function () {
  this.timeout(60_000);
  const t = useCheckedApp({ PLAYLISTS_PER_ACCOUNT: '3', PLAYLIST_MAX_ITEMS: '2' });
  let owner: User;
  let video: Video;
  let second: Video;
  let ownerToken: string;
  let readOnly: string;
  let strangerToken: string;
  let moderatorToken: string;
  let bannedOwnerToken: string;
  let bannedPlaylist: string;
  let playlist: string;
  let privatePlaylist: string;
  let watchLater: string;
  const api = () => supertest(t.app);

  async function made(ownerId: number, privacy: PlaylistPrivacy, videos: Video[] = []): Promise<string> {
    const created = await insertPlaylist(testPool(), ownerId, { title: `Checked ${privacy}`, description: '', privacy }, 1000);
    assert.ok(created !== 'limit');
    const row = (await findPlaylistByPublicId(testPool(), created.publicId))!;
    for (const v of videos) await addVideoToPlaylist(testPool(), ownerId, row.id, v, 5000);
    return created.publicId;
  }

  before(async () => {
    owner = await createUser();
    video = await createVideo(owner);
    second = await createVideo(owner);
    ownerToken = await createToken(owner, ['playlists:write', 'videos:read']);
    readOnly = await createToken(owner, ['videos:read']);
    strangerToken = await createToken(await createUser(), ['playlists:write', 'videos:read']);
    moderatorToken = await createToken(await createUser({ roles: ['user', 'moderator'] }), ['playlists:write', 'videos:read']);
    playlist = await made(owner.id, 'public', [video, second]);
    privatePlaylist = await made(owner.id, 'private', [video]);
    watchLater = (await findOrCreateWatchLater(testPool(), owner.id)).publicId;
    const banned = await createUser();
    bannedOwnerToken = await createToken(banned);
    bannedPlaylist = await made(banned.id, 'public');
    await banUser(banned);
  });

  /** A change as `secret` (null: no Authorization header). */
  function change(method: 'post' | 'patch' | 'delete', path: string, secret: string | null, body?: object) {
    let req = api()[method](`/api/v1${path}`);
    if (secret) req = req.set(bearer(secret));
    return body ? req.send(body) : req;
  }

  /** The refusals every change shares: nobody, the session alone, a banned owner (401), no scope (403), a stranger and a moderator (403 or, for another's private playlist, 404). */
  async function refusesTheWrongCallers(method: 'post' | 'patch' | 'delete', path: string, body?: object) {
    const agent = await signedInAgent(t.app, owner);
    await withoutWrites(async () => {
      assertProblem(documented(await change(method, path, null, body)), 401);
      assertProblem(documented(await agent[method](`/api/v1${path}`).send(body ?? {})), 401);
      const scope = documented(await change(method, path, readOnly, body));
      assertProblem(scope, 403);
      assert.match(String(scope.headers['www-authenticate']), /insufficient_scope/);
      assertProblem(documented(await change(method, path, strangerToken, body)), 403);
      assertProblem(documented(await change(method, path, moderatorToken, body)), 403);
      assertProblem(documented(await change(method, path.replace(playlist, privatePlaylist), strangerToken, body)), 404);
      assertProblem(documented(await change(method, path.replace(playlist, bannedPlaylist), bannedOwnerToken, body)), 401);
    });
  }

  describe('POST /api/v1/playlists', () => {
    it('fails without a token, with the session alone or a banned account\'s token (401), without playlists:write (403); nothing written', async () => {
      const agent = await signedInAgent(t.app, owner);
      await withoutWrites(async () => {
        assertProblem(documented(await change('post', '/playlists', null, { title: 'x' })), 401);
        assertProblem(documented(await agent.post('/api/v1/playlists').send({ title: 'x' })), 401);
        assertProblem(documented(await change('post', '/playlists', bannedOwnerToken, { title: 'x' })), 401);
        assertProblem(documented(await change('post', '/playlists', readOnly, { title: 'x' })), 403);
      });
    });

    it('fails with a missing, blank, oversized or multi-line title, an oversized description, an unknown privacy (422 errors.<field>); nothing written', async () => {
      const cases: [object, string][] = [
        [{}, 'title'], [{ title: '  ' }, 'title'], [{ title: 'x'.repeat(151) }, 'title'], [{ title: 'a\nb' }, 'title'], [{ title: 7 }, 'title'],
        [{ title: 'ok', description: 'x'.repeat(5001) }, 'description'], [{ title: 'ok', privacy: 'secret' }, 'privacy'],
      ];
      await withoutWrites(async () => {
        for (const [body, name] of cases) {
          const res = documented(await change('post', '/playlists', ownerToken, body));
          assertProblem(res, 422);
          assert.ok(res.body.errors[name], `${JSON.stringify(body).slice(0, 40)}: errors.${name}`);
        }
      });
    });

    it('fails with another content type (415) and past the most playlists an account keeps (422); nothing written', async () => {
      await withoutWrites(async () => {
        assertProblem(documented(await api().post('/api/v1/playlists').set(bearer(ownerToken)).set('Content-Type', 'text/xml').send('<title>x</title>')), 415);
      });
      const full = await createUser();
      const fullToken = await createToken(full, ['playlists:write']);
      for (let i = 0; i < 3; i += 1) assert.equal(documented(await change('post', '/playlists', fullToken, { title: `n${i}` })).status, 201);
      await withoutWrites(async () => {
        const res = documented(await change('post', '/playlists', fullToken, { title: 'one more' }));
        assertProblem(res, 422);
        assert.match(res.body.errors.title, /the most an account may/);
      });
    });
  });

  describe('GET /api/v1/playlists/:id', () => {
    it('fails with an unknown or malformed id, another\'s private playlist or a banned owner\'s (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, privatePlaylist, bannedPlaylist]) assertProblem(documented(await api().get(`/api/v1/playlists/${id}`).set(bearer(strangerToken))), 404);
      assertProblem(documented(await api().get(`/api/v1/playlists/${privatePlaylist}`).set(bearer(moderatorToken))), 404);
    });

    it('fails with a bad limit or cursor (422) and a token without videos:read (403)', async () => {
      for (const query of ['limit=0', 'limit=many', 'cursor=1_2', 'cursor=abc', `cursor=${'9'.repeat(17)}`]) assertProblem(documented(await api().get(`/api/v1/playlists/${playlist}?${query}`)), 422);
      assertProblem(documented(await api().get(`/api/v1/playlists/${playlist}`).set(bearer(await createToken(owner, ['playlists:write'])))), 403);
    });

    it('succeeds for anyone on a public playlist, and for its owner on a private one', async () => {
      assert.equal(documented(await api().get(`/api/v1/playlists/${playlist}`)).status, 200);
      assert.equal(documented(await api().get(`/api/v1/playlists/${privatePlaylist}`).set(bearer(readOnly))).status, 200);
    });
  });

  describe('PATCH /api/v1/playlists/:id', () => {
    it('fails for the wrong callers (401, 403, 404); nothing written', () => refusesTheWrongCallers('patch', `/playlists/${playlist}`, { title: 'Taken over' }));

    it('fails on Watch later (403), an unknown or malformed id (404), bad details (422); nothing written', async () => {
      await withoutWrites(async () => {
        assertProblem(documented(await change('patch', `/playlists/${watchLater}`, ownerToken, { title: 'Renamed' })), 403);
        for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assertProblem(documented(await change('patch', `/playlists/${id}`, ownerToken, { title: 'x' })), 404);
        for (const body of [{ title: '' }, { privacy: 'everyone' }, { description: 'x'.repeat(5001) }]) assertProblem(documented(await change('patch', `/playlists/${playlist}`, ownerToken, body)), 422);
        assertProblem(documented(await api().patch(`/api/v1/playlists/${playlist}`).set(bearer(ownerToken)).set('Content-Type', 'text/plain').send('title=x')), 415);
      });
    });
  });

  describe('DELETE /api/v1/playlists/:id', () => {
    it('fails for the wrong callers (401, 403, 404); nothing written', () => refusesTheWrongCallers('delete', `/playlists/${playlist}`));

    it('fails on Watch later (403) and an unknown or malformed id (404); succeeds for the owner (204)', async () => {
      await withoutWrites(async () => {
        assertProblem(documented(await change('delete', `/playlists/${watchLater}`, ownerToken)), 403);
        for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assertProblem(documented(await change('delete', `/playlists/${id}`, ownerToken)), 404);
      });
      assert.equal(documented(await change('delete', `/playlists/${await made(owner.id, 'public')}`, ownerToken)).status, 204);
    });
  });

  describe('POST /api/v1/playlists/:id/items', () => {
    it('fails for the wrong callers (401, 403, 404); nothing written', () => refusesTheWrongCallers('post', `/playlists/${playlist}/items`, { video: video.publicId }));

    it('fails with a missing, malformed, unknown or another\'s private video (422 errors.video), and on a full playlist (422); nothing written', async () => {
      const hidden = await createVideo(await createUser(), { visibility: 'private' });
      const roomy = await made(owner.id, 'unlisted');
      const third = await createVideo(owner);
      await withoutWrites(async () => {
        for (const body of [{}, { video: '' }, { video: 5 }, { video: 'short' }, { video: UNKNOWN_ID }, { video: hidden.publicId }]) {
          const res = documented(await change('post', `/playlists/${roomy}/items`, ownerToken, body));
          assertProblem(res, 422);
          assert.ok(res.body.errors.video, JSON.stringify(body));
        }
        const res = documented(await change('post', `/playlists/${playlist}/items`, ownerToken, { video: third.publicId }));
        assertProblem(res, 422);
        assert.match(res.body.errors.video, /the most a playlist may/);
      });
    });

    it('succeeds on the owner\'s Watch later (201)', async () => {
      assert.equal(documented(await change('post', `/playlists/${watchLater}/items`, ownerToken, { video: video.publicId })).status, 201);
    });
  });

  describe('DELETE /api/v1/playlists/:id/items/:videoId', () => {
    it('fails for the wrong callers (401, 403, 404); nothing written', () => refusesTheWrongCallers('delete', `/playlists/${playlist}/items/${video.publicId}`));

    it('fails with an item not in the playlist, or a malformed video id (404); nothing written', async () => {
      await withoutWrites(async () => {
        for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assertProblem(documented(await change('delete', `/playlists/${playlist}/items/${id}`, ownerToken)), 404);
      });
    });
  });

  describe('POST /api/v1/playlists/:id/items/:videoId/move', () => {
    it('fails for the wrong callers (401, 403, 404); nothing written', () => refusesTheWrongCallers('post', `/playlists/${playlist}/items/${video.publicId}/move`, { to: 'bottom' }));

    it('fails with no destination, two, an unknown move, itself or a malformed id (422); an item not there (404); nothing written', async () => {
      const path = `/playlists/${playlist}/items/${video.publicId}/move`;
      await withoutWrites(async () => {
        for (const body of [{}, { to: 'sideways' }, { before: second.publicId, after: second.publicId }, { before: video.publicId }, { before: 'short' }, { to: 3 }]) {
          const res = documented(await change('post', path, ownerToken, body));
          assertProblem(res, 422);
          assert.ok(res.body.errors.to || res.body.errors.before, JSON.stringify(body));
        }
        for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assertProblem(documented(await change('post', `/playlists/${playlist}/items/${id}/move`, ownerToken, { to: 'top' })), 404);
      });
    });

    it('succeeds for the owner, already there being no error (200)', async () => {
      const res = documented(await change('post', `/playlists/${playlist}/items/${video.publicId}/move`, ownerToken, { to: 'top' }));
      assert.equal(res.status, 200);
    });
  });

  describe('GET /api/v1/channels/:handle/playlists', () => {
    it('fails with an unknown, malformed or banned channel (404), a bad limit or cursor (422), a token without videos:read (403)', async () => {
      for (const handle of ['nobody-here-at-all', 'a b', '%00', 'x'.repeat(31)]) assertProblem(documented(await api().get(`/api/v1/channels/${handle}/playlists`)), 404);
      for (const query of ['limit=-1', 'cursor=short', 'cursor=%2F']) assertProblem(documented(await api().get(`/api/v1/channels/${owner.handle}/playlists?${query}`)), 422);
      assertProblem(documented(await api().get(`/api/v1/channels/${owner.handle}/playlists`).set(bearer(await createToken(owner, ['account:read'])))), 403);
    });

    it('succeeds for anyone, another\'s unknown cursor giving the first page', async () => {
      const res = documented(await api().get(`/api/v1/channels/${owner.handle}/playlists?cursor=${UNKNOWN_ID}`));
      assert.equal(res.status, 200);
      assert.ok(res.body.items.every((p: { privacy: string }) => p.privacy === 'public'));
    });
  });
});
