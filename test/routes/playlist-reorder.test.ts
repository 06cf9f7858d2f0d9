import assert from 'node:assert/strict';
import supertest from 'supertest';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { CROWDED_GAP, POSITION_GAP } from '../../src/db/playlist-order.js';
import { insertPlaylist } from '../../src/db/playlists.js';
import { RENUMBER_PLAYLIST } from '../../src/jobs/queue.js';
import { useTestApp, useWorker } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

async function playlistWith(owner: User, count: number) {
  const made = await insertPlaylist(testPool(), owner.id, { title: 'Reordered', description: '', privacy: 'public' }, 1000);
  if (made === 'limit') throw new Error('limit');
  const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
  const playlist = { id: Number(rows[0].id), publicId: made.publicId };
  const videos = [];
  for (let i = 0; i < count; i++) {
    const video = await createVideo(owner, { title: `Reorder clip ${i + 1}`, durationSeconds: 60 });
    assert.equal(await addVideoToPlaylist(testPool(), owner.id, playlist.id, video, 5000), 'added');
    videos.push(video.publicId);
  }
  return { ...playlist, videos };
}

async function order(playlistId: number): Promise<string[]> {
  const { rows } = await testPool().query('SELECT video_public_id FROM playlist_items WHERE playlist_id = $1 ORDER BY position', [playlistId]);
  return rows.map((r) => r.video_public_id as string);
}

describe('reordering a playlist', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let agent: Agent;
  let token: string;

  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
    token = await tokenFor(agent, '/playlists');
  });

  /** A POST as the page's script sends it: the CSRF header, JSON asked for. */
  const scripted = (url: string, form: Record<string, string>, who: Agent = agent) =>
    who.post(url).set('Accept', 'application/json').set('X-CSRF-Token', token).type('form').send(form);
  const form = (url: string, fields: Record<string, string>) => agent.post(url).type('form').send({ _csrf: token, ...fields });

  describe('POST /playlist/:id/items/:videoId/place', () => {
    it('puts the item just before or after another and answers its neighbours as JSON', async () => {
      const p = await playlistWith(owner, 4);
      const [a, b, c, d] = p.videos as [string, string, string, string];
      const res = await scripted(`/playlist/${p.publicId}/items/${d}/place`, { before: b });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { videoId: d, moved: true, previous: a, next: b });
      assert.deepEqual(await order(p.id), [a, d, b, c]);
      const again = await scripted(`/playlist/${p.publicId}/items/${a}/place`, { after: c });
      assert.deepEqual(again.body, { videoId: a, moved: true, previous: c, next: null });
      assert.deepEqual(await order(p.id), [d, b, c, a]);
      const already = await scripted(`/playlist/${p.publicId}/items/${a}/place`, { after: c });
      assert.deepEqual(already.body, { videoId: a, moved: false, previous: c, next: null });
    });

    it('redirects to the item on the page when sent by a form without scripts', async () => {
      const p = await playlistWith(owner, 3);
      const res = await form(`/playlist/${p.publicId}/items/${p.videos[0]}/place`, { after: p.videos[2]! });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/playlist/${p.publicId}#item-${p.videos[0]}`);
      assert.deepEqual(await order(p.id), [p.videos[1], p.videos[2], p.videos[0]]);
    });

    it('refuses both or neither neighbour, a malformed one or the item itself (400), and a neighbour another tab removed (409), writing nothing', async () => {
      const p = await playlistWith(owner, 3);
      const [a, b, c] = p.videos as [string, string, string];
      const url = `/playlist/${p.publicId}/items/${a}/place`;
      for (const fields of [{}, { before: b, after: c }, { before: 'short' }, { after: a }, { before: '' }] as Record<string, string>[]) {
        const res = await scripted(url, fields);
        assert.equal(res.status, 400, JSON.stringify(fields));
        assert.ok(res.body.error.message, 'a message for the page to announce');
      }
      await scripted(`/playlist/${p.publicId}/items/${c}/remove`, {}).expect(200);
      const gone = await scripted(url, { before: c });
      assert.equal(gone.status, 409);
      assert.match(gone.body.error.message, /no longer in this playlist/);
      assert.deepEqual(await order(p.id), [a, b]);
      const page = await form(url, { before: c });
      assert.equal(page.status, 409, 'the same refusal as a page');
      assert.match(page.text, /Reload the page/);
    });
  });

  describe('POST /playlist/:id/items/:videoId/move and /remove for the page script', () => {
    it('answers a move with the neighbours and a remove with the new count and duration', async () => {
      const p = await playlistWith(owner, 3);
      const [a, b, c] = p.videos as [string, string, string];
      const up = await scripted(`/playlist/${p.publicId}/items/${c}/move`, { to: 'up' });
      assert.deepEqual(up.body, { videoId: c, moved: true, previous: a, next: b });
      const top = await scripted(`/playlist/${p.publicId}/items/${a}/move`, { to: 'top' });
      assert.deepEqual(top.body, { videoId: a, moved: false, previous: null, next: c });
      const removed = await scripted(`/playlist/${p.publicId}/items/${b}/remove`, {});
      assert.deepEqual(removed.body, { videoId: b, removed: true, itemCount: 2, totalDuration: '2:00' });
      const missing = await scripted(`/playlist/${p.publicId}/items/${b}/remove`, {});
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.message, 'This video is not in the playlist.');
    });
  });

  describe('the playlist page', () => {
    it("gives its owner the reordering script, its hint and a status region, and nobody else", async () => {
      const p = await playlistWith(owner, 2);
      const mine = await agent.get(`/playlist/${p.publicId}`);
      assert.match(mine.text, /<script type="module" src="\/static\/js\/playlist-reorder\.[0-9a-f]+\.js"><\/script>/);
      assert.match(mine.text, /data-reorder="[A-Za-z0-9_-]{11}" data-start="1" data-first-page="true" data-last-page="true"/);
      assert.match(mine.text, /role="status" aria-live="polite" data-reorder-status/);
      assert.match(mine.text, /id="reorder-help" class="muted" hidden/);
      const visitor = await supertest(t.app).get(`/playlist/${p.publicId}`);
      assert.doesNotMatch(visitor.text, /playlist-reorder|data-reorder|reorder-help/);
      const script = await supertest(t.app).get('/static/js/playlist-reorder.js');
      assert.equal(script.status, 200);
    });
  });

  describe('background renumbering', () => {
    it('queues the job from a move that crowds a gap, in the move, one per playlist', async () => {
      const p = await playlistWith(owner, 3);
      // Two neighbours CROWDED_GAP apart: placing between them leaves less on each side.
      await testPool().query('UPDATE playlist_items SET position = $2 WHERE playlist_id = $1 AND video_public_id = $3', [p.id, POSITION_GAP + CROWDED_GAP, p.videos[1]]);
      const jobs = () => testPool().query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'`, [RENUMBER_PLAYLIST, String(p.id)]).then((r) => r.rows[0].n);
      assert.equal(await jobs(), 0);
      await scripted(`/playlist/${p.publicId}/items/${p.videos[2]}/place`, { before: p.videos[1]! }).expect(200);
      assert.equal(await jobs(), 1);
      await scripted(`/playlist/${p.publicId}/items/${p.videos[0]}/move`, { to: 'down' }).expect(200);
      assert.equal(await jobs(), 1, 'still one');
    });
  });

  describe('with a worker running', () => {
    useWorker(t);

    it('renumbers the playlist in the background soon after a move crowded a gap', async () => {
      const p = await playlistWith(owner, 3);
      await testPool().query('UPDATE playlist_items SET position = $2 WHERE playlist_id = $1 AND video_public_id = $3', [p.id, POSITION_GAP + CROWDED_GAP, p.videos[1]]);
      await scripted(`/playlist/${p.publicId}/items/${p.videos[2]}/place`, { after: p.videos[0]! }).expect(200);
      const positions = async () => (await testPool().query('SELECT position FROM playlist_items WHERE playlist_id = $1 ORDER BY position', [p.id])).rows.map((r) => Number(r.position));
      const deadline = Date.now() + 20_000;
      while ((await positions())[1] !== 2 * POSITION_GAP && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
      assert.deepEqual(await positions(), [1, 2, 3].map((n) => n * POSITION_GAP));
      assert.deepEqual(await order(p.id), [p.videos[0], p.videos[2], p.videos[1]]);
    });
  });

  describe('page cache', () => {
    const cached = useTestApp({ PAGE_CACHE_SECONDS: '30' });

    it('keeps signed-out pages when a private playlist is reordered, and forgets them when a public one is', async () => {
      const user = await createUser();
      const userAgent = await signedInAgent(cached.app, user);
      const csrf = await tokenFor(userAgent, '/playlists');
      const send = (url: string, fields: Record<string, string>) => userAgent.post(url).set('Accept', 'application/json').set('X-CSRF-Token', csrf).type('form').send(fields);
      const hidden = await playlistWith(user, 3);
      await testPool().query(`UPDATE playlists SET privacy = 'private' WHERE id = $1`, [hidden.id]);
      const shown = await playlistWith(user, 2);
      const kept = async () => (await supertest(cached.app).get('/')).headers.age !== undefined;
      await supertest(cached.app).get('/');
      assert.equal(await kept(), true);
      await send(`/playlist/${hidden.publicId}/items/${hidden.videos[2]}/place`, { before: hidden.videos[0]! }).expect(200);
      await send(`/playlist/${hidden.publicId}/items/${hidden.videos[2]}/move`, { to: 'bottom' }).expect(200);
      await send(`/playlist/${hidden.publicId}/items/${hidden.videos[1]}/remove`, {}).expect(200);
      assert.equal(await kept(), true, 'a private playlist: nothing public changed');
      await send(`/playlist/${shown.publicId}/items/${shown.videos[1]}/move`, { to: 'top' }).expect(200);
      assert.equal(await kept(), false, 'a public playlist changed: its page and the channel tab are rendered anew');
    });
  });

  describe('two tabs of the owner at once', () => {
    it('keeps every item once, positions unique and the count true under parallel moves, places, removes and adds', async () => {
      const p = await playlistWith(owner, 12);
      const secondTab = await signedInAgent(t.app, owner);
      const secondToken = await tokenFor(secondTab, '/playlists');
      const extra = await Promise.all(Array.from({ length: 6 }, () => createVideo(owner)));
      const requests: Promise<unknown>[] = [];
      const tos = ['up', 'down', 'top', 'bottom'];
      for (let i = 0; i < 48; i++) {
        const [who, csrf] = i % 2 === 0 ? [agent, token] : [secondTab, secondToken];
        const id = p.videos[(i * 5) % 12]!;
        const other = p.videos[(i * 7 + 3) % 12]!;
        const send = (url: string, fields: Record<string, string>) => who.post(url).set('Accept', 'application/json').set('X-CSRF-Token', csrf).type('form').send(fields);
        // 409 and 404 are right answers when the other tab removed the item or its neighbour first.
        if (i % 4 === 0) requests.push(send(`/playlist/${p.publicId}/items/${id}/move`, { to: tos[(i / 4) % 4]! }).then((r) => assert.ok([200, 404].includes(r.status), String(r.status))));
        else if (i % 4 === 1 && id !== other) requests.push(send(`/playlist/${p.publicId}/items/${id}/place`, i % 8 === 1 ? { before: other } : { after: other }).then((r) => assert.ok([200, 404, 409].includes(r.status), String(r.status))));
        else if (i % 12 === 2) requests.push(send(`/playlist/${p.publicId}/items/${id}/remove`, {}).then((r) => assert.ok([200, 404].includes(r.status), String(r.status))));
        else if (i % 8 === 3) requests.push(addVideoToPlaylist(testPool(), owner.id, p.id, extra[(i >> 3) % 6]!, 5000));
      }
      await Promise.all(requests);
      const { rows } = await testPool().query('SELECT video_public_id, position FROM playlist_items WHERE playlist_id = $1 ORDER BY position', [p.id]);
      const ids = rows.map((r) => r.video_public_id as string);
      assert.equal(new Set(ids).size, ids.length, 'no item twice');
      assert.equal(new Set(rows.map((r) => String(r.position))).size, rows.length, 'positions unique');
      const known = new Set([...p.videos, ...extra.map((v) => v.publicId)]);
      assert.ok(ids.every((id) => known.has(id)), 'nothing but the items');
      const { rows: count } = await testPool().query('SELECT item_count FROM playlists WHERE id = $1', [p.id]);
      assert.equal(count[0].item_count, ids.length);
      // Every item that was not removed is still there: the removals were of items 2, 2+12k… (i % 12 === 2).
      const removedOnes = new Set(Array.from({ length: 4 }, (_, k) => p.videos[((2 + 12 * k) * 5) % 12]!));
      for (const id of p.videos) if (!removedOnes.has(id)) assert.ok(ids.includes(id), `${id} kept`);
    });
  });
});
