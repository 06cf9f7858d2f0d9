import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { hashPassword } from '../auth/passwords.js';
import type { loadConfig } from '../config.js';
import type { Pool } from '../db/pool.js';
import { storeRelatedVideos } from '../db/related-videos.js';
import { countSeededAccounts, countSeededVideos, countUnseededAccounts, findVideoIdByPublicId, isSeeded, listVideoIds, seedAccounts, seedCatalogue } from '../db/seed.js';
import { hasSeededModeration, moderationSizeFor, seedModerationAlone } from '../db/seed-moderation.js';
import { hasSeededPlaylists, seedPlaylistsAlone } from '../db/seed-playlists.js';
import { insertVideo } from '../db/videos.js';
import { createLogger } from '../log.js';
import { probe, resolveBinaries } from '../media/ffmpeg.js';
import { processVideo } from '../media/pipeline.js';
import { originalKey } from '../media/keys.js';
import { LocalStorage } from '../media/storage.js';
import { SEED_PASSWORD, WORDS } from './seed-words.js';
import { withDatabase } from './with-database.js';

/*
 * npm run seed -- --users 10000 --videos 100000
 * npm run seed -- --only playlists   (adds the playlists to a catalogue seeded before them)
 * npm run seed -- --only moderation  (adds moderators, the report queue and the audit log likewise;
 *                                     --reports N open items and --audit N log rows, by default
 *                                     one and ten a video of the catalogue)
 * A catalogue for demos and benchmarks, made with set-based SQL: accounts, videos with titles,
 * tags and descriptions from a word list, and views, ratings and subscriptions in proportion.
 * Every seeded video points at the files of one real processed fixture, so pages, thumbnails
 * and the player work without processing 100,000 files.
 */

const VIEWS_PER_VIDEO = 8;
const RATINGS_PER_VIDEO = 2;
const SUBSCRIPTIONS_PER_USER = 20;
/** Videos whose related videos are worked out in one statement (about a second for 5,000 at 100,000 videos). */
const RELATED_BATCH = 5000;

const run = promisify(execFile);
const FIXTURE_PUBLIC_ID = 'seedfixture';

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
  const publicId = FIXTURE_PUBLIC_ID;
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

/**
 * Every video's related videos, as the worker would store them, so that the watch pages of a
 * benchmark read stored lists. Two batches at a time, one per connection of the pool (and core).
 */
async function storeEveryRelatedList(pool: Pool): Promise<void> {
  const ids = await listVideoIds(pool);
  let next = 0;
  const work = async () => {
    while (next < ids.length) {
      const batch = ids.slice(next, next + RELATED_BATCH);
      next += RELATED_BATCH;
      await storeRelatedVideos(pool, batch);
    }
  };
  await Promise.all([work(), work()]);
}

const users = option('users', 200);
const videos = option('videos', 2000);
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt < 0 ? null : process.argv[onlyAt + 1];
if (only !== null && only !== 'playlists' && only !== 'moderation') {
  console.error('--only takes "playlists" or "moderation": the parts that can be added to a catalogue seeded before them');
  process.exit(2);
}

/**
 * --only playlists: the seed's playlists added to a catalogue seeded before they were part of the
 * seed (a copy of a benchmark's data directory), over its accounts and videos.
 */
async function addPlaylists(pool: Pool): Promise<number> {
  const fixtureId = await findVideoIdByPublicId(pool, FIXTURE_PUBLIC_ID);
  if (fixtureId === null) {
    console.error('This database is not seeded: seed it first (npm run seed), which makes playlists too.');
    return 1;
  }
  if (await hasSeededPlaylists(pool)) {
    console.error('This database has the seed\'s playlists already.');
    return 1;
  }
  const accounts = await countSeededAccounts(pool);
  const made = await step('playlists over the seeded catalogue', () => seedPlaylistsAlone(pool, { accounts, fixtureId }, WORDS));
  console.log(`Seeded ${made.playlists} playlists with ${made.items} items.`);
  return 0;
}

/**
 * --only moderation: the seed's moderators, report queue and audit log (src/db/seed-moderation.ts)
 * added to a catalogue seeded before they were part of the seed.
 */
async function addModeration(pool: Pool): Promise<number> {
  const fixtureId = await findVideoIdByPublicId(pool, FIXTURE_PUBLIC_ID);
  if (fixtureId === null) {
    console.error('This database is not seeded: seed it first (npm run seed), which makes the queue and the log too.');
    return 1;
  }
  if (await hasSeededModeration(pool)) {
    console.error('This database has the seed\'s moderators, queue and log already.');
    return 1;
  }
  const size = moderationSizeFor(await countSeededVideos(pool, fixtureId));
  const plan = { fixtureId, openItems: option('reports', size.openItems), auditRows: option('audit', size.auditRows) };
  const made = await step(`moderators, ${plan.openItems} open report items with their reports and handled ones, ${plan.auditRows} audit rows`, () => seedModerationAlone(pool, plan, WORDS));
  console.log(`Seeded ${made.moderators} moderators, ${made.openItems} open items and ${made.handledItems} handled ones with ${made.reports} reports, ${made.auditRows} audit rows.`);
  return 0;
}

await withDatabase(async ({ config, pool }) => {
  if (only === 'playlists') return addPlaylists(pool);
  if (only === 'moderation') return addModeration(pool);
  const storage = new LocalStorage(path.join(config.dataDir, 'media'));
  if ((await countUnseededAccounts(pool)) > 0 && !process.argv.includes('--force')) {
    console.error('This site has accounts of its own; seeding would mix made-up data into it. Use an empty database, or --force.');
    return 1;
  }
  if (await isSeeded(pool, FIXTURE_PUBLIC_ID)) {
    console.error('This database is seeded already. Seed an empty one (a new DATA_DIR, or a new DATABASE_URL).');
    return 1;
  }
  const passwordHash = await hashPassword(SEED_PASSWORD);
  const firstAccount = await step(`${users} accounts`, () => seedAccounts(pool, users, WORDS, passwordHash));
  const fixtureId = await step('the shared media fixture (ffmpeg)', () => makeFixture(pool, storage, config.dataDir, firstAccount, config));
  const plan = { count: videos, accounts: users, fixtureId, viewsPerVideo: VIEWS_PER_VIDEO, ratingsPerVideo: RATINGS_PER_VIDEO, subscriptionsPerAccount: SUBSCRIPTIONS_PER_USER };
  await seedCatalogue(pool, plan, WORDS, step);
  // After VACUUM ANALYZE: the window of recent videos is planned from the statistics.
  await step('related videos of every video', () => storeEveryRelatedList(pool));
  console.log(`Seeded. Every seeded account (seed-1 … seed-${users}) signs in with the password "${SEED_PASSWORD}".`);
  return 0;
});
