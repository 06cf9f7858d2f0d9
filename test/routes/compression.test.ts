import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { insertVideoFile } from '../../src/db/video-files.js';
import { preferredEncoding } from '../../src/http/compression.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { useTestApp } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { countCompressions, decoded, rawRequest } from '../helpers/raw-http.js';

const varies = (res: { headers: Record<string, unknown> }) => /\bAccept-Encoding\b/i.test(String(res.headers.vary ?? ''));

describe('compression of answers', () => {
  const t = useTestApp();
  let channel: string;

  before(async () => {
    const owner = await createUser();
    channel = `/@${owner.handle}`;
    for (let i = 0; i < 12; i += 1) await createVideo(owner, { title: `Compressed listing ${i}` });
  });

  it('sends a page in brotli or gzip as the client asks, and as it is to one that asks for neither', async () => {
    const plain = await rawRequest(t.app, channel);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(varies(plain), 'Vary: Accept-Encoding even when not compressed');
    assert.match(plain.body.toString(), /Compressed listing 11/);
    for (const [accept, expected] of [['gzip, deflate, br, zstd', 'br'], ['br', 'br'], ['gzip', 'gzip'], ['br;q=0.5, gzip', 'gzip'], ['*', 'br'], ['identity', undefined], ['br;q=0, gzip;q=0', undefined]] as const) {
      const res = await rawRequest(t.app, channel, { 'accept-encoding': accept });
      assert.equal(res.status, 200, accept);
      assert.equal(res.headers['content-encoding'], expected, accept);
      assert.ok(varies(res), accept);
      assert.equal(Number(res.headers['content-length']), res.body.length, accept);
      if (expected) assert.ok(res.body.length < plain.body.length / 2, `${accept}: compressed`);
      assert.equal(decoded(res).toString(), plain.body.toString(), `${accept}: the same page`);
    }
  });

  it('compresses JSON and XML answers, not pictures nor bodies under a kilobyte', async () => {
    const owner = await createUser();
    const video = await createVideo(owner, { title: 'A video with many renditions' });
    for (let rung = 1; rung <= 12; rung += 1) {
      await insertVideoFile(testPool(), video.id, { kind: 'rendition', name: `${rung * 100}p-abcdef.mp4`, storageKey: `videos/${video.publicId}/${rung * 100}p-abcdef.mp4`, mimeType: 'video/mp4', width: rung * 160, height: rung * 100, bytes: 1000 });
    }
    const json = await rawRequest(t.app, `/api/v1/videos/${video.publicId}`, { 'accept-encoding': 'br' });
    assert.equal(json.status, 200);
    assert.match(String(json.headers['content-type']), /^application\/json/);
    assert.equal(json.headers['content-encoding'], 'br');
    assert.equal(JSON.parse(decoded(json).toString()).renditions.length, 12);

    const feed = await rawRequest(t.app, '/feeds/videos.atom', { 'accept-encoding': 'gzip' });
    assert.equal(feed.headers['content-encoding'], 'gzip');
    assert.match(decoded(feed).toString(), /^<\?xml/);

    const robots = await rawRequest(t.app, '/robots.txt', { 'accept-encoding': 'br' });
    assert.equal(robots.status, 200);
    assert.ok(robots.body.length < 1024);
    assert.equal(robots.headers['content-encoding'], undefined, 'too small to be worth it');

    const picture = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#369' } }).jpeg().toBuffer();
    const key = `videos/${video.publicId}/thumb-test-320.jpg`;
    fs.mkdirSync(path.dirname(path.join(t.config.dataDir, 'media', key)), { recursive: true });
    fs.writeFileSync(path.join(t.config.dataDir, 'media', key), Buffer.concat([picture, Buffer.alloc(4096)]));
    await insertVideoFile(testPool(), video.id, { kind: 'thumbnail', name: 'thumb-test-320.jpg', storageKey: key, mimeType: 'image/jpeg', width: 320, height: 180, bytes: picture.length + 4096 });
    const thumbnail = await rawRequest(t.app, `/media/videos/${video.publicId}/thumb-test-320.jpg`, { 'accept-encoding': 'br, gzip' });
    assert.equal(thumbnail.status, 200);
    assert.equal(thumbnail.headers['content-encoding'], undefined, 'a picture is compressed already');
    assert.equal(thumbnail.body.length, picture.length + 4096);
  });

  it('compresses the pages of a signed-in visitor, whose session is touched or saved as the page is sent', async () => {
    const agent = await signedInAgent(t.app, await createUser({ displayName: 'Compressed Person' }));
    const home = await agent.get('/').set('Accept-Encoding', 'br');
    assert.equal(home.headers['content-encoding'], 'br');
    assert.match(home.text, /Account menu for Compressed Person/);
    const token = await tokenFor(agent, '/settings');
    const saved = await agent.post('/settings').type('form').send({ _csrf: token, displayName: 'Renamed Person', bio: '' });
    assert.equal(saved.status, 303);
    // The flash is taken out of the session as this page is made: the session is saved as it is sent.
    const withFlash = await agent.get(String(saved.headers.location)).set('Accept-Encoding', 'gzip');
    assert.equal(withFlash.headers['content-encoding'], 'gzip');
    assert.match(withFlash.text, /class="flash flash-success"/);
  });

  it('answers HEAD with the headers of the uncompressed page', async () => {
    const get = await rawRequest(t.app, channel);
    const head = await rawRequest(t.app, channel, { 'accept-encoding': 'br' }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-encoding'], undefined);
    assert.equal(Number(head.headers['content-length']), get.body.length);
    assert.ok(varies(head));
  });

  it('reads Accept-Encoding as RFC 9110 does', () => {
    assert.equal(preferredEncoding(undefined), null);
    assert.equal(preferredEncoding(''), null);
    assert.equal(preferredEncoding('gzip;q=1.0, br;q=0.8'), 'gzip');
    assert.equal(preferredEncoding('GZIP'), 'gzip');
    assert.equal(preferredEncoding('*;q=0.1, br;q=0'), 'gzip');
    assert.equal(preferredEncoding('deflate, zstd'), null);
    assert.equal(preferredEncoding('br;q=garbage, gzip'), 'gzip');
    assert.equal(preferredEncoding('gzip, br', ['gzip']), 'gzip', 'only what is offered');
  });
});

describe('compression of kept pages (page cache)', () => {
  const t = useTestApp({ PAGE_CACHE_SECONDS: '30' });
  let page: string;

  before(async () => {
    const owner = await createUser();
    page = `/@${owner.handle}`;
    for (let i = 0; i < 12; i += 1) await createVideo(owner, { title: `Kept and compressed ${i}` });
  });

  it('keeps each coding as first made, so a hit costs no compression', async () => {
    let miss!: Awaited<ReturnType<typeof rawRequest>>;
    assert.deepEqual(await countCompressions(async () => (miss = await rawRequest(t.app, page, { 'accept-encoding': 'br' }))), { br: 1, gzip: 0 }, 'the render is compressed once');
    assert.equal(miss.headers.age, undefined);
    assert.equal(miss.headers['content-encoding'], 'br');

    let hit!: Awaited<ReturnType<typeof rawRequest>>;
    assert.deepEqual(await countCompressions(async () => (hit = await rawRequest(t.app, page, { 'accept-encoding': 'br' }))), { br: 0, gzip: 0 }, 'a hit is served as kept');
    assert.notEqual(hit.headers.age, undefined);
    assert.equal(hit.headers['content-encoding'], 'br');
    assert.ok(varies(hit));
    assert.equal(Number(hit.headers['content-length']), hit.body.length);
    assert.deepEqual(hit.body, miss.body);

    // Another coding is made on its first request for this page, then kept too.
    let gzip!: Awaited<ReturnType<typeof rawRequest>>;
    assert.deepEqual(await countCompressions(async () => (gzip = await rawRequest(t.app, page, { 'accept-encoding': 'gzip' }))), { br: 0, gzip: 1 });
    assert.deepEqual(await countCompressions(async () => rawRequest(t.app, page, { 'accept-encoding': 'gzip' })), { br: 0, gzip: 0 });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    const plain = await rawRequest(t.app, page);
    assert.notEqual(plain.headers.age, undefined);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(decoded(hit).toString(), plain.body.toString());
    assert.equal(decoded(gzip).toString(), plain.body.toString());
    assert.match(plain.body.toString(), /Kept and compressed 11/);
  });

  it('still answers If-None-Match with 304 from a kept page, whatever the coding', async () => {
    const first = await rawRequest(t.app, page, { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag);
    for (const accept of ['br', 'gzip', 'identity']) {
      const res = await rawRequest(t.app, page, { 'accept-encoding': accept, 'if-none-match': etag });
      assert.equal(res.status, 304, accept);
      assert.notEqual(res.headers.age, undefined);
      assert.equal(res.body.length, 0);
    }
  });
});
