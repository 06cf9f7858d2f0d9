import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';
import supertest from 'supertest';
import { createAssets } from '../../src/http/assets.js';
import { PUBLIC_DIR } from '../../src/paths.js';
import { useTestApp } from '../helpers/app.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { countCompressions, decoded, rawRequest } from '../helpers/raw-http.js';
import { attachRendition } from '../helpers/videos.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const hashOf = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(path.join(PUBLIC_DIR, file))).digest('hex').slice(0, 8);
/** Every /static address a page names, in attributes and in the player's data-icons. */
const staticUrls = (html: string) => [...html.replaceAll('&#34;', '"').matchAll(/\/static\/[^"'\s]+/g)].map((m) => m[0]);

describe('static files (/static)', () => {
  const t = useTestApp();

  it('pages name every static file by a hash of its content, served for a year as immutable', async () => {
    const owner = await createUser();
    const video = await createVideo(owner);
    await attachRendition(video);
    const urls = new Set<string>();
    for (const page of ['/', '/login', `/watch/${video.publicId}`, '/no-such-page']) {
      const res = await supertest(t.app).get(page);
      for (const url of staticUrls(res.text)) urls.add(url);
    }
    const css = `/static/css/site.${hashOf('css/site.css')}.css`;
    assert.ok(urls.has(css), `the stylesheet at ${css}`);
    for (const icon of ['play', 'pause', 'volume', 'muted', 'fullscreen']) assert.ok(urls.has(`/static/icons/${icon}.${hashOf(`icons/${icon}.svg`)}.svg`), `the player's ${icon} icon`);
    for (const url of urls) {
      assert.match(url, /\/static\/.+\.[0-9a-f]{8}\.\w+$/, url);
      const res = await supertest(t.app).get(url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers['cache-control'], IMMUTABLE, url);
    }
  });

  it('sends each file precompressed in the coding asked for, with no compression per request', async () => {
    const file = 'css/site.css';
    const url = `/static/css/site.${hashOf(file)}.css`;
    const original = fs.readFileSync(path.join(PUBLIC_DIR, file));
    for (const [accept, expected] of [['gzip, deflate, br', 'br'], ['gzip', 'gzip'], ['identity', undefined], [undefined, undefined]] as const) {
      let res!: Awaited<ReturnType<typeof rawRequest>>;
      const made = await countCompressions(async () => (res = await rawRequest(t.app, url, accept ? { 'accept-encoding': accept } : {})));
      assert.deepEqual(made, { br: 0, gzip: 0 }, `${accept}: compressed when the site started`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], expected, String(accept));
      assert.match(String(res.headers['content-type']), /^text\/css/);
      assert.match(String(res.headers.vary), /Accept-Encoding/);
      assert.equal(res.headers['cache-control'], IMMUTABLE);
      assert.equal(Number(res.headers['content-length']), res.body.length);
      if (expected) assert.ok(res.body.length < original.length / 2, `${accept}: smaller`);
      assert.deepEqual(decoded(res), original, `${accept}: the file`);
    }
    const js = await rawRequest(t.app, `/static/js/player.${hashOf('js/player.js')}.js`, { 'accept-encoding': 'br' });
    assert.equal(js.headers['content-encoding'], 'br');
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    const svg = await rawRequest(t.app, `/static/icons/logo.${hashOf('icons/logo.svg')}.svg`, { 'accept-encoding': 'gzip' });
    assert.equal(svg.headers['content-encoding'], 'gzip');
    assert.deepEqual(decoded(svg), fs.readFileSync(path.join(PUBLIC_DIR, 'icons/logo.svg')));
  });

  it('answers If-None-Match with 304, per coding', async () => {
    const url = `/static/css/site.${hashOf('css/site.css')}.css`;
    const br = await rawRequest(t.app, url, { 'accept-encoding': 'br' });
    const plain = await rawRequest(t.app, url);
    assert.notEqual(br.headers.etag, plain.headers.etag, 'different bytes, different validators');
    assert.equal((await rawRequest(t.app, url, { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) })).status, 304);
    assert.equal((await rawRequest(t.app, url, { 'if-none-match': String(br.headers.etag) })).status, 200);
  });

  it('still serves the unhashed name for an hour, and an old hash as today’s file without keeping it', async () => {
    const original = fs.readFileSync(path.join(PUBLIC_DIR, 'css/site.css'));
    const unhashed = await supertest(t.app).get('/static/css/site.css');
    assert.equal(unhashed.status, 200);
    assert.equal(unhashed.headers['cache-control'], 'public, max-age=3600');
    assert.equal(unhashed.text, original.toString());
    // A page rendered before the stylesheet last changed, still open in a browser.
    const stale = await supertest(t.app).get('/static/css/site.0123abcd.css');
    assert.equal(stale.status, 200);
    assert.equal(stale.headers['cache-control'], 'no-cache');
    assert.equal(stale.text, original.toString());
  });

  it('answers 404 for what public/ does not hold', async () => {
    for (const url of ['/static/css/nope.css', '/static/css/nope.0123abcd.css', '/static/css/', '/static/../package.json', '/static/css/site.css.map']) {
      assert.equal((await supertest(t.app).get(url)).status, 404, url);
    }
  });

  it('in development, gives an edited or added file its new address within a second', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-public-'));
    try {
      fs.mkdirSync(path.join(dir, 'css'));
      fs.writeFileSync(path.join(dir, 'css/a.css'), 'body { color: red; }');
      const assets = createAssets(dir, { rescan: true });
      const app = express().use('/static', assets.serve);
      const first = assets.url('css/a.css');
      assert.throws(() => assets.url('css/b.css'), /No file public\/css\/b\.css/);
      fs.writeFileSync(path.join(dir, 'css/a.css'), 'body { color: blue; }');
      fs.writeFileSync(path.join(dir, 'css/b.css'), 'p { margin: 0; }');
      await sleep(1100);
      const second = assets.url('css/a.css');
      assert.notEqual(second, first);
      assert.equal((await supertest(app).get(second)).text, 'body { color: blue; }');
      assert.match(assets.url('css/b.css'), /^\/static\/css\/b\.[0-9a-f]{8}\.css$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
