/**
 * EXPLAIN ANALYZE of every query the hot paths run (hot-paths.ts), on a seeded catalogue:
 *
 *   DATA_DIR=/path/to/seeded/data npx tsx scripts/explain-hot.ts [--plans]
 *
 * (or DATABASE_URL). The hot paths are requested through the application twice: for the most
 * viewed video, the most followed channel and one of its followers, then for the least viewed
 * video, the least followed channel and another follower; each
 * query they ran is then explained with its values as a prepared statement, planned for those
 * values (custom) and for any values (generic, what plan_cache_mode=auto may switch to), in a
 * transaction rolled back afterwards. Prints, per query, planning and execution milliseconds
 * (the median of a few runs), the rows it returned, and what would grow with the catalogue: seq
 * scans, indexes walked end to end, sorts of many rows. --plans prints each plan tree too.
 * It writes a view and a like of the chosen videos (then takes the like back), and posts a
 * comment to the seed's busy video (then deletes it): use a copy.
 */
import { loadConfig, resolveSessionSecret } from '../src/config.js';
import { openDatabase } from '../src/db/connect.js';
import { explainQuery, planNodes, rowsRead, type Explained, type PlanNode } from '../src/db/explain.js';
import { createPool } from '../src/db/pool.js';
import { createApp } from '../src/app.js';
import { startQueue } from '../src/jobs/queue.js';
import { createLogger } from '../src/log.js';
import { findChannelByHandle } from '../src/db/channels.js';
import { listFollowedChannels } from '../src/db/subscriptions.js';
import { SEED_PASSWORD } from '../src/cli/seed-words.js';
import { BUSY_VIDEO } from '../src/db/seed-comments.js';
import { findFollowers, loadCatalogue } from './bench-mix.js';
import { recordQueries, visitHotPaths, type HotPathSubjects, type RecordedQuery } from './hot-paths.js';

const RUNS = 3;
/** Seeded followers looked through for one of the most followed channel, whose feed holds its many videos. */
const FOLLOWERS_LOOKED_AT = 200;
/** A sort or an end-to-end index walk over this many rows is worth a look. */
const MANY_ROWS = 1000;
const SHOW_PLANS = process.argv.includes('--plans');

/** Explains each query once per distinct values, naming every request that ran it so. */
async function report(recorded: RecordedQuery[]): Promise<void> {
  const distinct = new Map<string, { query: RecordedQuery; requests: string[] }>();
  for (const q of recorded.filter((r) => /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i.test(r.text))) {
    const key = JSON.stringify([q.text, q.values]);
    const seen = distinct.get(key) ?? distinct.set(key, { query: q, requests: [] }).get(key)!;
    seen.requests.push(q.request);
  }
  const client = await pool.connect();
  try {
    for (const { query: q, requests } of distinct.values()) {
      const custom = await median(() => explainQuery(client, q.text, q.values, { plan: 'custom', forbidSeqScan: false, analyze: 'all' }));
      const generic = await median(() => explainQuery(client, q.text, q.values, { plan: 'generic', forbidSeqScan: false, analyze: 'all' }));
      const title = q.name ?? `(not prepared) ${q.text.replace(/\s+/g, ' ').trim().slice(0, 60)}…`;
      console.log(`\n${title} ${JSON.stringify(q.values).slice(0, 80)}\n  ${[...new Set(requests)].join(', ')}`);
      console.log(`  custom:  ${figures(custom)}${concerns(custom.plan)}`);
      console.log(`  generic: ${figures(generic)}${concerns(generic.plan)}`);
      if (SHOW_PLANS) console.log(tree(custom.plan, '    '));
    }
  } finally {
    client.release();
  }
}

/** Among `followers`, one who follows `handle`, else the first. */
async function findFollowerOf(followers: string[], handle: string): Promise<string> {
  for (const follower of followers) {
    const account = (await findChannelByHandle(pool, follower))!;
    const followed = await listFollowedChannels(pool, account.id, FOLLOWERS_LOOKED_AT);
    if (followed.some((c) => c.handle === handle)) return follower;
  }
  return followers[0]!;
}

/** The run of median execution time among RUNS (the first often reads from disk). */
async function median(run: () => Promise<Explained>): Promise<Explained> {
  const runs: Explained[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run());
  return runs.sort((a, b) => (a.executionMs ?? 0) - (b.executionMs ?? 0))[Math.floor(RUNS / 2)]!;
}

function figures({ analyzed, planningMs, executionMs, plan }: Explained): string {
  if (!analyzed) return 'a write that cannot run again with its recorded values: plan only';
  return `planning ${planningMs!.toFixed(2)} ms, execution ${executionMs!.toFixed(2)} ms, ${plan['Actual Rows']} rows`;
}

/** What in a plan grows with the catalogue rather than with the page. */
function concerns(plan: PlanNode): string {
  const found = planNodes(plan).flatMap((node) => {
    const type = node['Node Type'];
    if (type === 'Seq Scan') return [`Seq Scan on ${node['Relation Name']} (${rowsRead(node)} rows read)`];
    if ((type === 'Index Scan' || type === 'Index Only Scan') && !node['Index Cond'] && rowsRead(node) >= MANY_ROWS) return [`${node['Index Name']} walked over ${rowsRead(node)} rows`];
    if (type === 'Sort') {
      const input = (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0);
      if (input >= MANY_ROWS) return [`sort of ${input} rows`];
    }
    return [];
  });
  return found.length > 0 ? `\n    ⚠ ${found.join('; ')}` : '';
}

function tree(node: PlanNode, indent: string): string {
  const on = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
  const using = node['Index Name'] ? ` using ${node['Index Name']}` : '';
  const line = `${indent}${node['Node Type']}${on}${using}: ${node['Actual Rows']} rows × ${node['Actual Loops']}${node['Rows Removed by Filter'] ? `, ${node['Rows Removed by Filter']} filtered` : ''}`;
  return [line, ...(node.Plans ?? []).map((child) => tree(child, `${indent}  `))].join('\n');
}

// The page cache would answer the second request of a page without a query; limits are lifted
// as for the benchmark.
const config = loadConfig({ ...process.env, PAGE_CACHE_SECONDS: '0', SEARCHES_PER_MINUTE: '100000', VIEWS_PER_HOUR: '100000', COMMENTS_PER_MINUTE: '100000' });
const logger = createLogger('warn');
const database = await openDatabase(config, logger);
const pool = createPool(database.url, 4);
const recorder = recordQueries(pool);
// Silent: stopping the database at the end ends the queue's connections under it.
const queue = await startQueue(database.url, createLogger('silent'), { supervise: false, secret: resolveSessionSecret(config) });
try {
  const app = createApp({ config, pool, logger, sessionSecret: resolveSessionSecret(config), queue });
  const catalogue = await loadCatalogue(pool);
  const followers = await findFollowers(pool, FOLLOWERS_LOOKED_AT);
  if (catalogue.videos.length < 1000 || followers.length === 0) throw new Error('Seed first: npm run seed -- --users 10000 --videos 100000 (same DATA_DIR or DATABASE_URL).');
  const biggest = (await findChannelByHandle(pool, catalogue.channels[0]!))!;
  const fan = await findFollowerOf(followers, biggest.handle);
  const subjects: Record<string, HotPathSubjects> = {
    popular: { video: catalogue.videos[0]!, channel: biggest.handle, member: { handle: fan, password: SEED_PASSWORD }, words: ['garden', 'bicycle'], commented: BUSY_VIDEO },
    tail: { video: catalogue.videos.at(-1)!, channel: catalogue.channels.at(-1)!, member: { handle: followers.at(-1)!, password: SEED_PASSWORD }, words: ['pottery', 'telescope'], commented: BUSY_VIDEO },
  };
  for (const [label, s] of Object.entries(subjects)) {
    await visitHotPaths(app, s, (request, work) => recorder.during(`${request} [${label}]`, work));
  }
  await report(recorder.recorded);
} finally {
  await queue.stop();
  await pool.end();
  await database.stop();
}
