import assert from 'node:assert/strict';
import supertest from 'supertest';
import { addVideoToPlaylist, movePlaylistItem, POSITION_GAP } from '../../src/db/playlist-items.js';
import { findOrCreateWatchLater, insertPlaylist, type PlaylistDetails } from '../../src/db/playlists.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

const details = (over: Partial<PlaylistDetails> = {}): PlaylistDetails => ({ title: 'Road trips', description: '', privacy: 'public', ...over });

async function playlistOf(owner: User, over: Partial<PlaylistDetails> = {}) {
  const made = await insertPlaylist(testPool(), owner.id, details(over), 500);
  assert.notEqual(made, 'limit');
  const { rows } = await testPool().query('SELECT id, public_id FROM playlists WHERE public_id = $1', [(made as { publicId: string }).publicId]);
  return { id: Number(rows[0].id), publicId: rows[0].public_id as string };
}

async function withVideos(owner: User, playlist: { id: number }, count: number, options: Parameters<typeof createVideo>[1] = {}) {
  const videos = [];
  for (let i = 0; i < count; i++) {
    const video = await createVideo(owner, { title: `Clip ${i + 1}`, ...options });
    assert.equal(await addVideoToPlaylist(testPool(), owner.id, playlist.id, video, 5000), 'added');
    videos.push(video);
  }
  return videos;
}

/** The playlist's video public ids in order, and its positions. */
async function order(playlistId: number) {
  const { rows } = await testPool().query('SELECT video_public_id, position FROM playlist_items WHERE playlist_id = $1 ORDER BY position', [playlistId]);
  return { ids: rows.map((r) => r.video_public_id as string), positions: rows.map((r) => Number(r.position)) };
}

async function postTo(agent: Agent, page: string, url: string, form: Record<string, string>) {
  const token = await tokenFor(agent, page);
  return agent.post(url).type('form').send({ _csrf: token, ...form });
}

describe('playlists', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let stranger: User;
  let agent: Agent;
  let strangerAgent: Agent;

  before(async () => {
    owner = await createUser();
    stranger = await createUser();
    agent = await signedInAgent(t.app, owner);
    strangerAgent = await signedInAgent(t.app, stranger);
  });

  describe('GET and POST /playlists', () => {
    it('shows my playlists with Watch later, made once on first use, and creates one', async () => {
      const page = await agent.get('/playlists');
      assert.equal(page.status, 200);
      assert.match(page.text, /Watch later/);
      await agent.get('/playlists');
      const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM playlists WHERE owner_id = $1 AND kind = 'watch_later'`, [owner.id]);
      assert.equal(rows[0].n, 1, 'one Watch later however often the page opens');
      const res = await postTo(agent, '/playlists', '/playlists', { title: 'Favourite talks', description: 'Good ones', privacy: 'unlisted' });
      assert.equal(res.status, 303);
      const location = String(res.headers.location);
      assert.match(location, /^\/playlist\/[A-Za-z0-9_-]{11}$/);
      const shown = await supertest(t.app).get(location);
      assert.equal(shown.status, 200, 'unlisted: anyone with the link');
      assert.match(shown.text, /Favourite talks/);
      assert.match(shown.text, /Unlisted/);
    });

    it('refuses a missing or too long title, a too long description and an unknown privacy with 422 and the form, writing nothing', async () => {
      const before = (await testPool().query('SELECT count(*)::int AS n FROM playlists')).rows[0].n;
      for (const form of [{ title: '' }, { title: 'x'.repeat(151) }, { title: 'Ok', description: 'd'.repeat(5001) }, { title: 'Ok', privacy: 'secret' }, { title: 'tab\there' }] as Record<string, string>[]) {
        const res = await postTo(agent, '/playlists', '/playlists', form);
        assert.equal(res.status, 422, JSON.stringify(form).slice(0, 40));
        assert.match(res.text, /Please correct/);
      }
      assert.equal((await testPool().query('SELECT count(*)::int AS n FROM playlists')).rows[0].n, before);
    });

    it('sends anonymous visitors to sign in', async () => {
      const res = await supertest(t.app).get('/playlists');
      assert.equal(res.status, 303);
      assert.match(String(res.headers.location), /^\/login/);
    });
  });

  describe('limits', () => {
    const small = useTestApp({ PLAYLISTS_PER_ACCOUNT: '2', PLAYLIST_MAX_ITEMS: '2' });

    it('refuses a playlist beyond PLAYLISTS_PER_ACCOUNT with a clear message (422), Watch later not counted', async () => {
      const user = await createUser();
      const userAgent = await signedInAgent(small.app, user);
      await findOrCreateWatchLater(testPool(), user.id);
      for (const title of ['One', 'Two']) assert.equal((await postTo(userAgent, '/playlists', '/playlists', { title })).status, 303);
      const res = await postTo(userAgent, '/playlists', '/playlists', { title: 'Three' });
      assert.equal(res.status, 422);
      assert.match(res.text, /You already keep 2 playlists/);
      const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM playlists WHERE owner_id = $1 AND kind = 'normal'`, [user.id]);
      assert.equal(rows[0].n, 2);
    });

    it('adds a video at most once and refuses one beyond PLAYLIST_MAX_ITEMS', async () => {
      const user = await createUser();
      const playlist = await playlistOf(user);
      const [a, b, c] = [await createVideo(user), await createVideo(user), await createVideo(user)];
      assert.equal(await addVideoToPlaylist(testPool(), user.id, playlist.id, a, small.config.playlistMaxItems), 'added');
      assert.equal(await addVideoToPlaylist(testPool(), user.id, playlist.id, a, small.config.playlistMaxItems), 'already');
      assert.equal(await addVideoToPlaylist(testPool(), user.id, playlist.id, b, small.config.playlistMaxItems), 'added');
      assert.equal(await addVideoToPlaylist(testPool(), user.id, playlist.id, c, small.config.playlistMaxItems), 'full');
      assert.equal(await addVideoToPlaylist(testPool(), stranger.id, playlist.id, c, 100), 'nothing', 'not the owner');
      const { rows } = await testPool().query('SELECT item_count, (SELECT count(*)::int FROM playlist_items WHERE playlist_id = $1) AS n FROM playlists WHERE id = $1', [playlist.id]);
      assert.deepEqual(rows[0], { item_count: 2, n: 2 });
    });
  });

  describe('GET /playlist/:id', () => {
    it('is a 404 to strangers and signed-out visitors when private, and shown to its owner', async () => {
      const playlist = await playlistOf(owner, { title: 'My secret list', privacy: 'private' });
      assert.equal((await supertest(t.app).get(`/playlist/${playlist.publicId}`)).status, 404);
      const refused = await strangerAgent.get(`/playlist/${playlist.publicId}`);
      assert.equal(refused.status, 404);
      assert.doesNotMatch(refused.text, /My secret list/);
      assert.equal((await agent.get(`/playlist/${playlist.publicId}`)).status, 200);
    });

    it('shows unavailable videos as "Unavailable video" with no title or picture, and a public playlist never names a private video', async () => {
      const other = await createUser();
      const playlist = await playlistOf(owner, { title: 'Mixed' });
      const [visible] = await withVideos(owner, playlist, 1, { title: 'Visible clip' });
      const hidden = await createVideo(other, { title: 'Secret private clip' });
      assert.equal(await addVideoToPlaylist(testPool(), owner.id, playlist.id, hidden, 5000), 'added');
      const gone = await createVideo(other, { title: 'Soon deleted clip' });
      assert.equal(await addVideoToPlaylist(testPool(), owner.id, playlist.id, gone, 5000), 'added');
      const banned = await createUser();
      const bannedVideo = await createVideo(banned, { title: 'Clip of a banned owner' });
      assert.equal(await addVideoToPlaylist(testPool(), owner.id, playlist.id, bannedVideo, 5000), 'added');
      await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [hidden.id]);
      await testPool().query('DELETE FROM videos WHERE id = $1', [gone.id]);
      await banUser(banned);

      for (const who of [supertest(t.app), strangerAgent, agent]) {
        const page = await who.get(`/playlist/${playlist.publicId}`);
        assert.equal(page.status, 200);
        assert.match(page.text, /Visible clip/);
        for (const secret of ['Secret private clip', 'Soon deleted clip', 'Clip of a banned owner']) assert.ok(!page.text.includes(secret), secret);
        assert.equal(page.text.match(/Unavailable video/g)?.length, 3);
        assert.match(page.text, /4 videos/);
        assert.match(page.text, /Total duration <\/span>1:00/, 'only the available video counts');
      }
      assert.ok(visible);
      // The owner removes an unavailable (deleted) video.
      const res = await postTo(agent, `/playlist/${playlist.publicId}`, `/playlist/${playlist.publicId}/items/${gone.publicId}/remove`, {});
      assert.equal(res.status, 303);
      assert.equal((await order(playlist.id)).ids.length, 3);
      const { rows } = await testPool().query('SELECT item_count FROM playlists WHERE id = $1', [playlist.id]);
      assert.equal(rows[0].item_count, 3);
    });

    it("shows the owner's own private video to the owner only", async () => {
      const playlist = await playlistOf(owner);
      await withVideos(owner, playlist, 1, { title: 'Owner private clip', visibility: 'private' });
      assert.match((await agent.get(`/playlist/${playlist.publicId}`)).text, /Owner private clip/);
      const seen = await strangerAgent.get(`/playlist/${playlist.publicId}`);
      assert.doesNotMatch(seen.text, /Owner private clip/);
      assert.match(seen.text, /Unavailable video/);
    });

    it('pages 100 items at a time in order, numbering on, and refuses a malformed cursor with 400', async () => {
      const playlist = await playlistOf(owner);
      const video = await createVideo(owner, { title: 'Paged clip' });
      // 100 items of deleted videos straight in the table (the listing is what is tested here), then a video.
      await testPool().query(`INSERT INTO playlist_items (playlist_id, video_id, video_public_id, position)
        SELECT $1, NULL, lpad(g::text, 11, '0'), g * $2 FROM generate_series(1, 100) g`, [playlist.id, POSITION_GAP]);
      await testPool().query('UPDATE playlists SET item_count = 100 WHERE id = $1', [playlist.id]);
      await addVideoToPlaylist(testPool(), owner.id, playlist.id, video, 5000);
      const first = await supertest(t.app).get(`/playlist/${playlist.publicId}`);
      assert.equal(first.text.match(/Unavailable video/g)?.length, 100);
      const next = /href="(\/playlist\/[^"?]+\?after=[^"]+)" rel="next"/.exec(first.text)?.[1];
      assert.ok(next, 'a link to the next page');
      const second = await supertest(t.app).get(next!);
      assert.match(second.text, /Paged clip/);
      assert.match(second.text, />101</);
      for (const bad of ['x', '1_', '1_2_3', '9'.repeat(30), '1_100001', '1_999999']) assert.equal((await supertest(t.app).get(`/playlist/${playlist.publicId}?after=${bad}`)).status, 400, bad);
    });
  });

  describe('POST /playlist/:id/items/:videoId/move', () => {
    it('moves up, down, to the top and to the bottom, writing one item row each time', async () => {
      const playlist = await playlistOf(owner);
      const videos = await withVideos(owner, playlist, 5);
      const ids = videos.map((v) => v.publicId);
      const moves: [number, string, number[]][] = [
        [4, 'top', [4, 0, 1, 2, 3]],
        [1, 'up', [4, 1, 0, 2, 3]],
        [4, 'bottom', [1, 0, 2, 3, 4]],
        [2, 'down', [1, 0, 3, 2, 4]],
        [2, 'up', [1, 0, 2, 3, 4]],
      ];
      for (const [which, to, expected] of moves) {
        const before = await order(playlist.id);
        const res = await postTo(agent, `/playlist/${playlist.publicId}`, `/playlist/${playlist.publicId}/items/${ids[which]}/move`, { to });
        assert.equal(res.status, 303);
        const after = await order(playlist.id);
        assert.deepEqual(after.ids, expected.map((i) => ids[i]), `${ids[which]} ${to}`);
        const changed = after.ids.filter((id) => before.positions[before.ids.indexOf(id)] !== after.positions[after.ids.indexOf(id)]);
        assert.deepEqual(changed, [ids[which]], 'only the moved item has a new position');
      }
      // Already at the top: nothing changes, not an error.
      assert.equal((await postTo(agent, `/playlist/${playlist.publicId}`, `/playlist/${playlist.publicId}/items/${ids[1]}/move`, { to: 'top' })).status, 303);
    });

    it('renumbers when a gap runs out, keeping the order', async () => {
      const playlist = await playlistOf(owner);
      const videos = await withVideos(owner, playlist, 3);
      // Squeeze the first two together: moving the third up must put it between them.
      await testPool().query('UPDATE playlist_items SET position = position - $2 + 1 WHERE playlist_id = $1 AND video_public_id = $3', [playlist.id, POSITION_GAP, videos[1]!.publicId]);
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlist.id, videos[2]!.publicId, 'up'), 'moved');
      assert.deepEqual((await order(playlist.id)).ids, [videos[0]!.publicId, videos[2]!.publicId, videos[1]!.publicId]);
    });

    it('keeps positions unique and no item lost under concurrent moves from two tabs', async () => {
      const playlist = await playlistOf(owner);
      const videos = await withVideos(owner, playlist, 6);
      const token = await tokenFor(agent, `/playlist/${playlist.publicId}`);
      const tos = ['top', 'bottom', 'up', 'down'];
      await Promise.all(Array.from({ length: 24 }, (_, i) => agent.post(`/playlist/${playlist.publicId}/items/${videos[i % 6]!.publicId}/move`).type('form').send({ _csrf: token, to: tos[i % 4] }).expect(303)));
      const after = await order(playlist.id);
      assert.equal(after.ids.length, 6);
      assert.equal(new Set(after.ids).size, 6);
      assert.equal(new Set(after.positions).size, 6);
    });

    it('refuses a bad direction with 400, a stranger with 403, an item not in the playlist with 404', async () => {
      const playlist = await playlistOf(owner);
      const [video] = await withVideos(owner, playlist, 1);
      const url = `/playlist/${playlist.publicId}/items/${video!.publicId}/move`;
      assert.equal((await postTo(agent, `/playlist/${playlist.publicId}`, url, { to: 'sideways' })).status, 400);
      assert.equal((await postTo(strangerAgent, `/playlist/${playlist.publicId}`, url, { to: 'top' })).status, 403);
      assert.equal((await postTo(agent, `/playlist/${playlist.publicId}`, `/playlist/${playlist.publicId}/items/AAAAAAAAAAA/move`, { to: 'top' })).status, 404);
    });
  });

  describe('GET and POST /playlist/:id/edit, POST /playlist/:id/delete', () => {
    it('lets the owner edit and delete a playlist, and nobody else', async () => {
      const playlist = await playlistOf(owner, { title: 'Before' });
      assert.equal((await agent.get(`/playlist/${playlist.publicId}/edit`)).status, 200);
      assert.equal((await strangerAgent.get(`/playlist/${playlist.publicId}/edit`)).status, 403);
      const bad = await postTo(agent, `/playlist/${playlist.publicId}/edit`, `/playlist/${playlist.publicId}/edit`, { title: '', privacy: 'public' });
      assert.equal(bad.status, 422);
      const res = await postTo(agent, `/playlist/${playlist.publicId}/edit`, `/playlist/${playlist.publicId}/edit`, { title: 'After', description: 'Now private', privacy: 'private' });
      assert.equal(res.status, 303);
      assert.equal((await supertest(t.app).get(`/playlist/${playlist.publicId}`)).status, 404, 'private now');
      assert.equal((await postTo(strangerAgent, '/', `/playlist/${playlist.publicId}/delete`, {})).status, 404, 'a private playlist is not there for a stranger');
      assert.equal((await postTo(agent, `/playlist/${playlist.publicId}/edit`, `/playlist/${playlist.publicId}/delete`, {})).status, 303);
      assert.equal((await testPool().query('SELECT 1 FROM playlists WHERE id = $1', [playlist.id])).rowCount, 0);
    });

    it('never renames or deletes Watch later (403), while its items are managed as any', async () => {
      const watchLater = await findOrCreateWatchLater(testPool(), owner.id);
      const page = `/playlist/${watchLater.publicId}`;
      assert.equal((await agent.get(`${page}/edit`)).status, 403);
      assert.equal((await postTo(agent, page, `${page}/edit`, { title: 'Renamed', privacy: 'public' })).status, 403);
      assert.equal((await postTo(agent, page, `${page}/delete`, {})).status, 403);
      const { rows } = await testPool().query('SELECT title, privacy FROM playlists WHERE id = $1', [watchLater.id]);
      assert.deepEqual(rows[0], { title: 'Watch later', privacy: 'private' });
      const video = await createVideo(owner);
      assert.equal(await addVideoToPlaylist(testPool(), owner.id, watchLater.id, video, 5000), 'added');
      assert.equal((await postTo(agent, page, `${page}/items/${video.publicId}/remove`, {})).status, 303);
      await assert.rejects(testPool().query(`INSERT INTO playlists (public_id, owner_id, kind, title, privacy) VALUES ('BBBBBBBBBBB', $1, 'watch_later', 'Second', 'private')`, [owner.id]), /playlists_one_watch_later_key/);
    });
  });

  describe('GET /@:handle/playlists', () => {
    it("lists the channel's public playlists with count and update, not its unlisted or private ones", async () => {
      const creator = await createUser();
      const shown = await playlistOf(creator, { title: 'Shown on the tab' });
      await withVideos(creator, shown, 2);
      await playlistOf(creator, { title: 'Unlisted one', privacy: 'unlisted' });
      await playlistOf(creator, { title: 'Private one', privacy: 'private' });
      const page = await supertest(t.app).get(`/@${creator.handle}/playlists`);
      assert.equal(page.status, 200);
      assert.match(page.text, /Shown on the tab/);
      assert.match(page.text, /2 videos/);
      assert.match(page.text, /Updated/);
      assert.doesNotMatch(page.text, /Unlisted one|Private one|No playlists/);
      const empty = await supertest(t.app).get(`/@${(await createUser()).handle}/playlists`);
      assert.match(empty.text, /No playlists/);
    });
  });
});
