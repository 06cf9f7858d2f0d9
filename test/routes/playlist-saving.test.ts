import assert from 'node:assert/strict';
import supertest from 'supertest';
import { addVideoToPlaylist, removeVideoFromPlaylist } from '../../src/db/playlist-items.js';
import { insertPlaylistWithVideo, removeWatchedVideos } from '../../src/db/playlist-saving.js';
import { findOrCreateWatchLater, insertPlaylist } from '../../src/db/playlists.js';
import { recordView } from '../../src/db/views.js';
import { useTestApp, type TestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = { id: number; publicId: string };

async function playlistOf(owner: User, title = 'Road trips') {
  const made = await insertPlaylist(testPool(), owner.id, { title, description: '', privacy: 'public' }, 500);
  assert.notEqual(made, 'limit');
  const { rows } = await testPool().query('SELECT id, public_id FROM playlists WHERE public_id = $1', [(made as { publicId: string }).publicId]);
  return { id: Number(rows[0].id), publicId: rows[0].public_id as string };
}

/** The playlist's item rows for the video, and its item_count. */
async function state(playlistId: number, video: Video) {
  const { rows } = await testPool().query(`SELECT (SELECT count(*)::int FROM playlist_items WHERE playlist_id = $1 AND video_public_id = $2) AS rows,
    (SELECT item_count FROM playlists WHERE id = $1) AS count`, [playlistId, video.publicId]);
  return { rows: rows[0].rows as number, count: rows[0].count as number };
}

async function tick(agent: Agent, video: Video, form: Record<string, string>, json = false) {
  const token = await tokenFor(agent, `/watch/${video.publicId}/save`);
  const req = agent.post(`/watch/${video.publicId}/save`).type('form');
  if (json) req.set('Accept', 'application/json');
  return req.send({ _csrf: token, ...form });
}

async function create(agent: Agent, video: Video, form: Record<string, string>, json = false) {
  const token = await tokenFor(agent, `/watch/${video.publicId}/save`);
  const req = agent.post(`/watch/${video.publicId}/save/new`).type('form');
  if (json) req.set('Accept', 'application/json');
  return req.send({ _csrf: token, ...form });
}

/** A signed-in view counted for `user`, as the player's report makes one. */
const watch = (user: User, video: Video) => recordView(testPool(), video.id, { viewerKey: `u:${user.id}`, viewerId: user.id, source: 'direct' });

describe('saving videos to playlists', function () {
  this.timeout(60_000);
  const t: TestApp = useTestApp();
  let owner: User;
  let creator: User;
  let agent: Agent;
  let video: Video;

  before(async () => {
    owner = await createUser();
    creator = await createUser();
    agent = await signedInAgent(t.app, owner);
    video = await createVideo(creator, { title: 'A saved clip' });
  });

  describe('GET /watch/:id/save', () => {
    it('lists my playlists, Watch later first (made on first use), each pressed when it holds the video', async () => {
      const list = await playlistOf(owner, 'Holds it');
      await addVideoToPlaylist(testPool(), owner.id, list.id, video, 5000);
      const res = await agent.get(`/watch/${video.publicId}/save`);
      assert.equal(res.status, 200);
      assert.ok(res.text.indexOf('Watch later') < res.text.indexOf('Holds it'), 'Watch later first');
      assert.match(res.text, /aria-pressed="true"[^>]*><span class="save-box" aria-hidden="true"><\/span>Holds it/);
      assert.match(res.text, /aria-pressed="false"[^>]*><span class="save-box" aria-hidden="true"><\/span>Watch later/);
      assert.match(res.text, /action="\/watch\/[^"]+\/save\/new"/);
      const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM playlists WHERE owner_id = $1 AND kind = 'watch_later'`, [owner.id]);
      assert.equal(rows[0].n, 1);
    });

    it('answers the script in JSON: the video and each playlist with saved', async () => {
      const res = await agent.get(`/watch/${video.publicId}/save`).set('Accept', 'application/json');
      assert.equal(res.status, 200);
      assert.equal(res.body.video.id, video.publicId);
      assert.equal(res.body.playlists[0].kind, 'watch_later');
      assert.equal(res.body.playlists.find((p: { title: string }) => p.title === 'Holds it').saved, true);
      assert.match(String(res.headers.vary), /Accept\b/);
    });

    it('sends signed-out visitors to sign in, and is a 404 for a private video of someone else', async () => {
      const anonymous = await supertest(t.app).get(`/watch/${video.publicId}/save`);
      assert.equal(anonymous.status, 303);
      assert.match(String(anonymous.headers.location), /^\/login\?next=/);
      const hidden = await createVideo(creator, { visibility: 'private' });
      assert.equal((await agent.get(`/watch/${hidden.publicId}/save`)).status, 404);
    });
  });

  describe('POST /watch/:id/save', () => {
    it('saves, treats a second save as done, removes, and treats a second removal as done', async () => {
      const later = await findOrCreateWatchLater(testPool(), owner.id);
      const first = await tick(agent, video, { playlist: later.publicId, saved: 'true' });
      assert.equal(first.status, 303);
      assert.equal(first.headers.location, `/watch/${video.publicId}/save`);
      assert.deepEqual(await state(later.id, video), { rows: 1, count: 1 });
      assert.match((await agent.get(first.headers.location)).text, /Saved to “Watch later”/);
      assert.equal((await tick(agent, video, { playlist: later.publicId, saved: 'true' })).status, 303);
      assert.deepEqual(await state(later.id, video), { rows: 1, count: 1 }, 'a video is in a playlist at most once');
      assert.equal((await tick(agent, video, { playlist: later.publicId, saved: 'false' })).status, 303);
      assert.deepEqual(await state(later.id, video), { rows: 0, count: 0 });
      assert.equal((await tick(agent, video, { playlist: later.publicId, saved: 'false' })).status, 303);
      assert.deepEqual(await state(later.id, video), { rows: 0, count: 0 });
    });

    it('answers the script in JSON with the new state and a message', async () => {
      const list = await playlistOf(owner, 'By script');
      const res = await tick(agent, video, { playlist: list.publicId, saved: 'true' }, true);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { playlist: list.publicId, saved: true, message: 'Saved to “By script”.' });
      assert.deepEqual(await state(list.id, video), { rows: 1, count: 1 });
    });

    it('is a 404 for someone else\'s playlist, writing nothing', async () => {
      const theirs = await playlistOf(creator, 'Not yours');
      const res = await withoutWrites(() => tick(agent, video, { playlist: theirs.publicId, saved: 'true' }));
      assert.equal(res.status, 404);
      const json = await withoutWrites(() => tick(agent, video, { playlist: theirs.publicId, saved: 'true' }, true));
      assert.equal(json.status, 404);
      assert.match(json.body.error.message, /does not exist/);
    });

    it('is a 404 for a private video of someone else, writing nothing', async () => {
      const hidden = await createVideo(creator, { visibility: 'private' });
      const later = await findOrCreateWatchLater(testPool(), owner.id);
      const token = await tokenFor(agent, `/watch/${video.publicId}/save`);
      const res = await withoutWrites(() => agent.post(`/watch/${hidden.publicId}/save`).type('form').send({ _csrf: token, playlist: later.publicId, saved: 'true' }));
      assert.equal(res.status, 404);
    });

    it('refuses a post without the CSRF token (403), writing nothing', async () => {
      const later = await findOrCreateWatchLater(testPool(), owner.id);
      const res = await withoutWrites(() => agent.post(`/watch/${video.publicId}/save`).type('form').send({ playlist: later.publicId, saved: 'true' }));
      assert.equal(res.status, 403);
    });

    it('saves my own private video, which only I may see', async () => {
      const mine = await createVideo(owner, { visibility: 'private' });
      const later = await findOrCreateWatchLater(testPool(), owner.id);
      assert.equal((await tick(agent, mine, { playlist: later.publicId, saved: 'true' })).status, 303);
      assert.deepEqual(await state(later.id, mine), { rows: 1, count: 1 });
    });
  });

  describe('POST /watch/:id/save/new', () => {
    it('creates a playlist with the video in it', async () => {
      const res = await create(agent, video, { title: 'Fresh list', privacy: 'unlisted' });
      assert.equal(res.status, 303);
      const { rows } = await testPool().query(`SELECT id, privacy, item_count FROM playlists WHERE owner_id = $1 AND title = 'Fresh list'`, [owner.id]);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].privacy, 'unlisted');
      assert.deepEqual(await state(Number(rows[0].id), video), { rows: 1, count: 1 });
      assert.match((await agent.get(String(res.headers.location))).text, /Saved to your new playlist “Fresh list”/);
    });

    it('answers the script with the new playlist, saved', async () => {
      const res = await create(agent, video, { title: 'Scripted list', privacy: 'private' }, true);
      assert.equal(res.status, 201);
      assert.equal(res.body.playlist.title, 'Scripted list');
      assert.equal(res.body.playlist.saved, true);
    });

    it('refuses bad details with 422 and the form, writing nothing', async () => {
      const res = await withoutWrites(() => create(agent, video, { title: '', privacy: 'secret' }));
      assert.equal(res.status, 422);
      assert.match(res.text, /Please correct these/);
      const json = await withoutWrites(() => create(agent, video, { title: 'x'.repeat(151) }, true));
      assert.equal(json.status, 422);
      assert.match(json.body.error.fields.title, /at most 150/);
    });
  });

  describe('a video deleted while it is being saved', () => {
    // The routes load the video first (loadVideo), then save it in a transaction of their own: a
    // delete committed in between must give "gone" (a 404), not a foreign key error (a 500).
    it("adds nothing and makes no playlist when the video's row is gone, and a delete waits for a save under way", async () => {
      const owner = await createUser();
      const list = await playlistOf(owner, 'Race with a delete');
      const video = await createVideo(await createUser());
      const loaded = { id: video.id, publicId: video.publicId };
      await testPool().query('DELETE FROM videos WHERE id = $1', [video.id]);
      assert.equal(await addVideoToPlaylist(testPool(), owner.id, list.id, loaded, 5000), 'gone');
      assert.deepEqual(await state(list.id, loaded), { rows: 0, count: 0 });
      const before = (await testPool().query('SELECT count(*)::int AS n FROM playlists WHERE owner_id = $1', [owner.id])).rows[0].n;
      assert.equal(await insertPlaylistWithVideo(testPool(), owner.id, { title: 'Never made', description: '', privacy: 'private' }, loaded, 500), 'gone');
      assert.equal((await testPool().query('SELECT count(*)::int AS n FROM playlists WHERE owner_id = $1', [owner.id])).rows[0].n, before, 'no playlist written');

      // Racing: whichever commits first, the save is 'added' with its item (then set to NULL by
      // the delete, "Unavailable video") or 'gone' with nothing; never an error.
      const other = await createVideo(await createUser());
      const [saved] = await Promise.all([
        addVideoToPlaylist(testPool(), owner.id, list.id, { id: other.id, publicId: other.publicId }, 5000),
        testPool().query('DELETE FROM videos WHERE id = $1', [other.id]),
      ]);
      assert.ok(saved === 'added' || saved === 'gone', saved);
      assert.deepEqual(await state(list.id, other), saved === 'added' ? { rows: 1, count: 1 } : { rows: 0, count: 0 });
    });
  });

  describe('limits (small PLAYLISTS_PER_ACCOUNT and PLAYLIST_MAX_ITEMS)', () => {
    const small = useTestApp({ PLAYLISTS_PER_ACCOUNT: '2', PLAYLIST_MAX_ITEMS: '2' });
    let user: User;
    let smallAgent: Agent;

    before(async () => {
      user = await createUser();
      smallAgent = await signedInAgent(small.app, user);
    });

    it('refuses a third video in a playlist of two with a clear 422, writing nothing', async () => {
      const list = await playlistOf(user, 'Tiny');
      for (let i = 0; i < 2; i++) await addVideoToPlaylist(testPool(), user.id, list.id, await createVideo(creator), 5000);
      await smallAgent.get(`/watch/${video.publicId}/save`); // Watch later made before, by the page the form is on
      const res = await withoutWrites(() => tick(smallAgent, video, { playlist: list.publicId, saved: 'true' }));
      assert.equal(res.status, 422);
      assert.match(res.text, /“Tiny” already holds 2 videos, the most a playlist may/);
      const json = await withoutWrites(() => tick(smallAgent, video, { playlist: list.publicId, saved: 'true' }, true));
      assert.equal(json.status, 422);
      assert.match(json.body.error.message, /the most a playlist may/);
    });

    it('refuses a third playlist with a clear 422, writing nothing (Watch later not counted)', async () => {
      await playlistOf(user, 'Second');
      await findOrCreateWatchLater(testPool(), user.id);
      const res = await withoutWrites(() => create(smallAgent, video, { title: 'One too many', privacy: 'private' }));
      assert.equal(res.status, 422);
      assert.match(res.text, /You already keep 2 playlists, the most an account may/);
      assert.match(res.text, /value="One too many"/);
    });
  });

  describe('page cache', () => {
    const cached = useTestApp({ PAGE_CACHE_SECONDS: '30' });

    it('keeps signed-out pages when a private playlist changes, and forgets them when a public one does', async () => {
      const user = await createUser();
      const userAgent = await signedInAgent(cached.app, user);
      const later = await findOrCreateWatchLater(testPool(), user.id);
      const shown = await playlistOf(user, 'Shown on the channel');
      const kept = async () => (await supertest(cached.app).get('/')).headers.age !== undefined;
      await supertest(cached.app).get('/');
      assert.equal(await kept(), true);
      assert.equal((await tick(userAgent, video, { playlist: later.publicId, saved: 'true' })).status, 303);
      assert.equal((await create(userAgent, video, { title: 'Private too', privacy: 'private' })).status, 303);
      assert.equal((await userAgent.post(`/playlist/${later.publicId}/remove-watched`).type('form').send({ _csrf: await tokenFor(userAgent, '/playlists') })).status, 303);
      assert.equal(await kept(), true, 'Watch later and a private playlist: nothing public changed');
      assert.equal((await tick(userAgent, video, { playlist: shown.publicId, saved: 'true' })).status, 303);
      assert.equal(await kept(), false, 'a public playlist changed: its page and the channel tab are rendered anew');
    });
  });

  describe('Save buttons and links', () => {
    it('shows signed-out visitors a sign-in link on the watch page and nothing on cards', async () => {
      const watchPage = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.match(watchPage.text, new RegExp(`href="/login\\?next=${encodeURIComponent(`/watch/${video.publicId}/save`)}">Save</a>`));
      const home = await supertest(t.app).get('/');
      assert.doesNotMatch(home.text, /card-save|js\/save\./);
    });

    it('gives signed-in viewers the checklist link on the watch page and each card, and the script', async () => {
      const watchPage = await agent.get(`/watch/${video.publicId}`);
      assert.match(watchPage.text, new RegExp(`href="/watch/${video.publicId}/save" data-save>Save</a>`));
      assert.match(watchPage.text, /<script type="module" src="\/static\/js\/save\.[^"]+\.js">/);
      const home = await agent.get('/');
      assert.match(home.text, new RegExp(`class="card-save" href="/watch/${video.publicId}/save" data-save>`));
    });
  });

  describe('POST /playlist/:id/remove-watched', () => {
    it('removes the videos of Watch later I have watched, keeping item_count true, and says how many', async () => {
      const user = await createUser();
      const userAgent = await signedInAgent(t.app, user);
      const later = await findOrCreateWatchLater(testPool(), user.id);
      const videos = [];
      for (let i = 0; i < 4; i++) {
        const v = await createVideo(creator, { title: `Later ${i}` });
        await addVideoToPlaylist(testPool(), user.id, later.id, v, 5000);
        videos.push(v);
      }
      await watch(user, videos[0]!);
      await watch(user, videos[2]!);
      await watch(owner, videos[1]!); // someone else's view does not count as mine
      const page = await userAgent.get(`/playlist/${later.publicId}`);
      assert.match(page.text, /Remove watched videos/);
      const res = await userAgent.post(`/playlist/${later.publicId}/remove-watched`).type('form').send({ _csrf: await tokenFor(userAgent, `/playlist/${later.publicId}`) });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/playlist/${later.publicId}`);
      const { rows } = await testPool().query('SELECT video_public_id FROM playlist_items WHERE playlist_id = $1 ORDER BY position', [later.id]);
      assert.deepEqual(rows.map((r) => r.video_public_id), [videos[1]!.publicId, videos[3]!.publicId]);
      assert.deepEqual(await state(later.id, videos[1]!), { rows: 1, count: 2 });
      assert.match((await userAgent.get(`/playlist/${later.publicId}`)).text, /Removed 2 watched videos from Watch later/);
      const again = await userAgent.post(`/playlist/${later.publicId}/remove-watched`).type('form').send({ _csrf: await tokenFor(userAgent, `/playlist/${later.publicId}`) });
      assert.equal(again.status, 303);
      assert.match((await userAgent.get(`/playlist/${later.publicId}`)).text, /No watched videos were in Watch later/);
    });

    it('is not offered on other playlists (403), and is a 404 on someone else\'s Watch later, writing nothing', async () => {
      const list = await playlistOf(owner, 'Normal one');
      const token = await tokenFor(agent, `/playlist/${list.publicId}`);
      assert.doesNotMatch((await agent.get(`/playlist/${list.publicId}`)).text, /Remove watched videos/);
      assert.equal((await withoutWrites(() => agent.post(`/playlist/${list.publicId}/remove-watched`).type('form').send({ _csrf: token }))).status, 403);
      const theirs = await findOrCreateWatchLater(testPool(), creator.id);
      assert.equal((await withoutWrites(() => agent.post(`/playlist/${theirs.publicId}/remove-watched`).type('form').send({ _csrf: token }))).status, 404);
    });

    it('keeps item_count equal to the items while saves and removals race with it', async () => {
      const user = await createUser();
      const later = await findOrCreateWatchLater(testPool(), user.id);
      const present: Video[] = [];
      for (let i = 0; i < 12; i++) {
        const v = await createVideo(creator);
        await addVideoToPlaylist(testPool(), user.id, later.id, v, 5000);
        if (i % 2 === 0) await watch(user, v);
        present.push(v);
      }
      const incoming: Video[] = [];
      for (let i = 0; i < 8; i++) {
        const v = await createVideo(creator);
        if (i % 2 === 0) await watch(user, v);
        incoming.push(v);
      }
      await Promise.all([
        removeWatchedVideos(testPool(), user.id, later.id),
        ...incoming.map((v) => addVideoToPlaylist(testPool(), user.id, later.id, v, 5000)),
        ...present.slice(0, 4).map((v) => removeVideoFromPlaylist(testPool(), user.id, later.id, v.publicId)),
        removeWatchedVideos(testPool(), user.id, later.id),
      ]);
      const { rows } = await testPool().query('SELECT item_count, (SELECT count(*)::int FROM playlist_items WHERE playlist_id = $1) AS n FROM playlists WHERE id = $1', [later.id]);
      assert.equal(rows[0].item_count, rows[0].n);
      // Whatever the order, the unwatched of the first ones stay (but the four removed by hand).
      const { rows: left } = await testPool().query('SELECT video_public_id FROM playlist_items WHERE playlist_id = $1', [later.id]);
      const ids = new Set(left.map((r) => r.video_public_id as string));
      for (const [i, v] of present.entries()) if (i >= 4 && i % 2 === 1) assert.ok(ids.has(v.publicId));
      for (const [i, v] of present.entries()) if (i % 2 === 0) assert.ok(!ids.has(v.publicId));
    });

    it('counts a signed-in view as watched once, and a signed-out view never', async () => {
      const user = await createUser();
      const v = await createVideo(creator);
      await watch(user, v);
      await watch(user, v);
      await recordView(testPool(), v.id, { viewerKey: 'a:someone', viewerId: null, source: 'direct' });
      const { rows } = await testPool().query('SELECT user_id FROM watched_videos WHERE video_id = $1', [v.id]);
      assert.deepEqual(rows.map((r) => Number(r.user_id)), [user.id]);
    });
  });
});
