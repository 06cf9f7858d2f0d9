// Attack covered: bad parameters on playlists (my playlists, creating, the playlist page,
// editing, deleting, removing, moving and placing items): signed-out and banned requests, forged posts,
// unknown and malformed playlist and video ids, someone else's playlist, a private playlist by
// a stranger, Watch later renamed or deleted, empty, oversized and control-character details,
// unknown privacies and directions, missing, doubled, malformed or self neighbours to place by, malformed page cursors. Each gets its exact status, never a
// 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { findOrCreateWatchLater, insertPlaylist, type PlaylistPrivacy } from '../../src/db/playlists.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
const BAD_DETAILS: Record<string, string>[] = [
  {}, { title: '' }, { title: '   ' }, { title: 'x'.repeat(151) }, { title: 'bell\u0007' }, { title: 'two\nlines' },
  { title: 'Ok', description: 'd'.repeat(5001) }, { title: 'Ok', description: 'escape\u001b' }, { title: 'Ok', privacy: 'secret' }, { title: 'Ok', privacy: 'PUBLIC' },
];

describe('check params: playlists', () => {
  const t = useCheckedApp();
  let owner: User;
  let agent: Agent;
  let stranger: Agent;
  let video: { id: number; publicId: string };

  async function playlist(privacy: PlaylistPrivacy = 'public'): Promise<{ id: number; publicId: string }> {
    const made = await insertPlaylist(testPool(), owner.id, { title: 'Checked list', description: '', privacy }, 1000);
    if (made === 'limit') throw new Error('limit');
    const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
    await addVideoToPlaylist(testPool(), owner.id, Number(rows[0].id), video, 5000);
    return { id: Number(rows[0].id), publicId: made.publicId };
  }

  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
    stranger = await signedInAgent(t.app, await createUser());
    video = await createVideo(owner, { title: 'Listed by check-params' });
  });

  describe('GET /playlists and POST /playlists', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await supertest(t.app).get('/playlists'), '/playlists');
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      for (const who of [visitor, banned]) assertSignIn(await withoutWrites(() => postForm(who, '/playlists', { title: 'Nope' })));
    });

    it('fails without a CSRF token', async () => {
      assert.equal((await withoutWrites(() => agent.post('/playlists').type('form').send({ title: 'No token' }))).status, 403);
    });

    it('fails with missing, empty, oversized or control-character details, or an unknown privacy (422)', async () => {
      for (const form of BAD_DETAILS) assert.equal((await withoutWrites(() => postForm(agent, '/playlists', form))).status, 422, JSON.stringify(form).slice(0, 40));
    });

    it('succeeds with correct parameters (200, 303)', async () => {
      assert.equal((await agent.get('/playlists')).status, 200);
      assert.equal((await postForm(agent, '/playlists', { title: 'A fine list', description: 'Yes', privacy: 'unlisted' })).status, 303);
    });
  });

  describe('GET /playlist/:id', () => {
    it('fails with an unknown or malformed id, or a private playlist of someone else (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await supertest(t.app).get(`/playlist/${id}`)).status, 404, id);
      const hidden = await playlist('private');
      assert.equal((await stranger.get(`/playlist/${hidden.publicId}`)).status, 404);
      assert.equal((await supertest(t.app).get(`/playlist/${hidden.publicId}`)).status, 404);
    });

    it('fails with a malformed page cursor (400)', async () => {
      const shown = await playlist();
      for (const after of ['x', '_1', '1_', '1.5_2', '9'.repeat(17) + '_1', '1_9999999', '%00']) assert.equal((await supertest(t.app).get(`/playlist/${shown.publicId}?after=${after}`)).status, 400, after);
      assert.equal((await supertest(t.app).get(`/playlist/${shown.publicId}?after=1&after=2`)).status, 400);
    });

    it('succeeds with correct parameters (200)', async () => {
      const shown = await playlist('unlisted');
      assert.equal((await supertest(t.app).get(`/playlist/${shown.publicId}`)).status, 200);
      assert.equal((await supertest(t.app).get(`/playlist/${shown.publicId}?after=1048576_100`)).status, 200);
    });
  });

  describe('GET /playlist/:id/edit, POST /playlist/:id/edit and POST /playlist/:id/delete', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      const target = await playlist();
      assertSignIn(await supertest(t.app).get(`/playlist/${target.publicId}/edit`));
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      for (const who of [visitor, banned]) {
        assertSignIn(await withoutWrites(() => postForm(who, `/playlist/${target.publicId}/edit`, { title: 'Nope' })));
        assertSignIn(await withoutWrites(() => postForm(who, `/playlist/${target.publicId}/delete`)));
      }
    });

    it('fails with an unknown or malformed id, or a private playlist of someone else (404)', async () => {
      const hidden = await playlist('private');
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, hidden.publicId]) {
        assert.equal((await stranger.get(`/playlist/${id}/edit`)).status, 404, id);
        assert.equal((await withoutWrites(() => postForm(stranger, `/playlist/${id}/edit`, { title: 'Mine now' }))).status, 404, id);
        assert.equal((await withoutWrites(() => postForm(stranger, `/playlist/${id}/delete`))).status, 404, id);
      }
    });

    it("fails on someone else's public playlist, and on Watch later (403)", async () => {
      const target = await playlist();
      assert.equal((await withoutWrites(() => postForm(stranger, `/playlist/${target.publicId}/edit`, { title: 'Mine now' }))).status, 403);
      assert.equal((await withoutWrites(() => postForm(stranger, `/playlist/${target.publicId}/delete`))).status, 403);
      const watchLater = await findOrCreateWatchLater(testPool(), owner.id);
      assert.equal((await agent.get(`/playlist/${watchLater.publicId}/edit`)).status, 403);
      assert.equal((await withoutWrites(() => postForm(agent, `/playlist/${watchLater.publicId}/edit`, { title: 'Renamed' }))).status, 403);
      assert.equal((await withoutWrites(() => postForm(agent, `/playlist/${watchLater.publicId}/delete`))).status, 403);
    });

    it('fails with bad details (422)', async () => {
      const target = await playlist();
      for (const form of BAD_DETAILS) assert.equal((await withoutWrites(() => postForm(agent, `/playlist/${target.publicId}/edit`, form))).status, 422, JSON.stringify(form).slice(0, 40));
    });

    it('succeeds with correct parameters (200, 303)', async () => {
      const target = await playlist();
      assert.equal((await agent.get(`/playlist/${target.publicId}/edit`)).status, 200);
      assert.equal((await postForm(agent, `/playlist/${target.publicId}/edit`, { title: 'Renamed', privacy: 'public' })).status, 303);
      assert.equal((await postForm(agent, `/playlist/${target.publicId}/delete`)).status, 303);
    });
  });

  describe('POST /playlist/:id/items/:videoId/remove, POST /playlist/:id/items/:videoId/move and POST /playlist/:id/items/:videoId/place', () => {
    const actions = [['remove', {}], ['move', { to: 'top' }], ['place', { after: 'BBBBBBBBBBB' }]] as const;

    it('fails with a non-authenticated user or a banned account', async () => {
      const target = await playlist();
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      for (const who of [visitor, banned]) {
        for (const [action, form] of actions) assertSignIn(await withoutWrites(() => postForm(who, `/playlist/${target.publicId}/items/${video.publicId}/${action}`, form)));
      }
    });

    it('fails without a CSRF token', async () => {
      const target = await playlist();
      for (const [action, form] of actions) assert.equal((await withoutWrites(() => agent.post(`/playlist/${target.publicId}/items/${video.publicId}/${action}`).type('form').send(form))).status, 403);
    });

    it('fails with an unknown or malformed playlist id, a private playlist of someone else, or a video not in it (404)', async () => {
      const hidden = await playlist('private');
      const target = await playlist();
      for (const [action, form] of actions) {
        for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, hidden.publicId]) assert.equal((await withoutWrites(() => postForm(stranger, `/playlist/${id}/items/${video.publicId}/${action}`, form))).status, 404, id);
        for (const videoId of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(() => postForm(agent, `/playlist/${target.publicId}/items/${videoId}/${action}`, form))).status, 404, videoId);
      }
    });

    it("fails on someone else's playlist (403)", async () => {
      const target = await playlist();
      for (const [action, form] of actions) assert.equal((await withoutWrites(() => postForm(stranger, `/playlist/${target.publicId}/items/${video.publicId}/${action}`, form))).status, 403);
    });

    it('fails with a missing or unknown direction (400)', async () => {
      const target = await playlist();
      for (const form of [{}, { to: '' }, { to: 'sideways' }, { to: 'TOP' }] as Record<string, string>[]) assert.equal((await withoutWrites(() => postForm(agent, `/playlist/${target.publicId}/items/${video.publicId}/move`, form))).status, 400, JSON.stringify(form));
      const repeated = { to: ['up', 'down'] } as unknown as Record<string, string>;
      assert.equal((await withoutWrites(() => postForm(agent, `/playlist/${target.publicId}/items/${video.publicId}/move`, repeated))).status, 400, 'to=up&to=down');
    });

    it('fails with no neighbour, two, a malformed one or the item itself to place it by (400), and a neighbour not in the playlist (409)', async () => {
      const target = await playlist();
      const url = `/playlist/${target.publicId}/items/${video.publicId}/place`;
      for (const form of [{}, { before: '' }, { before: UNKNOWN_ID, after: UNKNOWN_ID }, { before: video.publicId }, { after: video.publicId }, ...MALFORMED_IDS.map((id) => ({ before: id })), { after: 'x'.repeat(5000) }] as Record<string, string>[]) {
        assert.equal((await withoutWrites(() => postForm(agent, url, form))).status, 400, JSON.stringify(form).slice(0, 60));
      }
      const repeated = { before: [UNKNOWN_ID, UNKNOWN_ID] } as unknown as Record<string, string>;
      assert.equal((await withoutWrites(() => postForm(agent, url, repeated))).status, 400, 'before=…&before=…');
      assert.equal((await withoutWrites(() => postForm(agent, url, { before: UNKNOWN_ID }))).status, 409);
    });

    it('succeeds with correct parameters (303)', async () => {
      const target = await playlist();
      const other = await createVideo(owner);
      await addVideoToPlaylist(testPool(), owner.id, target.id, other, 5000);
      assert.equal((await postForm(agent, `/playlist/${target.publicId}/items/${video.publicId}/place`, { after: other.publicId })).status, 303);
      assert.equal((await postForm(agent, `/playlist/${target.publicId}/items/${video.publicId}/move`, { to: 'bottom' })).status, 303);
      assert.equal((await postForm(agent, `/playlist/${target.publicId}/items/${video.publicId}/remove`)).status, 303);
    });
  });
});
