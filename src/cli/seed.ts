import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { hashPassword } from '../auth/passwords.js';
import type { loadConfig } from '../config.js';
import type { Pool } from '../db/pool.js';
import { insertVideo } from '../db/videos.js';
import { createLogger } from '../log.js';
import { probe, resolveBinaries } from '../media/ffmpeg.js';
import { originalKey, processVideo } from '../media/pipeline.js';
import { LocalStorage } from '../media/storage.js';
import { SEED_PASSWORD, WORDS } from './seed-words.js';
import { withDatabase } from './with-database.js';

/*
 * npm run seed -- --users 10000 --videos 100000
 * A catalogue for demos and benchmarks, made with set-based SQL: accounts, videos with titles,
 * tags and descriptions from a word list, and views, ratings and subscriptions in proportion.
 * Every seeded video points at the files of one real processed fixture, so pages, thumbnails
 * and the player work without processing 100,000 files.
 */

const VIEWS_PER_VIDEO = 8;
const RATINGS_PER_VIDEO = 2;
const SUBSCRIPTIONS_PER_USER = 20;

const run = promisify(execFile);

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 10_000_000) {
    console.error(`--${name} takes a whole number from 1 to 10000000`);
    process.exit(2);
  }
  return value;
}

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** One short real video, processed, whose files every seeded video shares. */
async function makeFixture(pool: Pool, storage: LocalStorage, dataDir: string, ownerId: number, config: ReturnType<typeof loadConfig>) {
  const binaries = resolveBinaries(config);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-seed-'));
  const source = path.join(dir, 'fixture.mkv');
  await run(binaries.ffmpeg, ['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=8', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=8', '-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'libmp3lame', '-shortest', source]);
  const probed = await probe(binaries, source);
  const publicId = 'seedfixture';
  await storage.putFile(originalKey(publicId), source);
  fs.rmSync(dir, { recursive: true, force: true });
  const video = await insertVideo(pool, {
    publicId, ownerId, title: 'Seed fixture', description: 'The media every seeded video shares.', tags: [], visibility: 'unlisted',
    originalKey: originalKey(publicId), originalName: 'fixture.mkv', originalBytes: 0, durationSeconds: probed.durationSeconds,
    width: probed.width, height: probed.height, frameRate: probed.frameRate, videoCodec: probed.videoCodec, audioCodec: probed.audioCodec, probe: {},
  });
  await processVideo({ pool, storage, binaries, dataDir, preset: config.ffmpegPreset, encodeTimeLimitFactor: config.encodeTimeLimitFactor, keepOriginals: true, logger: createLogger('silent') }, video.id);
  return video.id;
}

const users = option('users', 200);
const videos = option('videos', 2000);

await withDatabase(async ({ config, pool }) => {
  const storage = new LocalStorage(path.join(config.dataDir, 'media'));
  const { rows: existing } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE handle NOT LIKE 'seed-%'`);
  if (existing[0]!.n > 0 && !process.argv.includes('--force')) {
    console.error('This site has accounts of its own; seeding would mix made-up data into it. Use an empty database, or --force.');
    return 1;
  }
  const { rows: seeded } = await pool.query(`SELECT 1 FROM videos WHERE public_id = 'seedfixture'`);
  if (seeded.length > 0) {
    console.error('This database is seeded already. Seed an empty one (a new DATA_DIR, or a new DATABASE_URL).');
    return 1;
  }
  const passwordHash = await hashPassword(SEED_PASSWORD);
  const words = WORDS;
  await step(`${users} accounts`, () => pool.query(
    `WITH made AS (
       INSERT INTO users (handle, display_name, password_hash, bio, created_at)
       SELECT 'seed-' || i, initcap(($2::text[])[1 + (i * 7) % array_length($2, 1)]) || ' ' || initcap(($2::text[])[1 + (i * 13) % array_length($2, 1)]) || ' ' || i,
              $3, 'A seeded channel about ' || ($2::text[])[1 + (i * 3) % array_length($2, 1)] || '.', now() - (random() * interval '3 years')
       FROM generate_series(1, $1) AS i
       ON CONFLICT DO NOTHING
       RETURNING id
     )
     INSERT INTO user_roles (user_id, role) SELECT id, 'user' FROM made`,
    [users, words, passwordHash],
  ));
  const { rows: ownerRows } = await pool.query<{ id: number }>(`SELECT id FROM users WHERE handle = 'seed-1'`);
  const fixtureId = await step('the shared media fixture (ffmpeg)', () => makeFixture(pool, storage, config.dataDir, ownerRows[0]!.id, config));
  const { rows: fixtureRow } = await pool.query('SELECT thumbnail_stem, storyboard, duration_seconds, width, height FROM videos WHERE id = $1', [fixtureId]);
  await step(`${videos} videos`, () => pool.query(
    `INSERT INTO videos (public_id, owner_id, title, description, tags, visibility, status, progress, duration_seconds, width, height,
                         video_codec, audio_codec, thumbnail_stem, storyboard, created_at, published_at)
     SELECT substr(translate(encode(sha256(('seed' || i)::bytea), 'base64'), '+/=', '-_x'), 1, 11),
            u.id,
            initcap(w[1 + (i * 31) % n]) || ' ' || w[1 + (i * 17) % n] || ' ' || w[1 + (i * 7 + 3) % n] || ' ' || w[1 + (i * 11 + 5) % n],
            'In this video: ' || w[1 + (i * 5) % n] || ', ' || w[1 + (i * 19) % n] || ' and ' || w[1 + (i * 23) % n] || '. '
              || 'Chapters: 0:00 intro, 1:30 ' || w[1 + (i * 29) % n] || '. More at https://example.org/' || w[1 + (i * 37) % n],
            ARRAY[w[1 + (i * 3) % n], w[1 + (i * 13) % n], w[1 + (i * 41) % n]],
            CASE WHEN i % 50 = 0 THEN 'private' WHEN i % 33 = 0 THEN 'unlisted' ELSE 'public' END,
            'ready', 100, 30 + (i * 7919) % 3600, $4, $5, 'h264', 'aac', $6, $7,
            p.at, p.at
     FROM generate_series(1, $1) AS i,
          LATERAL (SELECT $3::text[] AS w, array_length($3::text[], 1) AS n) words,
          -- "+ 0 * i" ties each LATERAL to its row, so random() runs per video instead of once.
          LATERAL (SELECT now() - (power(random(), 2) * interval '2 years') + 0 * i * interval '1 second' AS at) p,
          -- The random handle is picked in its own step: inside the WHERE, random() would run per scanned row.
          LATERAL (SELECT 'seed-' || (1 + floor(power(random(), 2) * $2) + 0 * i)::int AS handle) pick,
          LATERAL (SELECT id FROM users WHERE handle = pick.handle) u`,
    [videos, users, words, fixtureRow[0].width, fixtureRow[0].height, fixtureRow[0].thumbnail_stem, fixtureRow[0].storyboard],
  ));
  await step('their files (shared)', () => pool.query(
    `INSERT INTO video_files (video_id, kind, name, storage_key, mime_type, width, height, bytes)
     SELECT v.id, f.kind, f.name, f.storage_key, f.mime_type, f.width, f.height, f.bytes
     FROM videos v CROSS JOIN video_files f
     WHERE v.owner_id IN (SELECT id FROM users WHERE handle LIKE 'seed-%') AND v.id <> $1 AND f.video_id = $1
       AND NOT EXISTS (SELECT 1 FROM video_files x WHERE x.video_id = v.id)`,
    [fixtureId],
  ));
  await step(`about ${VIEWS_PER_VIDEO} views a video over the last 30 days`, () => pool.query(
    `INSERT INTO video_views (video_id, viewer_key, hour, viewed_at)
     SELECT v.id, 'seed:' || g, date_trunc('hour', t.at), t.at
     FROM videos v
     CROSS JOIN LATERAL generate_series(1, (random() * $1 * 2 + 0 * v.id)::int) AS g
     CROSS JOIN LATERAL (SELECT now() - random() * interval '30 days' + 0 * g * interval '1 second' AS at) t
     WHERE v.public_id <> 'seedfixture' AND v.owner_id IN (SELECT id FROM users WHERE handle LIKE 'seed-%')
     ON CONFLICT DO NOTHING`,
    [VIEWS_PER_VIDEO],
  ));
  await step(`about ${RATINGS_PER_VIDEO} ratings a video`, () => pool.query(
    `INSERT INTO video_ratings (user_id, video_id, value)
     SELECT u.id, v.id, CASE WHEN random() < 0.9 THEN 1 ELSE -1 END
     FROM videos v
     CROSS JOIN LATERAL generate_series(1, (random() * $1 * 2 + 0 * v.id)::int) AS g
     JOIN users u ON u.handle = 'seed-' || (1 + (v.id * 31 + g * 7919) % $2)
     WHERE v.owner_id IN (SELECT id FROM users WHERE handle LIKE 'seed-%')
     ON CONFLICT DO NOTHING`,
    [RATINGS_PER_VIDEO, users],
  ));
  await step(`about ${SUBSCRIPTIONS_PER_USER} subscriptions an account`, () => pool.query(
    `INSERT INTO subscriptions (subscriber_id, channel_id)
     SELECT s.id, c.id
     FROM users s
     CROSS JOIN LATERAL generate_series(1, $1) AS g
     CROSS JOIN LATERAL (SELECT 'seed-' || (1 + floor(power(random(), 2) * $2) + 0 * s.id + 0 * g)::int AS handle) pick
     CROSS JOIN LATERAL (SELECT id FROM users WHERE handle = pick.handle) c
     WHERE s.handle LIKE 'seed-%' AND c.id <> s.id
     ON CONFLICT DO NOTHING`,
    [SUBSCRIPTIONS_PER_USER, users],
  ));
  await step('counters from the rows', async () => {
    await pool.query(`UPDATE videos v SET view_count = c.n FROM (SELECT video_id, count(*) AS n FROM video_views GROUP BY video_id) c WHERE c.video_id = v.id`);
    await pool.query(`UPDATE videos v SET like_count = c.likes, dislike_count = c.dislikes FROM (
      SELECT video_id, count(*) FILTER (WHERE value = 1) AS likes, count(*) FILTER (WHERE value = -1) AS dislikes FROM video_ratings GROUP BY video_id) c WHERE c.video_id = v.id`);
    await pool.query(`UPDATE users u SET subscriber_count = c.n FROM (SELECT channel_id, count(*) AS n FROM subscriptions GROUP BY channel_id) c WHERE c.channel_id = u.id`);
  });
  // A live site's videos lie on disk in about the order they were published, with counters
  // changed in place; here they were inserted in random order and then rewritten by the counter
  // updates. Rewriting the table in publication order makes the benchmark's reads look like a
  // live site's instead of touching three times as many pages.
  await step('videos laid out by publication, as on a live site', async () => {
    await pool.query('CREATE INDEX seed_layout_idx ON videos (published_at DESC NULLS LAST, id DESC)');
    await pool.query('CLUSTER videos USING seed_layout_idx');
    await pool.query('DROP INDEX seed_layout_idx');
  });
  await step('VACUUM ANALYZE', () => pool.query('VACUUM ANALYZE'));
  console.log(`Seeded. Every seeded account (seed-1 … seed-${users}) signs in with the password "${SEED_PASSWORD}".`);
  return 0;
});
