// Attack covered: bad parameters on the pages other software reads (home, search, embed,
// oEmbed, Atom feed, sitemap, robots.txt, health check): malformed and hostile ids, URLs and
// query parameters, hidden videos. Each gets its exact status and never a 500.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { MALFORMED_IDS, UNKNOWN_ID, useCheckedApp } from '../helpers/check-params.js';
import { createUser, createVideo } from '../helpers/factories.js';

const ORIGIN = 'http://localhost:3000';

describe('check params: integration', () => {
  const t = useCheckedApp();
  let video: { id: number; publicId: string };
  let hidden: { id: number; publicId: string };

  before(async () => {
    const owner = await createUser();
    video = await createVideo(owner, { title: 'Shared by check-params' });
    hidden = await createVideo(owner, { title: 'Private, by check-params', visibility: 'private' });
  });

  const get = (path: string) => supertest(t.app).get(path);

  describe('GET /', () => {
    it('ignores a malformed or unknown page marker', async () => {
      for (const query of ['', `?after=${UNKNOWN_ID}`, '?after=garbage', '?after[]=x', `?after=${'x'.repeat(5000)}`]) {
        assert.equal((await get(`/${query}`)).status, 200, query);
      }
    });
  });

  describe('GET /search', () => {
    it('sends an empty or missing query home (303)', async () => {
      for (const query of ['', '?q=', '?q=%20%20', '?q=%00%01%1F', '?q[]=a']) {
        const res = await get(`/search${query}`);
        assert.equal(res.status, 303, query);
        assert.equal(res.headers.location, '/');
      }
    });

    it('answers malformed filters, pages and oversized queries with a page', async () => {
      for (const query of ['q=a&sort=nonsense', 'q=a&duration=eternal&uploaded=century', 'q=a&page=-1', 'q=a&page=99999999999', 'q=a&page=abc', `q=${'long '.repeat(2000)}`, 'q=a%00b', 'q=a&sort[]=date']) {
        assert.equal((await get(`/search?${query}`)).status, 200, query.slice(0, 40));
      }
    });
  });

  describe('GET /embed/:id', () => {
    it('fails with an unknown or a malformed id', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await get(`/embed/${id}`)).status, 404, id);
    });

    it('fails with a private video (404)', async () => {
      assert.equal((await get(`/embed/${hidden.publicId}`)).status, 404);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await get(`/embed/${video.publicId}`)).status, 200);
    });
  });

  describe('GET /oembed', () => {
    const oembed = (query: Record<string, string>) => supertest(t.app).get('/oembed').query(query);

    it('fails with a missing or malformed url (404)', async () => {
      for (const url of [undefined, '', 'not a url', 'javascript:alert(1)', `${ORIGIN}/watch/`, `${ORIGIN}/watch/short`, `${ORIGIN}/@someone`, `${ORIGIN}/watch/${video.publicId}/extra`]) {
        const res = await oembed(url === undefined ? {} : { url });
        assert.equal(res.status, 404, String(url));
      }
    });

    it('fails with a video on another site, an unknown or a private video (404)', async () => {
      for (const url of [`https://evil.example/watch/${video.publicId}`, `${ORIGIN}/watch/${UNKNOWN_ID}`, `${ORIGIN}/watch/${hidden.publicId}`, `${ORIGIN}/embed/${hidden.publicId}`]) {
        assert.equal((await oembed({ url })).status, 404, url);
      }
    });

    it('fails with a format other than json (501, as oEmbed specifies)', async () => {
      assert.equal((await oembed({ url: `${ORIGIN}/watch/${video.publicId}`, format: 'xml' })).status, 501);
    });

    it('ignores malformed size limits (never a negative size)', async () => {
      for (const size of ['abc', '-5', '0', '1e308', '99999999999999999999']) {
        const res = await oembed({ url: `${ORIGIN}/watch/${video.publicId}`, maxwidth: size, maxheight: size });
        assert.equal(res.status, 200, size);
        assert.ok(Number.isInteger(res.body.width) && res.body.width >= 0, `width ${res.body.width} for ${size}`);
      }
    });

    it('succeeds with correct parameters, for watch and embed addresses', async () => {
      for (const path of ['watch', 'embed']) {
        const res = await oembed({ url: `${ORIGIN}/${path}/${video.publicId}`, format: 'json' });
        assert.equal(res.status, 200, path);
        assert.equal(res.body.type, 'video');
      }
    });
  });

  describe('GET /sitemaps/videos-:page.xml, /sitemaps/channels-:page.xml', () => {
    it('fails with a page past the last, or a malformed page number (404)', async () => {
      const wrong: string[] = [];
      for (const kind of ['videos', 'channels']) {
        for (const page of ['0', '-1', '999999', 'abc', '1.5', '01', '1e3', '%00', `${'9'.repeat(30)}`]) {
          const res = await get(`/sitemaps/${kind}-${page}.xml`);
          if (res.status !== 404) wrong.push(`${kind}-${page}: ${res.status}`);
        }
      }
      assert.deepEqual(wrong, [], 'each is 404');
    });

    it('succeeds with correct parameters: every file the index lists', async () => {
      const index = await get('/sitemap.xml');
      const files = [...index.text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
      assert.ok(files.some((f) => f.startsWith('/sitemaps/videos-')) && files.some((f) => f.startsWith('/sitemaps/channels-')), files.join(', '));
      for (const file of files) {
        const res = await get(file);
        assert.equal(res.status, 200, file);
        assert.match(String(res.headers['content-type']), /^application\/xml/);
      }
    });
  });

  describe('GET /feeds/videos.atom, /sitemap.xml, /robots.txt, /healthz, /favicon.ico', () => {
    it('succeeds with correct parameters, in the right content type', async () => {
      const expected: [string, RegExp][] = [
        ['/feeds/videos.atom', /^application\/atom\+xml/],
        ['/sitemap.xml', /^application\/xml/],
        ['/robots.txt', /^text\/plain/],
        ['/healthz', /^application\/json/],
      ];
      for (const [path, type] of expected) {
        const res = await get(`${path}?unexpected=1`);
        assert.equal(res.status, 200, path);
        assert.match(String(res.headers['content-type']), type, path);
      }
      assert.equal((await get('/favicon.ico')).status, 301);
    });
  });
});
