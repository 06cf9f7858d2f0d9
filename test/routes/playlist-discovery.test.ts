import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import supertest from 'supertest';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { insertPlaylist, type PlaylistDetails } from '../../src/db/playlists.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo, deleteUser } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Made = { id: number; publicId: string };

const ORIGIN = 'http://localhost:3000';
/** Letters only: one word for Postgres's parser, in no other test's titles. */
const word = () => `pl${Array.from(crypto.randomBytes(7), (b) => 'bcdfghjklmnpqrstvwxz'[b % 20]).join('')}`;

async function playlistOf(owner: User, details: Partial<PlaylistDetails> = {}): Promise<Made> {
  const made = await insertPlaylist(testPool(), owner.id, { title: 'A list', description: '', privacy: 'public', ...details }, 10_000);
  assert.notEqual(made, 'limit');
  const publicId = (made as { publicId: string }).publicId;
  const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [publicId]);
  return { id: Number(rows[0].id), publicId };
}

/** A video with a thumbnail recorded (no file: its address is what the pages show). */
async function videoWithThumbnail(owner: User, options: Parameters<typeof createVideo>[1] = {}): Promise<Made> {
  const video = await createVideo(owner, options);
  await testPool().query(`UPDATE videos SET thumbnail_stem = 'thumb', thumbnail_widths = '{320,1280}' WHERE id = $1`, [video.id]);
  return video;
}

async function fill(owner: User, playlist: Made, videos: Made[]): Promise<void> {
  for (const video of videos) assert.equal(await addVideoToPlaylist(testPool(), owner.id, playlist.id, video, 5000), 'added');
}

const thumbnailOf = (video: Made) => `/media/videos/${video.publicId}/`;
/** The JSON-LD of a page, parsed. */
function jsonLdOf(html: string): { '@type': string; itemListElement: { '@type': string; position: number; url: string }[]; name: string } {
  const match = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, 'the page has JSON-LD');
  return JSON.parse(match[1]!);
}
const meta = (html: string, property: string) => new RegExp(`<meta (?:property|name)="${property}" content="([^"]*)"`).exec(html)?.[1];

describe('playlist discovery', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  /** The shared owner's: a private video first, then two public ones. */
  let privateVideo: Made;
  let first: Made;
  let second: Made;

  before(async () => {
    owner = await createUser({ displayName: 'Curator Person' });
    privateVideo = await videoWithThumbnail(owner, { title: 'Secret first clip', visibility: 'private' });
    first = await videoWithThumbnail(owner, { title: 'First open clip' });
    second = await videoWithThumbnail(owner, { title: 'Second open clip' });
  });

  describe('GET /search', () => {
    it('shows a public playlist whose title matches as a card: cover of its first available video, owner, count, links', async () => {
      const topic = word();
      const playlist = await playlistOf(owner, { title: `Best of ${topic}` });
      await fill(owner, playlist, [privateVideo, first, second]);
      const res = await supertest(t.app).get(`/search?q=${topic}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /<h2>Playlists<\/h2>/);
      assert.ok(res.text.includes(`Best of ${topic}`));
      assert.ok(res.text.includes(`href="/playlist/${playlist.publicId}"`));
      assert.ok(res.text.includes('View full playlist'));
      assert.ok(res.text.includes('3 videos'));
      assert.ok(res.text.includes('Curator Person'));
      assert.ok(res.text.includes(thumbnailOf(first)), 'the cover is the first available video');
      assert.ok(!res.text.includes(thumbnailOf(privateVideo)) && !res.text.includes('Secret first clip'), 'never the private video');
      assert.doesNotMatch(res.text, /Nothing found/);
    });

    it('places it among the video results, after the first four', async () => {
      const topic = word();
      const playlist = await playlistOf(owner, { title: `${topic} marathon` });
      await fill(owner, playlist, [first]);
      for (let i = 0; i < 6; i++) await createVideo(owner, { title: `${topic} episode ${i}` });
      const res = await supertest(t.app).get(`/search?q=${topic}`);
      assert.match(res.text, /<h2>Videos and playlists<\/h2>/);
      const list = res.text.slice(res.text.indexOf('search-results'));
      const cards = [...list.matchAll(/<li class="video-card( playlist-card)?">/g)].map((m) => (m[1] ? 'playlist' : 'video'));
      assert.deepEqual(cards, ['video', 'video', 'video', 'video', 'playlist', 'video', 'video']);
    });

    it('never shows unlisted, private or empty playlists, nor those of banned or deleted owners', async () => {
      const topic = word();
      const shown = await playlistOf(owner, { title: `${topic} shown` });
      await fill(owner, shown, [first]);
      const hidden: Made[] = [];
      for (const privacy of ['unlisted', 'private'] as const) {
        const p = await playlistOf(owner, { title: `${topic} ${privacy}`, privacy });
        await fill(owner, p, [first]);
        hidden.push(p);
      }
      hidden.push(await playlistOf(owner, { title: `${topic} empty` }));
      for (const gone of [banUser, deleteUser]) {
        const other = await createUser();
        const video = await createVideo(other);
        const p = await playlistOf(other, { title: `${topic} of a gone owner` });
        await fill(other, p, [video]);
        await gone(other);
        hidden.push(p);
      }
      const res = await supertest(t.app).get(`/search?q=${topic}`);
      assert.ok(res.text.includes(shown.publicId), 'the control is found');
      for (const p of hidden) assert.ok(!res.text.includes(p.publicId), `${p.publicId} is not shown`);
      assert.doesNotMatch(res.text, /of a gone owner|unlisted<|private</);
    });

    it('shows playlists on the first page only, and not with a duration or upload-date filter', async () => {
      const topic = word();
      const playlist = await playlistOf(owner, { title: `${topic} collection` });
      await fill(owner, playlist, [first]);
      assert.ok((await supertest(t.app).get(`/search?q=${topic}&sort=date`)).text.includes(playlist.publicId));
      for (const query of ['page=2', 'duration=short', 'uploaded=week']) {
        const res = await supertest(t.app).get(`/search?q=${topic}&${query}`);
        assert.equal(res.status, 200);
        assert.ok(!res.text.includes(playlist.publicId), query);
      }
    });
  });

  describe('GET /@:handle/playlists', () => {
    it('pages public playlists 24 at a time, last updated first; a foreign or unlisted cursor reads as the first page', async () => {
      const curator = await createUser();
      const made: Made[] = [];
      for (let i = 0; i < 26; i++) made.push(await playlistOf(curator, { title: `Shelf ${i}` }));
      const unlisted = await playlistOf(curator, { title: 'Unlisted shelf', privacy: 'unlisted' });
      const ids = (html: string) => [...html.matchAll(/<h3 class="video-title"><a href="\/playlist\/([\w-]{11})"/g)].map((m) => m[1]);
      const firstPage = await supertest(t.app).get(`/@${curator.handle}/playlists`);
      assert.deepEqual(ids(firstPage.text), made.slice(2).reverse().map((p) => p.publicId));
      const next = /href="(\/@[^"]+\/playlists\?after=[\w-]{11})" rel="next"/.exec(firstPage.text)?.[1];
      assert.equal(next, `/@${curator.handle}/playlists?after=${made[2]!.publicId}`);
      const secondPage = await supertest(t.app).get(next!);
      assert.deepEqual(ids(secondPage.text), [made[1]!.publicId, made[0]!.publicId]);
      assert.doesNotMatch(secondPage.text, /rel="next"/);
      assert.ok(!firstPage.text.includes(unlisted.publicId) && !secondPage.text.includes(unlisted.publicId));
      for (const cursor of [unlisted.publicId, (await playlistOf(owner, { title: 'Elsewhere' })).publicId]) {
        assert.deepEqual(ids((await supertest(t.app).get(`/@${curator.handle}/playlists?after=${cursor}`)).text), ids(firstPage.text), cursor);
      }
    });

    it('shows the cover of the first available video and an empty state', async () => {
      const curator = await createUser();
      const empty = await supertest(t.app).get(`/@${curator.handle}/playlists`);
      assert.match(empty.text, /has no public playlists/);
      const playlist = await playlistOf(curator, { title: 'Covered' });
      const hidden = await videoWithThumbnail(curator, { title: 'Hidden cover', visibility: 'private' });
      await fill(curator, playlist, [hidden, first]);
      const res = await supertest(t.app).get(`/@${curator.handle}/playlists`);
      assert.ok(res.text.includes(thumbnailOf(first)));
      assert.ok(!res.text.includes(thumbnailOf(hidden)));
      assert.match(res.text, /2 videos/);
      const mine = await (await signedInAgent(t.app, await createUser())).get(`/@${curator.handle}/playlists?after=${playlist.publicId}`);
      assert.match(mine.text, /No more playlists/);
    });
  });

  describe('GET /sitemap.xml and GET /sitemaps/playlists-:page.xml', () => {
    it('lists public playlists of live owners that hold something, never unlisted or private ones', async () => {
      const shown = await playlistOf(owner, { title: 'Mapped' });
      const unlisted = await playlistOf(owner, { title: 'Not mapped', privacy: 'unlisted' });
      const hidden = await playlistOf(owner, { title: 'Not mapped either', privacy: 'private' });
      for (const p of [shown, unlisted, hidden]) await fill(owner, p, [first]);
      const empty = await playlistOf(owner, { title: 'Empty, not mapped' });
      const banned = await createUser();
      const bannedList = await playlistOf(banned, { title: 'Banned list' });
      await fill(banned, bannedList, [await createVideo(banned)]);
      await banUser(banned);
      const index = await supertest(t.app).get('/sitemap.xml');
      assert.match(index.text, /<loc>http:\/\/localhost:3000\/sitemaps\/playlists-1\.xml<\/loc>/);
      const file = await supertest(t.app).get('/sitemaps/playlists-1.xml');
      assert.equal(file.status, 200);
      assert.match(String(file.headers['content-type']), /^application\/xml/);
      assert.ok(file.text.includes(`<loc>${ORIGIN}/playlist/${shown.publicId}</loc><lastmod>`));
      for (const p of [unlisted, hidden, empty, bannedList]) assert.ok(!file.text.includes(p.publicId), p.publicId);
    });

    it('answers a page past the last, or a malformed one, with 404', async () => {
      for (const page of ['999999', '0', '-1', 'x', '01']) assert.equal((await supertest(t.app).get(`/sitemaps/playlists-${page}.xml`)).status, 404, page);
    });
  });

  describe('GET /oembed for a playlist', () => {
    const oembed = (playlist: Made, extra = '') => supertest(t.app).get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/playlist/${playlist.publicId}`)}${extra}`);

    it('answers for a public or unlisted playlist with the embed player of its first available video playing the list', async () => {
      for (const privacy of ['public', 'unlisted'] as const) {
        const playlist = await playlistOf(owner, { title: `Embeddable </script> ${privacy}`, privacy });
        await fill(owner, playlist, [privateVideo, first, second]);
        const res = await oembed(playlist);
        assert.equal(res.status, 200, privacy);
        assert.equal(res.body.type, 'video');
        assert.equal(res.body.title, `Embeddable </script> ${privacy}`);
        assert.equal(res.body.author_name, 'Curator Person');
        assert.ok(res.body.html.includes(`src="${ORIGIN}/embed/${first.publicId}?list=${playlist.publicId}"`), res.body.html);
        assert.ok(res.body.thumbnail_url.includes(thumbnailOf(first)));
        assert.ok(!res.text.includes(privateVideo.publicId) && !res.text.includes('Secret first clip'));
        assert.equal(res.body.width, 1280);
      }
    });

    it('scales to maxwidth', async () => {
      const playlist = await playlistOf(owner, { title: 'Small' });
      await fill(owner, playlist, [first]);
      const res = await oembed(playlist, '&maxwidth=640');
      assert.deepEqual([res.body.width, res.body.height], [640, 360]);
    });

    it('is a 404 for a private playlist (whoever asks), a banned owner, no available video, or an unknown id', async () => {
      const hidden = await playlistOf(owner, { title: 'Private list', privacy: 'private' });
      await fill(owner, hidden, [first]);
      const nothing = await playlistOf(owner, { title: 'Nothing playable' });
      await fill(owner, nothing, [privateVideo]);
      const banned = await createUser();
      const bannedList = await playlistOf(banned, { title: 'Banned' });
      await fill(banned, bannedList, [await createVideo(banned)]);
      await banUser(banned);
      for (const p of [hidden, nothing, bannedList, { id: 0, publicId: 'AAAAAAAAAAA' }]) {
        const res = await oembed(p);
        assert.equal(res.status, 404, p.publicId);
        assert.ok(!res.text.includes('Private list') && !res.text.includes('Secret first clip'));
      }
      const ownerAgent = await signedInAgent(t.app, owner);
      assert.equal((await ownerAgent.get(`/oembed?url=${encodeURIComponent(`${ORIGIN}/playlist/${hidden.publicId}`)}`)).status, 404);
    });
  });

  describe('GET /playlist/:id metadata', () => {
    it('has OpenGraph, an oEmbed link and JSON-LD ItemList of the available videos only', async () => {
      const playlist = await playlistOf(owner, { title: 'Met <a> "data"', description: 'All about </script><script>alert(1)</script>' });
      await fill(owner, playlist, [privateVideo, first, second]);
      const res = await supertest(t.app).get(`/playlist/${playlist.publicId}`);
      assert.equal(res.status, 200);
      assert.equal(meta(res.text, 'og:title'), 'Met &lt;a&gt; &#34;data&#34;');
      assert.equal(meta(res.text, 'og:type'), 'website');
      assert.equal(meta(res.text, 'og:url'), `${ORIGIN}/playlist/${playlist.publicId}`);
      assert.ok(meta(res.text, 'og:image')!.includes(thumbnailOf(first)));
      assert.ok(meta(res.text, 'og:description')!.startsWith('All about'));
      assert.match(res.text, new RegExp(`<link rel="alternate" type="application/json\\+oembed" href="${ORIGIN}/oembed\\?url=${encodeURIComponent(`${ORIGIN}/playlist/${playlist.publicId}`)}&amp;format=json"`));
      assert.doesNotMatch(res.text, /<meta name="robots" content="noindex">/);
      assert.equal((res.text.match(/<\/script>/g) ?? []).length, (res.text.match(/<script/g) ?? []).length, 'no text closes a script element');
      const ld = jsonLdOf(res.text);
      assert.equal(ld['@type'], 'ItemList');
      assert.equal(ld.name, 'Met <a> "data"');
      assert.deepEqual(ld.itemListElement, [
        { '@type': 'ListItem', position: 2, url: `${ORIGIN}/watch/${first.publicId}` },
        { '@type': 'ListItem', position: 3, url: `${ORIGIN}/watch/${second.publicId}` },
      ]);
      assert.ok(!res.text.includes('Secret first clip') && !res.text.includes(thumbnailOf(privateVideo)));
    });

    it("lists no video its viewer's rights alone let them see, even to the owner", async () => {
      const playlist = await playlistOf(owner, { title: 'Owner view' });
      await fill(owner, playlist, [privateVideo, first]);
      const res = await (await signedInAgent(t.app, owner)).get(`/playlist/${playlist.publicId}`);
      assert.ok(res.text.includes('Secret first clip'), 'the owner sees their own private video in the list');
      assert.deepEqual(jsonLdOf(res.text).itemListElement.map((e) => e.url), [`${ORIGIN}/watch/${first.publicId}`]);
      assert.ok(meta(res.text, 'og:image')!.includes(thumbnailOf(first)));
    });

    it('tells search engines not to index unlisted and private playlists, and announces no oEmbed for a private one', async () => {
      const unlisted = await playlistOf(owner, { title: 'Unlisted meta', privacy: 'unlisted' });
      const hidden = await playlistOf(owner, { title: 'Private meta', privacy: 'private' });
      for (const p of [unlisted, hidden]) await fill(owner, p, [first]);
      const agent = await signedInAgent(t.app, owner);
      const unlistedPage = await supertest(t.app).get(`/playlist/${unlisted.publicId}`);
      assert.match(unlistedPage.text, /<meta name="robots" content="noindex">/);
      assert.match(unlistedPage.text, /application\/json\+oembed/);
      const privatePage = await agent.get(`/playlist/${hidden.publicId}`);
      assert.match(privatePage.text, /<meta name="robots" content="noindex">/);
      assert.doesNotMatch(privatePage.text, /application\/json\+oembed/);
    });

    it('lists the videos of the page shown, numbered on, with that page as its address', async () => {
      const playlist = await playlistOf(owner, { title: 'Long one' });
      const videos: Made[] = [];
      for (let i = 0; i < 102; i++) videos.push(await createVideo(owner, { title: `Part ${i + 1}` }));
      await fill(owner, playlist, videos);
      const firstPage = await supertest(t.app).get(`/playlist/${playlist.publicId}`);
      assert.equal(jsonLdOf(firstPage.text).itemListElement.length, 100);
      const next = /href="\/playlist\/[\w-]{11}\?after=([\w]+)" rel="next"/.exec(firstPage.text)![1]!;
      const secondPage = await supertest(t.app).get(`/playlist/${playlist.publicId}?after=${next}`);
      const ld = jsonLdOf(secondPage.text);
      assert.deepEqual(ld.itemListElement.map((e) => e.position), [101, 102]);
      assert.equal(meta(secondPage.text, 'og:url'), `${ORIGIN}/playlist/${playlist.publicId}`);
      assert.match(secondPage.text, new RegExp(`<link rel="canonical" href="${ORIGIN}/playlist/${playlist.publicId}\\?after=${next}">`));
    });
  });
});
