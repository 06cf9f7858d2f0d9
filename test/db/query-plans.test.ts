import assert from 'node:assert/strict';
import { hashPassword } from '../../src/auth/passwords.js';
import { SEED_PASSWORD, WORDS } from '../../src/cli/seed-words.js';
import { findChannelByHandle } from '../../src/db/channels.js';
import { estimatedTableRows, explainQuery, planNodes, rowsRead, type ExplainOptions, type PlanNode } from '../../src/db/explain.js';
import type { Pool } from '../../src/db/pool.js';
import { seedAccounts, seedCatalogue as seedLoad } from '../../src/db/seed.js';
import { BUSY_VIDEO } from '../../src/db/seed-comments.js';
import { refreshPopularVideos } from '../../src/db/popular-videos.js';
import { listPublicVideos } from '../../src/db/video-listings.js';
import { insertVideoFile } from '../../src/db/video-files.js';
import { insertVideo } from '../../src/db/videos.js';
import { recordQueries, visitHotPaths, type HotPathSubjects, type RecordedQuery } from '../../scripts/hot-paths.js';
import { createTestApp } from '../helpers/app.js';
import { freshDatabase } from '../helpers/database.js';

/**
 * Issue 9: every query of a hot path is prepared, and finds its rows through an index on a
 * catalogue large enough for the planner to care. The hot paths are requested through the
 * real application while every query the pool runs is recorded; each recorded query is then
 * explained with the values it ran with, seq scans priced out of reach (see ExplainOptions).
 */

/**
 * Tables that grow with the site: a hot query must never read one from end to end.
 */
const GROWING_TABLES = ['videos', 'comments', 'comment_ratings', 'video_files', 'video_captions', 'video_chapters', 'video_views', 'video_view_days', 'video_view_sources', 'video_day_viewers', 'watched_videos', 'video_rating_days', 'channel_view_days', 'bulk_actions', 'video_ratings', 'subscriptions', 'users', 'user_roles', 'sessions', 'rate_limits'];

/**
 * With seq scans priced out of reach, the planner reads a table that no index serves by walking
 * some index from end to end instead. Such a walk is told from a listing's (which walks its
 * index for the order and stops after a page) by the Limit above it and, when it ran, by
 * reading less than this share of a large table's rows.
 */
const WHOLE_TABLE_SHARE = 0.5;
const LARGE_TABLE_ROWS = 1000;

/**
 * Hot queries that are planned on every call, and why. Everything else a hot path runs must be
 * a prepared statement (prepared() in src/db/pool.ts).
 */
const NOT_PREPARED: { text: RegExp; why: string }[] = [
  { text: /^(BEGIN|COMMIT|ROLLBACK)$/, why: 'transaction control: nothing to plan' },
  {
    text: /^UPDATE "sessions" SET expire = to_timestamp\(\$1\) WHERE sid = \$2 RETURNING sid$/,
    why: "connect-pg-simple's own touch, with its own text (src/http/session.ts decides when it runs; sessions_pkey)",
  },
  {
    text: /^WITH targets AS \(/,
    why: 'related videos worked out on the watch page only for a video that has no stored list yet (once a video); the same statement does batches of 5,000 in the seed, a best plan that depends on the batch',
  },
];

/**
 * Partial indexes that hold a few rows by design whatever the catalogue's size, so reading one
 * whole is no walk through a growing table: users_not_live_idx has only banned and deleted
 * accounts, which search leaves out before paging.
 */
const SMALL_BY_DESIGN = ['users_not_live_idx'];

const ACCOUNTS = 500;
const VIDEOS = 10_000;

/** The seeded catalogue of `npm run seed`, smaller, in a database of its own. */
async function seedCatalogue(pool: Pool): Promise<void> {
  const firstAccount = await seedAccounts(pool, ACCOUNTS, WORDS, await hashPassword(SEED_PASSWORD));
  // Seeded videos copy the fixture's media details and file rows; one rendition makes a player (and its view token).
  const fixture = await insertVideo(pool, {
    publicId: 'seedfixture', ownerId: firstAccount, title: 'Seed fixture', description: '', tags: [], visibility: 'unlisted',
    originalKey: 'originals/seedfixture/source', originalName: 'fixture.mp4', originalBytes: 0, durationSeconds: 8,
    width: 1280, height: 720, frameRate: 30, videoCodec: 'h264', audioCodec: 'aac', probe: {},
  });
  await insertVideoFile(pool, fixture.id, { kind: 'rendition', name: '720p-seed.mp4', storageKey: 'videos/seedfixture/720p-seed.mp4', mimeType: 'video/mp4', width: 1280, height: 720, bytes: 1000 });
  await seedLoad(pool, { count: VIDEOS, accounts: ACCOUNTS, fixtureId: fixture.id, viewsPerVideo: 8, ratingsPerVideo: 2, subscriptionsPerAccount: 20 }, WORDS);
}

describe('Query plans of the hot paths', function () {
  this.timeout(300_000);
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let recorded: RecordedQuery[];
  let tableRows: Map<string, number>;

  before(async () => {
    database = await freshDatabase();
    const recorder = recordQueries(database.pool);
    await seedCatalogue(database.pool);
    // Home reads the stored list the worker keeps.
    await refreshPopularVideos(database.pool);
    const { app } = createTestApp({}, database.pool);
    await visitHotPaths(app, await pickSubjects(database.pool), recorder.during);
    recorded = recorder.recorded;
    const client = await database.pool.connect();
    try {
      tableRows = await estimatedTableRows(client, GROWING_TABLES);
    } finally {
      client.release();
    }
  });

  after(async () => {
    await database?.drop();
  });

  /** Each recorded query once per distinct values, with the requests that ran it. */
  function distinctQueries(filter: (q: RecordedQuery) => boolean): { query: RecordedQuery; requests: string[] }[] {
    const distinct = new Map<string, { query: RecordedQuery; requests: string[] }>();
    for (const q of recorded.filter(filter)) {
      const key = JSON.stringify([q.text, q.values]);
      const seen = distinct.get(key) ?? distinct.set(key, { query: q, requests: [] }).get(key)!;
      if (!seen.requests.includes(q.request)) seen.requests.push(q.request);
    }
    return [...distinct.values()];
  }

  const plannable = (q: RecordedQuery) => /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i.test(q.text);
  const describeQuery = (q: RecordedQuery, requests: string[]) => `${q.name ?? q.text.replace(/\s+/g, ' ').slice(0, 80)} (${requests.join(', ')})`;

  /**
   * Where a plan reads a growing table from end to end: a seq scan, a bitmap made without a
   * condition, or an index walked without a condition unless for its order under a Limit (of
   * its own statement: a CTE or subquery planned apart does not stop at its parent's Limit)
   * and, when it ran, stopping well before the end. A write is explained without running it
   * (its recorded values may no longer fit the rows), so there only the Limit tells.
   */
  function wholeTableReads(node: PlanNode, analyzed: boolean, underLimit = false): string[] {
    const limited = node['Node Type'] === 'Limit' || (underLimit && !['InitPlan', 'SubPlan'].includes(node['Parent Relationship'] ?? ''));
    const below = (node.Plans ?? []).flatMap((child) => wholeTableReads(child, analyzed, limited));
    const table = node['Relation Name'];
    if (!table || !GROWING_TABLES.includes(table)) return below;
    if (node['Node Type'] === 'Seq Scan') return [`Seq Scan on ${table}`, ...below];
    // A bitmap cannot serve an order: made without a condition, it holds the whole (partial) index.
    const bitmaps = node['Node Type'] === 'Bitmap Heap Scan' ? planNodes(node).filter((n) => n['Node Type'] === 'Bitmap Index Scan') : [];
    const whole = bitmaps.find((n) => !n['Index Cond']);
    if (whole) return [`Bitmap Heap Scan of ${table} through all of ${whole['Index Name']}`, ...below];
    if (!['Index Scan', 'Index Only Scan'].includes(node['Node Type']) || node['Index Cond'] || SMALL_BY_DESIGN.includes(node['Index Name'] ?? '')) return below;
    const rows = tableRows.get(table) ?? 0;
    const walkedToTheEnd = analyzed && rows >= LARGE_TABLE_ROWS && rowsRead(node) >= WHOLE_TABLE_SHARE * rows;
    if (limited && !walkedToTheEnd) return below;
    const read = analyzed ? `${rowsRead(node)} of about ${rows} rows` : 'not run';
    return [`${node['Node Type']} of ${table} through ${node['Index Name']} without a condition (${read})`, ...below];
  }

  async function findWholeTableReads(queries: { query: RecordedQuery; requests: string[] }[], options: ExplainOptions): Promise<string[]> {
    const client = await database.pool.connect();
    try {
      const found: string[] = [];
      for (const { query, requests } of queries) {
        const explained = await explainQuery(client, query.text, query.values, options);
        for (const read of wholeTableReads(explained.plan, explained.analyzed)) found.push(`${describeQuery(query, requests)}: ${read}`);
      }
      return found;
    } finally {
      client.release();
    }
  }

  it('sees the queries of every hot path', () => {
    const requests = new Set(recorded.map((q) => q.request));
    assert.equal(requests.size, HOT_REQUESTS.length, `requests seen: ${[...requests].join(', ')}`);
    const names = new Set(recorded.map((q) => q.name));
    for (const name of ['find-session', 'find-video-by-public-id', 'list-public-videos', 'list-popular-videos', 'list-public-videos-of-channel', 'list-subscription-feed', 'search-videos-newest-matches-by-relevance', 'search-videos-every-match-by-relevance', 'insert-view', 'upsert-rating',
      'list-top-comments', 'list-top-comments-after', 'list-root-comments', 'list-comment-replies', 'insert-comment', 'delete-comment']) {
      assert.ok(names.has(name), `${name} was not run`);
    }
  });

  it('prepares every hot query, but those that cannot be', () => {
    const unprepared = distinctQueries((q) => q.name === null && !NOT_PREPARED.some((allowed) => allowed.text.test(q.text.trim())));
    assert.deepEqual(unprepared.map(({ query, requests }) => describeQuery(query, requests)), []);
  });

  it('gives each prepared statement a name of its own', () => {
    const texts = new Map<string, Set<string>>();
    for (const q of recorded.filter((r) => r.name !== null)) (texts.get(q.name!) ?? texts.set(q.name!, new Set()).get(q.name!)!).add(q.text);
    assert.deepEqual([...texts].filter(([, seen]) => seen.size > 1).map(([name]) => name), []);
  });

  it('reads no growing table from end to end, planned for the values each query ran with', async () => {
    const queries = distinctQueries(plannable);
    assert.deepEqual(await findWholeTableReads(queries, { plan: 'custom', forbidSeqScan: true, analyze: 'reads' }), []);
  });

  it('nor planned once for any values, as a prepared statement may be', async () => {
    const queries = distinctQueries((q) => plannable(q) && q.name !== null);
    assert.deepEqual(await findWholeTableReads(queries, { plan: 'generic', forbidSeqScan: true, analyze: 'reads' }), []);
  });
});

/** Every label visitHotPaths gives a request, so that a path it stops asking for is noticed. */
const HOT_REQUESTS = [
  'GET /watch/:id', 'GET /', 'GET /?after= (next page)', 'GET /search?q= (one word)', 'GET /search?q= (two words)', 'GET /@:handle',
  'POST /watch/:id/view', 'GET /watch/:id (signed in)', 'GET / (signed in)', 'GET /feed/subscriptions',
  'GET /feed/subscriptions?after= (next page)', 'GET /@:handle (signed in)', 'GET /studio', 'GET /studio?sort=views', 'POST /watch/:id/rate (like)', 'POST /watch/:id/rate (none)',
  'GET /watch/:id (many comments)', 'GET /watch/:id?after= (comments, next page)', 'GET /watch/:id?thread= (replies)',
  'GET /watch/:id?sort=newest (many comments)', 'GET /watch/:id?sort=newest&after= (comments, next page)', 'GET /watch/:id (many comments, signed in)', 'POST /watch/:id/comments', 'POST /comments/:id/delete',
];

/**
 * A video of the largest channel (it has related videos of its own channel), a small channel
 * (a listing that walked the whole site's videos for it would read them all), and an account
 * that follows channels.
 */
async function pickSubjects(pool: Pool): Promise<HotPathSubjects> {
  const largest = (await findChannelByHandle(pool, 'seed-1'))!;
  const [video] = await listPublicVideos(pool, { ownerId: largest.id, limit: 1 });
  let small: string | null = null;
  for (let i = ACCOUNTS; i > 1 && !small; i--) {
    const channel = (await findChannelByHandle(pool, `seed-${i}`))!;
    if ((await listPublicVideos(pool, { ownerId: channel.id, limit: 1 })).length > 0) small = channel.handle;
  }
  return {
    video: video!.publicId,
    channel: small!,
    member: { handle: 'seed-2', password: SEED_PASSWORD },
    words: [WORDS[0]!, WORDS[1]!],
    // The seed's video with 10,000 comments and 2,000 replies.
    commented: BUSY_VIDEO,
  };
}
