// Attack covered: bad parameters on saving videos to playlists and on "Remove watched videos":
// signed-out and banned requests, forged posts, unknown and malformed video and playlist ids,
// someone else's private video, someone else's playlist (public or their Watch later), missing,
// repeated or unknown tick fields, bad details for a new playlist, and a playlist that is not
// Watch later. Each gets its exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { findOrCreateWatchLater, insertPlaylist } from '../../src/db/playlists.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
const BAD_DETAILS: Record<string, string>[] = [
  {}, { title: '' }, { title: '   ' }, { title: 'x'.repeat(151) }, { title: 'bell\u0007' }, { title: 'two\nlines' },
  { title: 'Ok', description: 'd'.repeat(5001) }, { title: 'Ok', privacy: 'secret' }, { title: 'Ok', privacy: 'PUBLIC' },
];

describe('check params: saving to playlists', () => {
  const t = useCheckedApp();
  let owner: User;
  let other: User;
  let agent: Agent;
  let video: { id: number; publicId: string };
  let privateOfOther: { id: number; publicId: string };
  let mine: { publicId: string };
  let theirs: { publicId: string };

  before(async () => {
    owner = await createUser();
    other = await createUser();
    agent = await signedInAgent(t.app, owner);
    video = await createVideo(other, { title: 'Saved by check-params' });
    privateOfOther = await createVideo(other, { visibility: 'private' });
    mine = await findOrCreateWatchLater(testPool(), owner.id);
    const made = await insertPlaylist(testPool(), other.id, { title: 'Theirs', description: '', privacy: 'public' }, 1000);
    if (made === 'limit') throw new Error('limit');
    theirs = made;
  });

  describe('GET /watch/:id/save', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await supertest(t.app).get(`/watch/${video.publicId}/save`), `/watch/${video.publicId}/save`);
      const banned = await bannedAgent(t.app);
      assertSignIn(await banned.get(`/watch/${video.publicId}/save`));
    });

    it('fails with an unknown or malformed video id, or a private video of someone else (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, privateOfOther.publicId]) assert.equal((await agent.get(`/watch/${id}/save`)).status, 404, id);
      assert.equal((await agent.get(`/watch/${privateOfOther.publicId}/save`).set('Accept', 'application/json')).status, 404);
    });

    it('succeeds with correct parameters (200)', async () => {
      assert.equal((await agent.get(`/watch/${video.publicId}/save`)).status, 200);
      assert.equal((await agent.get(`/watch/${video.publicId}/save`).set('Accept', 'application/json')).status, 200);
    });
  });

  describe('POST /watch/:id/save', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      for (const who of [visitor, banned]) assertSignIn(await withoutWrites(() => postForm(who, `/watch/${video.publicId}/save`, { playlist: mine.publicId, saved: 'true' })));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await withoutWrites(() => agent.post(`/watch/${video.publicId}/save`).type('form').send({ playlist: mine.publicId, saved: 'true' }))).status, 403);
    });

    it('fails with missing, repeated or unknown fields (400)', async () => {
      const forms = [{}, { playlist: mine.publicId }, { saved: 'true' }, { playlist: mine.publicId, saved: 'yes' }, { playlist: mine.publicId, saved: 'TRUE' },
        { playlist: [mine.publicId, theirs.publicId], saved: 'true' }, { playlist: mine.publicId, saved: ['true', 'false'] }] as unknown as Record<string, string>[];
      for (const form of forms) assert.equal((await withoutWrites(() => postForm(agent, `/watch/${video.publicId}/save`, form))).status, 400, JSON.stringify(form));
    });

    it("fails with an unknown or malformed playlist id, or someone else's playlist (404)", async () => {
      for (const playlist of [UNKNOWN_ID, 'short', 'x'.repeat(12), '../../etc', theirs.publicId]) {
        assert.equal((await withoutWrites(() => postForm(agent, `/watch/${video.publicId}/save`, { playlist, saved: 'true' }))).status, 404, playlist);
        assert.equal((await withoutWrites(() => postForm(agent, `/watch/${video.publicId}/save`, { playlist, saved: 'false' }))).status, 404, playlist);
      }
    });

    it('fails with an unknown or malformed video id, or a private video of someone else (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, privateOfOther.publicId]) {
        assert.equal((await withoutWrites(() => postForm(agent, `/watch/${id}/save`, { playlist: mine.publicId, saved: 'true' }))).status, 404, id);
      }
    });

    it('succeeds with correct parameters (303, 200 in JSON)', async () => {
      assert.equal((await postForm(agent, `/watch/${video.publicId}/save`, { playlist: mine.publicId, saved: 'true' })).status, 303);
      assert.equal((await postForm(agent, `/watch/${video.publicId}/save`, { playlist: mine.publicId, saved: 'false' })).status, 303);
      const token = (await agent.get('/').then((r) => /name="csrf-token" content="([^"]+)"/.exec(r.text)))![1]!;
      assert.equal((await agent.post(`/watch/${video.publicId}/save`).set('Accept', 'application/json').set('X-CSRF-Token', token).type('form').send({ playlist: mine.publicId, saved: 'true' })).status, 200);
    });
  });

  describe('POST /watch/:id/save/new', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      for (const who of [visitor, banned]) assertSignIn(await withoutWrites(() => postForm(who, `/watch/${video.publicId}/save/new`, { title: 'Nope' })));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await withoutWrites(() => agent.post(`/watch/${video.publicId}/save/new`).type('form').send({ title: 'No token' }))).status, 403);
    });

    it('fails with missing, empty, oversized or control-character details, or an unknown privacy (422)', async () => {
      for (const form of BAD_DETAILS) assert.equal((await withoutWrites(() => postForm(agent, `/watch/${video.publicId}/save/new`, form))).status, 422, JSON.stringify(form).slice(0, 40));
    });

    it('fails with an unknown or malformed video id, or a private video of someone else (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, privateOfOther.publicId]) {
        assert.equal((await withoutWrites(() => postForm(agent, `/watch/${id}/save/new`, { title: 'Somewhere' }))).status, 404, id);
      }
    });

    it('succeeds with correct parameters (303)', async () => {
      assert.equal((await postForm(agent, `/watch/${video.publicId}/save/new`, { title: 'Made while saving', privacy: 'public' })).status, 303);
    });
  });

  describe('POST /playlist/:id/remove-watched', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      for (const who of [visitor, banned]) assertSignIn(await withoutWrites(() => postForm(who, `/playlist/${mine.publicId}/remove-watched`)));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await withoutWrites(() => agent.post(`/playlist/${mine.publicId}/remove-watched`).type('form').send({}))).status, 403);
    });

    it("fails with an unknown or malformed id, or someone else's Watch later (404)", async () => {
      const theirLater = await findOrCreateWatchLater(testPool(), other.id);
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS, theirLater.publicId]) assert.equal((await withoutWrites(() => postForm(agent, `/playlist/${id}/remove-watched`))).status, 404, id);
    });

    it("fails on a playlist that is not Watch later, or someone else's public one (403)", async () => {
      const made = await insertPlaylist(testPool(), owner.id, { title: 'Ordinary', description: '', privacy: 'private' }, 1000);
      if (made === 'limit') throw new Error('limit');
      assert.equal((await withoutWrites(() => postForm(agent, `/playlist/${made.publicId}/remove-watched`))).status, 403);
      assert.equal((await withoutWrites(() => postForm(agent, `/playlist/${theirs.publicId}/remove-watched`))).status, 403);
    });

    it('succeeds with correct parameters (303)', async () => {
      assert.equal((await postForm(agent, `/playlist/${mine.publicId}/remove-watched`)).status, 303);
    });
  });
});
