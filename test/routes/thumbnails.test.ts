import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import sharp from 'sharp';
import supertest from 'supertest';
import { createDatabaseIfMissing, dropDatabase } from '../../src/db/embedded.js';
import { insertVideoFile } from '../../src/db/video-files.js';
import { markPlayable } from '../../src/db/video-processing.js';
import { MIGRATIONS_DIR } from '../../src/paths.js';
import { useTestApp } from '../helpers/app.js';
import { testDatabaseUrl, testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

const LEGACY_WIDTHS = [320, 640, 1280];

/** A ready video whose thumbnail set has `widths`, each written to disk and recorded as the pipeline does. */
async function videoWithThumbnails(dataDir: string, widths: number[]) {
  const video = await createVideo(await createUser());
  const stem = 'a1b2c3d4';
  for (const width of widths) {
    const height = Math.round((width * 9) / 16);
    for (const format of ['webp', 'jpg'] as const) {
      const name = `thumb-${stem}-${width}.${format}`;
      const storageKey = `videos/${video.publicId}/${name}`;
      const image = sharp({ create: { width, height, channels: 3, background: '#246' } });
      const bytes = await (format === 'webp' ? image.webp() : image.jpeg()).toBuffer();
      fs.mkdirSync(path.dirname(path.join(dataDir, 'media', storageKey)), { recursive: true });
      fs.writeFileSync(path.join(dataDir, 'media', storageKey), bytes);
      await insertVideoFile(testPool(), video.id, { kind: 'thumbnail', name, storageKey, mimeType: format === 'webp' ? 'image/webp' : 'image/jpeg', width, height, bytes: bytes.length });
    }
  }
  await markPlayable(testPool(), video.id, { stem, widths });
  return video;
}

describe('thumbnails offered to browsers', () => {
  const t = useTestApp();

  it('offers a video made before 480 was added only the widths it has, each of which answers', async () => {
    const video = await videoWithThumbnails(t.config.dataDir, LEGACY_WIDTHS);
    await attachRendition(video);
    const home = await supertest(t.app).get('/');
    const card = home.text.split('<li class="video-card">').find((c) => c.includes(`href="/watch/${video.publicId}"`))!;
    const srcsets = [...card.matchAll(/srcset="([^"]+)"/g)].map((m) => m[1]!).filter((s) => s.includes('/media/videos/'));
    assert.equal(srcsets.length, 2, 'WebP and JPEG');
    for (const srcset of srcsets) {
      const candidates = srcset.split(', ').map((c) => c.split(' '));
      assert.deepEqual(candidates.map(([, w]) => w), ['320w', '640w', '1280w']);
      for (const [url] of candidates) assert.equal((await supertest(t.app).get(url!)).status, 200, url);
    }
    assert.match(card, /sizes="\(max-width: 640px\) 100vw, 360px"/);
    const watch = await supertest(t.app).get(`/watch/${video.publicId}`);
    const poster = watch.text.match(/poster="([^"]+)"/)![1]!;
    assert.match(poster, /thumb-a1b2c3d4-1280\.webp$/);
    assert.equal((await supertest(t.app).get(poster)).status, 200);
    assert.doesNotMatch(home.text + watch.text, /thumb-a1b2c3d4-480\./);
  });

  it('offers the largest it has as the poster when it has no 1280', async () => {
    const video = await videoWithThumbnails(t.config.dataDir, [320, 480]);
    await attachRendition(video);
    const watch = await supertest(t.app).get(`/watch/${video.publicId}`);
    assert.match(watch.text, /poster="[^"]+thumb-a1b2c3d4-480\.webp"/);
  });

  it('shows no thumbnail for a video without any', async () => {
    const video = await createVideo(await createUser(), { title: 'No pictures yet' });
    const home = await supertest(t.app).get('/');
    const card = home.text.split('<li class="video-card">').find((c) => c.includes(`href="/watch/${video.publicId}"`))!;
    assert.doesNotMatch(card, /<picture>/);
  });
});

describe('migration 1763683200070_thumbnail-widths', function () {
  this.timeout(60_000);

  it('records 320, 640 and 1280 for the videos that existed, and nothing for new rows until they have thumbnails', async () => {
    const url = new URL(testDatabaseUrl());
    url.pathname = `${url.pathname}_widths_${Date.now().toString(36)}`;
    await createDatabaseIfMissing(url.toString());
    const db = new pg.Client({ connectionString: url.toString() });
    try {
      const migrations = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
      const before = migrations.indexOf('1763683200070_thumbnail-widths.sql');
      assert.ok(before > 0);
      const migrate = (count: number) => runner({ databaseUrl: url.toString(), dir: MIGRATIONS_DIR, migrationsTable: 'pgmigrations', direction: 'up', count, checkOrder: true, log: () => {} });
      await migrate(before);
      await db.connect();
      await db.query(`INSERT INTO users (handle, display_name, password_hash) VALUES ('old-owner', 'Old owner', 'x')`);
      await db.query(`INSERT INTO videos (public_id, owner_id, title, visibility, status, duration_seconds, width, height, thumbnail_stem)
                      SELECT 'oldvideo123', id, 'Processed long ago', 'public', 'ready', 10, 1280, 720, 'deadbeef' FROM users`);
      await migrate(Infinity);
      await db.query(`INSERT INTO videos (public_id, owner_id, title, visibility, duration_seconds, width, height)
                      SELECT 'newupload12', id, 'Just uploaded', 'public', 10, 1280, 720 FROM users`);
      const { rows } = await db.query('SELECT public_id, thumbnail_widths FROM videos ORDER BY id');
      assert.deepEqual(rows, [{ public_id: 'oldvideo123', thumbnail_widths: LEGACY_WIDTHS }, { public_id: 'newupload12', thumbnail_widths: [] }]);
    } finally {
      await db.end().catch(() => {});
      await dropDatabase(url.toString());
    }
  });
});
