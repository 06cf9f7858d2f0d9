// Attack covered: bad parameters where public playlists are found (issue 12, item 8): the
// playlists' sitemap files (pages past the last, malformed numbers), oEmbed for playlist
// addresses (unknown, malformed, private, a banned owner's, another site's, trailing parts),
// the channel's Playlists tab's page cursor (unknown, malformed, repeated, an unlisted
// playlist's id, another channel's), and search with playlists among the results. Each gets its
// exact status, never a 500, and a refusal names nothing private.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { insertPlaylist, type PlaylistPrivacy } from '../../src/db/playlists.js';
import { MALFORMED_IDS, UNKNOWN_ID, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

const ORIGIN = 'http://localhost:3000';
type User = Awaited<ReturnType<typeof createUser>>;

describe('check params: playlist discovery', () => {
  const t = useCheckedApp();
  let owner: User;
  let video: { id: number; publicId: string };

  async function playlist(privacy: PlaylistPrivacy, by: User = owner, title = `Checked ${privacy} list`): Promise<string> {
    const made = await insertPlaylist(testPool(), by.id, { title, description: '', privacy }, 1000);
    if (made === 'limit') throw new Error('limit');
    const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
    await addVideoToPlaylist(testPool(), by.id, Number(rows[0].id), by === owner ? video : await createVideo(by), 5000);
    return made.publicId;
  }

  const get = (path: string) => supertest(t.app).get(path);

  before(async () => {
    owner = await createUser();
    video = await createVideo(owner, { title: 'Listed in a checked playlist' });
  });

  describe('GET /sitemaps/playlists-:page.xml', () => {
    it('fails with a page past the last, or a malformed page number (404)', async () => {
      const wrong: string[] = [];
      for (const page of ['0', '-1', '999999', 'abc', '1.5', '01', '1e3', '%00', '9'.repeat(30)]) {
        const res = await get(`/sitemaps/playlists-${page}.xml`);
        if (res.status !== 404) wrong.push(`${page}: ${res.status}`);
      }
      assert.deepEqual(wrong, [], 'each is 404');
    });

    it('succeeds with correct parameters, the file the index lists', async () => {
      await playlist('public');
      const index = await get('/sitemap.xml');
      assert.ok(index.text.includes(`${ORIGIN}/sitemaps/playlists-1.xml`));
      const res = await get('/sitemaps/playlists-1.xml?unexpected=1');
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^application\/xml/);
    });
  });

  describe('GET /oembed for playlist addresses', () => {
    const oembed = (url: string, extra: Record<string, string> = {}) => supertest(t.app).get('/oembed').query({ url, ...extra });

    it('fails with an unknown, malformed, private or banned owner\'s playlist, another site, or extra path parts (404)', async () => {
      const hidden = await playlist('private', owner, 'Never named in oEmbed');
      const banned = await createUser();
      const bannedList = await playlist('public', banned);
      await banUser(banned);
      const shown = await playlist('public');
      const urls = [
        ...[UNKNOWN_ID, ...MALFORMED_IDS, hidden, bannedList].map((id) => `${ORIGIN}/playlist/${id}`),
        `https://evil.example/playlist/${shown}`, `${ORIGIN}/playlist/${shown}/edit`, `${ORIGIN}/playlist/`, `${ORIGIN}/playlists/${shown}`,
      ];
      for (const url of urls) {
        const res = await withoutWrites(() => oembed(url));
        assert.equal(res.status, 404, url);
        assert.ok(!res.text.includes('Never named in oEmbed'), url);
      }
    });

    it('fails with a format other than json (501) and ignores malformed size limits', async () => {
      const shown = await playlist('public');
      assert.equal((await oembed(`${ORIGIN}/playlist/${shown}`, { format: 'xml' })).status, 501);
      for (const size of ['abc', '-5', '0', '1e308', '99999999999999999999']) {
        const res = await oembed(`${ORIGIN}/playlist/${shown}`, { maxwidth: size, maxheight: size });
        assert.equal(res.status, 200, size);
        assert.ok(Number.isInteger(res.body.width) && res.body.width >= 0, `width ${res.body.width} for ${size}`);
      }
    });

    it('succeeds with correct parameters, for public and unlisted playlists and a query string', async () => {
      for (const privacy of ['public', 'unlisted'] as const) {
        const id = await playlist(privacy);
        for (const url of [`${ORIGIN}/playlist/${id}`, `${ORIGIN}/playlist/${id}?after=1_100`]) {
          const res = await oembed(url, { format: 'json' });
          assert.equal(res.status, 200, url);
          assert.equal(res.body.type, 'video');
        }
      }
    });
  });

  describe('GET /@:handle/playlists with a page cursor', () => {
    it('reads an unknown, malformed, repeated or foreign cursor as the first page (200)', async () => {
      const unlisted = await playlist('unlisted');
      const foreign = await playlist('public', await createUser());
      for (const after of [UNKNOWN_ID, ...MALFORMED_IDS, 'garbage', unlisted, foreign]) {
        assert.equal((await get(`/@${owner.handle}/playlists?after=${after}`)).status, 200, after);
      }
      for (const query of ['?after[]=x', `?after=${UNKNOWN_ID}&after=${foreign}`, `?after=${'x'.repeat(5000)}`]) {
        assert.equal((await get(`/@${owner.handle}/playlists${query}`)).status, 200, query.slice(0, 40));
      }
    });
  });

  describe('GET /search with playlists among the results', () => {
    it('answers operators, stop words, prefixes and hostile text with a page', async () => {
      await playlist('public', owner, 'Checked search list');
      for (const q of ['checked', 'check', '"checked search"', '-checked list', 'checked or list', 'the', 'a', "'", '\\', ':*', '!(&|)', 'checked <->', `${'x'.repeat(200)}`, '%F0%9F%8E%B5']) {
        assert.equal((await get(`/search?q=${encodeURIComponent(q)}`)).status, 200, q);
      }
    });
  });
});
