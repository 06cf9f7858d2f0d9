import assert from 'node:assert/strict';
import supertest from 'supertest';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { insertPlaylist, type PlaylistPrivacy } from '../../src/db/playlists.js';
import { PANEL_AFTER, PANEL_BEFORE, shuffledOrder } from '../../src/routes/playlist-playback.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

async function playlistOf(owner: User, title: string, privacy: PlaylistPrivacy = 'public') {
  const made = await insertPlaylist(testPool(), owner.id, { title, description: '', privacy }, 500);
  assert.notEqual(made, 'limit');
  const { rows } = await testPool().query('SELECT id, public_id FROM playlists WHERE public_id = $1', [(made as { publicId: string }).publicId]);
  return { id: Number(rows[0].id), publicId: rows[0].public_id as string };
}

/** `count` new videos of `owner`, titled `${prefix} N`, added in order to the playlist. */
async function fill(owner: User, playlist: { id: number }, count: number, prefix = 'Clip'): Promise<Video[]> {
  const videos: Video[] = [];
  for (let i = 0; i < count; i++) {
    const video = await createVideo(owner, { title: `${prefix} ${i + 1}` });
    assert.equal(await addVideoToPlaylist(testPool(), owner.id, playlist.id, video, 5000), 'added');
    videos.push(video);
  }
  return videos;
}

/** The address of the page's next or previous link, unescaped; null when there is none. */
function hrefOf(html: string, rel: 'next' | 'prev'): string | null {
  const match = new RegExp(`rel="${rel}" href="([^"]+)"`).exec(html);
  return match ? match[1]!.replace(/&amp;/g, '&') : null;
}
const panelOf = (html: string) => /<aside class="playlist-panel"[\s\S]*?<\/aside>/.exec(html)?.[0] ?? null;

describe('playing a playlist (GET /watch/:id?list=…)', function () {
  this.timeout(120_000);
  const t = useTestApp();
  let owner: User;
  let stranger: User;
  let ownerAgent: Agent;
  let strangerAgent: Agent;
  const cached = useTestApp({ PAGE_CACHE_SECONDS: '30' });
  const anonymous = () => supertest(t.app);

  before(async () => {
    owner = await createUser({ displayName: 'List Keeper' });
    stranger = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    strangerAgent = await signedInAgent(t.app, stranger);
  });

  it('shows the playlist beside the player with the position, links that keep the list, next and previous', async () => {
    const list = await playlistOf(owner, 'Road trip songs');
    const v = await fill(owner, list, 5);
    const res = await anonymous().get(`/watch/${v[2]!.publicId}?list=${list.publicId}&index=3`);
    assert.equal(res.status, 200);
    const panel = panelOf(res.text);
    assert.ok(panel, 'the panel is there');
    assert.match(panel, /Road trip songs/);
    assert.match(panel, /List Keeper/);
    assert.match(panel, /3 \/ 5/);
    for (let i = 0; i < 5; i++) assert.ok(panel.includes(`/watch/${v[i]!.publicId}?list=${list.publicId}&amp;index=${i + 1}`), `item ${i + 1} links with the list`);
    assert.match(panel, /aria-current="true"/);
    assert.equal(hrefOf(res.text, 'next'), `/watch/${v[3]!.publicId}?list=${list.publicId}&index=4`);
    assert.equal(hrefOf(res.text, 'prev'), `/watch/${v[1]!.publicId}?list=${list.publicId}&index=2`);
    assert.match(res.text, /data-playlist-next="\/watch\//);
    assert.match(res.text, /js\/playlist-play/);
  });

  it('puts half as many related videos below the panel, as "More videos": the panel is what comes next', async () => {
    const list = await playlistOf(owner, 'Related below the panel');
    const v = await fill(owner, list, 3, 'Kayak lesson');
    for (let i = 0; i < 10; i++) await createVideo(owner, { title: `Kayak lesson extra ${i + 1}` });
    const relatedOf = (html: string) => html.slice(html.indexOf('id="related-title"'));
    const cards = (html: string) => (relatedOf(html).match(/class="video-card"/g) ?? []).length;
    const plain = (await anonymous().get(`/watch/${v[0]!.publicId}`).expect(200)).text;
    assert.match(relatedOf(plain), /^id="related-title">Up next</);
    assert.ok(cards(plain) > 6, `${cards(plain)} related videos without a list`);
    const listed = (await anonymous().get(`/watch/${v[0]!.publicId}?list=${list.publicId}&index=1`).expect(200)).text;
    assert.match(relatedOf(listed), /^id="related-title">More videos</);
    assert.equal(cards(listed), 6);
  });

  it('knows the position near the ends whatever the address says, and has no next at the end nor previous at the start', async () => {
    const list = await playlistOf(owner, 'Three');
    const v = await fill(owner, list, 3);
    const last = await anonymous().get(`/watch/${v[2]!.publicId}?list=${list.publicId}&index=1`);
    assert.match(panelOf(last.text)!, /3 \/ 3/);
    assert.equal(hrefOf(last.text, 'next'), null);
    assert.match(last.text, /data-playlist-next=""/);
    const first = await anonymous().get(`/watch/${v[0]!.publicId}?list=${list.publicId}`);
    assert.equal(hrefOf(first.text, 'prev'), null);
  });

  it('counts the position when the address has no index, trusts a given one in the middle of a long list, and knows it exactly near the ends', async () => {
    const list = await playlistOf(owner, 'Forty');
    const v = await fill(owner, list, 40, 'Forty');
    const at = async (query: string, i: number) => /(\d+) \/ 40/.exec(panelOf((await anonymous().get(`/watch/${v[i]!.publicId}?list=${list.publicId}${query}`)).text)!)![1];
    assert.equal(await at('', 20), '21', 'counted');
    assert.equal(await at('&index=21', 20), '21');
    assert.equal(await at('&index=25', 20), '25', 'a stale index in the middle is trusted (no count of every position)');
    assert.equal(await at('&index=40', 20), String(40 - PANEL_AFTER), `but only as far as the window allows: ${PANEL_AFTER} items follow`);
    assert.equal(await at('&index=30', 2), '3', 'near the start the window says the exact number');
    assert.equal(await at('&index=1', 37), '38', 'near the end too');
    const res = await anonymous().get(`/watch/${v[20]!.publicId}?list=${list.publicId}&index=25`);
    assert.equal(hrefOf(res.text, 'next'), `/watch/${v[21]!.publicId}?list=${list.publicId}&index=26`, 'next is by position whatever the number');
  });

  it('shows unavailable videos without title or picture and skips them with next and previous', async () => {
    const other = await createUser();
    const bannedOwner = await createUser();
    const list = await playlistOf(owner, 'Holes');
    const [a] = await fill(owner, list, 1, 'Available');
    const secret = await createVideo(other, { title: 'Secret private clip' });
    const gone = await createVideo(other, { title: 'Soon deleted clip' });
    for (const video of [secret, gone]) assert.equal(await addVideoToPlaylist(testPool(), owner.id, list.id, video, 5000), 'added');
    const [b] = await fill(owner, list, 1, 'Middle');
    const banned = await createVideo(bannedOwner, { title: 'Clip of a banned owner' });
    const down = await createVideo(other, { title: 'Failed clip' });
    for (const video of [banned, down]) assert.equal(await addVideoToPlaylist(testPool(), owner.id, list.id, video, 5000), 'added');
    const [c] = await fill(owner, list, 1, 'Last');
    await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [secret.id]);
    await testPool().query('DELETE FROM videos WHERE id = $1', [gone.id]);
    await banUser(bannedOwner);
    await testPool().query(`UPDATE videos SET status = 'failed' WHERE id = $1`, [down.id]);
    // Order: a(1) secret(2) gone(3) b(4) banned(5) down(6) c(7)
    for (const who of [anonymous(), strangerAgent, ownerAgent]) {
      const res = await who.get(`/watch/${b!.publicId}?list=${list.publicId}&index=4`);
      assert.equal(res.status, 200);
      const panel = panelOf(res.text)!;
      assert.equal(panel.match(/Unavailable video/g)?.length, 4);
      for (const title of ['Secret private clip', 'Soon deleted clip', 'Clip of a banned owner', 'Failed clip']) assert.ok(!res.text.includes(title), title);
      for (const hidden of [secret, banned, down]) assert.ok(!panel.includes(`/watch/${hidden.publicId}`), 'no link to an unavailable video');
      assert.equal(hrefOf(res.text, 'next'), `/watch/${c!.publicId}?list=${list.publicId}&index=7`);
      assert.equal(hrefOf(res.text, 'prev'), `/watch/${a!.publicId}?list=${list.publicId}&index=1`);
    }
  });

  it("treats the owner's own private video as available to the owner only", async () => {
    const list = await playlistOf(owner, 'Mine with a private one');
    const [a, mine, c] = await fill(owner, list, 3, 'Own');
    await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [mine!.id]);
    const seen = await ownerAgent.get(`/watch/${a!.publicId}?list=${list.publicId}`);
    assert.equal(hrefOf(seen.text, 'next'), `/watch/${mine!.publicId}?list=${list.publicId}&index=2`);
    const visitor = await anonymous().get(`/watch/${a!.publicId}?list=${list.publicId}`);
    assert.equal(hrefOf(visitor.text, 'next'), `/watch/${c!.publicId}?list=${list.publicId}&index=3`);
    assert.ok(!visitor.text.includes('Own 2'));
  });

  it('loops with loop=1: after the last comes the first available, before the first the last', async () => {
    const list = await playlistOf(owner, 'Loop me');
    const v = await fill(owner, list, 4);
    await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [v[0]!.id]);
    const end = await anonymous().get(`/watch/${v[3]!.publicId}?list=${list.publicId}&index=4&loop=1`);
    assert.equal(hrefOf(end.text, 'next'), `/watch/${v[1]!.publicId}?list=${list.publicId}&index=2&loop=1`, 'wraps past the unavailable first video');
    assert.match(panelOf(end.text)!, /Stop looping/);
    const start = await anonymous().get(`/watch/${v[1]!.publicId}?list=${list.publicId}&loop=1`);
    assert.equal(hrefOf(start.text, 'prev'), `/watch/${v[3]!.publicId}?list=${list.publicId}&index=4&loop=1`);
    const noLoop = await anonymous().get(`/watch/${v[3]!.publicId}?list=${list.publicId}&loop=0`);
    assert.equal(hrefOf(noLoop.text, 'next'), null);
  });

  it('walks past a window of unavailable videos, and wraps a long looped list', async () => {
    const list = await playlistOf(owner, 'Long with a gap');
    const v = await fill(owner, list, 60, 'Long');
    // 2 … 49 unavailable: more than the window's items after the first, and more than the first walk reads.
    await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = ANY($1)`, [v.slice(1, 49).map((x) => x.id)]);
    const res = await anonymous().get(`/watch/${v[0]!.publicId}?list=${list.publicId}`);
    assert.equal(hrefOf(res.text, 'next'), `/watch/${v[49]!.publicId}?list=${list.publicId}&index=50`);
    const panel = panelOf(res.text)!;
    assert.equal(panel.match(/<li /g)?.length, PANEL_AFTER + 1, 'the one playing and the window after it');
    const back = await anonymous().get(`/watch/${v[49]!.publicId}?list=${list.publicId}`);
    assert.equal(hrefOf(back.text, 'prev'), `/watch/${v[0]!.publicId}?list=${list.publicId}&index=1`);
    assert.match(panelOf(back.text)!, /50 \/ 60/);
    assert.equal(panelOf(back.text)!.match(/<li /g)?.length, PANEL_BEFORE + 1 + Math.min(PANEL_AFTER, 10), 'the window before, the one playing, up to the last 10');
    const middle = await ownerAgent.get(`/watch/${v[20]!.publicId}?list=${list.publicId}`); // private, but the owner's
    assert.equal(panelOf(middle.text)!.match(/<li /g)?.length, PANEL_BEFORE + 1 + PANEL_AFTER, 'the window before, the one playing, the window after');
    assert.ok(panelOf(middle.text)!.includes(`Long ${21 - PANEL_BEFORE}<`) && !panelOf(middle.text)!.includes(`Long ${20 - PANEL_BEFORE}<`), 'the last before, not one more');
    assert.ok(panelOf(middle.text)!.includes(`Long ${21 + PANEL_AFTER}<`) && !panelOf(middle.text)!.includes(`Long ${22 + PANEL_AFTER}<`), 'the last after, not one more');
    const end = await anonymous().get(`/watch/${v[59]!.publicId}?list=${list.publicId}&loop=1`);
    assert.equal(hrefOf(end.text, 'next'), `/watch/${v[0]!.publicId}?list=${list.publicId}&index=1&loop=1`);
  });

  it('shuffles in the order the seed gives: the same on reload, another with another seed, every video once', async () => {
    const list = await playlistOf(owner, 'Shuffle me');
    const v = await fill(owner, list, 8, 'Shuffled');
    const ids = v.map((x) => x.publicId);
    const order = shuffledOrder(ids, 'seedA');
    assert.deepEqual([...order].sort(), [...ids].sort());
    assert.deepEqual(shuffledOrder([...ids].reverse(), 'seedA'), order, 'the order does not depend on how the ids were read');
    assert.notDeepEqual(shuffledOrder(ids, 'seedB'), order);

    const visited: string[] = [];
    let url: string | null = `/watch/${order[0]}?list=${list.publicId}&shuffle=seedA`;
    while (url && visited.length <= ids.length) {
      const res = await anonymous().get(url);
      assert.equal(res.status, 200, url);
      visited.push(/\/watch\/([A-Za-z0-9_-]{11})/.exec(url)![1]!);
      assert.match(panelOf(res.text)!, new RegExp(`${visited.length} / 8`));
      const again = await anonymous().get(url);
      assert.equal(hrefOf(again.text, 'next'), hrefOf(res.text, 'next'), 'a reload keeps the order');
      url = hrefOf(res.text, 'next');
      if (url) assert.match(url, /&shuffle=seedA/);
    }
    assert.deepEqual(visited, order, 'next follows the seed order, every video once, and stops at the end');

    const orderB = shuffledOrder(ids, 'seedB');
    const other = await anonymous().get(`/watch/${orderB[0]}?list=${list.publicId}&shuffle=seedB`);
    assert.equal(hrefOf(other.text, 'next'), `/watch/${orderB[1]}?list=${list.publicId}&index=2&shuffle=seedB`);
  });

  it('never shows a private playlist of someone else, nor an unknown or malformed one: the page without the panel', async () => {
    const list = await playlistOf(owner, 'My secret list', 'private');
    const [v] = await fill(owner, list, 1, 'In a secret list');
    for (const who of [anonymous(), strangerAgent]) {
      const res = await who.get(`/watch/${v!.publicId}?list=${list.publicId}&index=1`);
      assert.equal(res.status, 200);
      assert.equal(panelOf(res.text), null);
      assert.ok(!res.text.includes('My secret list'));
      // The sign-in links carry the address the visitor typed, and nothing more.
      assert.ok(!res.text.replace(/href="\/login\?next=[^"]*"/g, '').includes(list.publicId), 'not even its id');
    }
    const mine = await ownerAgent.get(`/watch/${v!.publicId}?list=${list.publicId}`);
    assert.match(panelOf(mine.text)!, /My secret list/);
    for (const bad of ['AAAAAAAAAAA', 'short', `${list.publicId}x`, '%00']) {
      const res = await anonymous().get(`/watch/${v!.publicId}?list=${bad}`);
      assert.equal(res.status, 200, bad);
      assert.equal(panelOf(res.text), null, bad);
    }
  });

  it('shows the list from the index when the video is not in it, with none marked as playing', async () => {
    const list = await playlistOf(owner, 'Elsewhere');
    const v = await fill(owner, list, 4);
    const outsider = await createVideo(owner, { title: 'Not in the list' });
    const res = await anonymous().get(`/watch/${outsider.publicId}?list=${list.publicId}&index=3`);
    assert.equal(res.status, 200);
    const panel = panelOf(res.text)!;
    assert.doesNotMatch(panel, /aria-current/);
    assert.match(panel, /4 videos/);
    assert.equal(hrefOf(res.text, 'next'), `/watch/${v[2]!.publicId}?list=${list.publicId}&index=3`);
    assert.equal(hrefOf(res.text, 'prev'), `/watch/${v[1]!.publicId}?list=${list.publicId}&index=2`);
    const past = await anonymous().get(`/watch/${outsider.publicId}?list=${list.publicId}&index=999`);
    assert.equal(hrefOf(past.text, 'next'), `/watch/${v[3]!.publicId}?list=${list.publicId}&index=4`, 'an index past the end is the end');
  });

  it('refuses a malformed index, shuffle or loop with a 400 that says which', async () => {
    const list = await playlistOf(owner, 'Strict');
    const [v] = await fill(owner, list, 1);
    for (const [query, word] of [['index=0', 'index'], ['index=-1', 'index'], ['index=abc', 'index'], ['index=1&index=2', 'index'], ['index=1e3', 'index'], ['shuffle=', 'shuffle'], ['shuffle=a%20b', 'shuffle'], [`shuffle=${'x'.repeat(33)}`, 'shuffle'], ['loop=2', 'loop'], ['loop=yes', 'loop'], ['loop=1&loop=1', 'loop']]) {
      const res = await anonymous().get(`/watch/${v!.publicId}?list=${list.publicId}&${query}`);
      assert.equal(res.status, 400, query);
      assert.match(res.text, new RegExp(`${word}=`), query);
    }
    assert.equal((await anonymous().get(`/watch/${v!.publicId}?index=abc&loop=zz`)).status, 200, 'without a list they mean nothing');
  });

  it('keeps ?list pages and the plain page apart in the page cache', async () => {
    const list = await playlistOf(owner, 'Cached list');
    const [v] = await fill(owner, list, 2);
    const withList = await supertest(cached.app).get(`/watch/${v!.publicId}?list=${list.publicId}`);
    assert.ok(panelOf(withList.text));
    const plain = await supertest(cached.app).get(`/watch/${v!.publicId}`);
    assert.equal(panelOf(plain.text), null);
    const again = await supertest(cached.app).get(`/watch/${v!.publicId}?list=${list.publicId}`);
    assert.ok(panelOf(again.text));
  });

  describe('GET /playlist/:id/play', () => {
    it('plays all from the first available video, and shuffles with a new seed', async () => {
      const list = await playlistOf(owner, 'Play me');
      const v = await fill(owner, list, 3);
      await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [v[0]!.id]);
      const page = await anonymous().get(`/playlist/${list.publicId}`);
      assert.match(page.text, new RegExp(`href="/playlist/${list.publicId}/play">Play all`));
      assert.match(page.text, /play\?shuffle=1"[^>]*>Shuffle/);
      const all = await anonymous().get(`/playlist/${list.publicId}/play`);
      assert.equal(all.status, 303);
      assert.equal(all.headers.location, `/watch/${v[1]!.publicId}?list=${list.publicId}&index=2`);
      const shuffled = await anonymous().get(`/playlist/${list.publicId}/play?shuffle=1`);
      assert.equal(shuffled.status, 303);
      const match = /^\/watch\/([A-Za-z0-9_-]{11})\?list=[A-Za-z0-9_-]{11}&index=(\d)&shuffle=([A-Za-z0-9_-]{11})$/.exec(String(shuffled.headers.location));
      assert.ok(match, String(shuffled.headers.location));
      const order = shuffledOrder(v.map((x) => x.publicId), match[3]!).filter((id) => id !== v[0]!.publicId);
      assert.equal(match[1], order[0], 'the first available in the seed order');
    });

    it('is a 404 for a playlist without a video to watch', async () => {
      const list = await playlistOf(owner, 'Nothing to play');
      const v = await fill(owner, list, 1);
      await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [v[0]!.id]);
      const res = await anonymous().get(`/playlist/${list.publicId}/play`);
      assert.equal(res.status, 404);
      assert.match(res.text, /no video you can watch/);
    });
  });

  describe('GET /embed/:id?list=…', () => {
    it('plays the list through with next and previous, as anyone with the link sees it', async () => {
      const list = await playlistOf(owner, 'Embedded list', 'unlisted');
      const v = await fill(owner, list, 3, 'Embedded');
      await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [v[1]!.id]);
      // Even its owner's embed skips the private video: the embed plays what anyone with the link may.
      const res = await ownerAgent.get(`/embed/${v[0]!.publicId}?list=${list.publicId}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /Embedded list · 1 \/ 3/);
      assert.equal(hrefOf(res.text, 'next'), `/embed/${v[2]!.publicId}?list=${list.publicId}&index=3`);
      assert.match(res.text, /data-playlist-next="\/embed\//);
      assert.ok(!res.text.includes('Embedded 2'));
      const back = await anonymous().get(`/embed/${v[2]!.publicId}?list=${list.publicId}&index=3`);
      assert.equal(hrefOf(back.text, 'prev'), `/embed/${v[0]!.publicId}?list=${list.publicId}&index=1`);
    });

    it('shows no list for a private playlist, even to its owner, and refuses bad parameters', async () => {
      const list = await playlistOf(owner, 'Private embed list', 'private');
      const [v] = await fill(owner, list, 1);
      const res = await ownerAgent.get(`/embed/${v!.publicId}?list=${list.publicId}`);
      assert.equal(res.status, 200);
      assert.ok(!res.text.includes('Private embed list'));
      assert.equal((await anonymous().get(`/embed/${v!.publicId}?list=${list.publicId}&index=x`)).status, 400);
    });
  });
});
