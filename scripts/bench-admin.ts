/**
 * The admin run of `npm run bench` (BENCH_MODE=admin alone; issue 13, item 11): the moderators'
 * pages over the seed's queue and audit log (src/db/seed-moderation.ts; `npm run seed -- --only
 * moderation` adds them to a catalogue seeded before), signed in as a seeded moderator (the role
 * `moderator`: report.handle and audit.read). Every row cycles through DRAWS addresses drawn at
 * random from the whole queue or log, not one warm address:
 * - the queue `/admin/reports`: first pages with no filter, a kind, a reason or both; later pages
 *   by the cursors their "Next" links carry (every 50th open item in the order of that filter);
 * - the audit log `/admin/audit` filtered by actor: the busy ones (1,000 rows or more: the
 *   moderators and the busiest creators) and the rare ones (fewer than 10), first pages, and
 *   later pages from a row of the actor's drawn at random; by action, by target, by days (one
 *   to seven of the last year), and later pages with no filter.
 * Signed-in pages are never in the page cache: every request is rendered.
 */
import { createRequire } from 'node:module';
import type { Pool } from '../src/db/pool.js';
import { reasonOfSeverity } from '../src/forms/report.js';
import { seededRandom, signIn } from './bench-mix.js';

const require = createRequire(import.meta.url);
interface Result { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number }
const autocannon = require('autocannon') as (opts: object) => Promise<Result>;

/** Issue 13's target: p99 under 50 ms. */
const P99_TARGET_MS = 50;
/** Paths drawn for each row, cycled through by every connection. */
const DRAWS = 2000;
const SEED = 20261203;
/** The queue's page (src/routes/admin-reports.ts): a later page's cursor is every PAGE-th item's. */
const QUEUE_PAGE = 50;
const BUSY_ACTOR_ROWS = 1000;
const RARE_ACTOR_ROWS = 10;
const DAY_MS = 86_400_000;
/**
 * Each row is measured twice: at the run's connections (16 by default: on two cores, the pages'
 * CPU time queued) and at this many, a moderator or two clicking without pause, which is the
 * load a site's few moderators put on these pages.
 */
const ALONE_CONNECTIONS = 1;

interface Options { connections: number; seconds: number; log: (line: string) => void }
interface Row { label: string; bytes: number; result: Result; alone: Result }

/** GET requests cycling through `paths` with the session's cookie, checked to answer 2xx. */
async function run(base: string, paths: string[], seconds: number, connections: number, cookie: string): Promise<Result> {
  let next = 0;
  const setupRequest = (request: { path: string }) => {
    request.path = paths[next++ % paths.length]!;
    return request;
  };
  const result = await autocannon({ url: base, connections, duration: seconds, headers: { Cookie: cookie }, requests: [{ method: 'GET', setupRequest }] });
  if (result.non2xx || result.errors) throw new Error(`${base}${paths[0]} and others: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}

/** The mean size of the first few bodies of `paths`, each checked to answer 200. */
async function bodyBytes(base: string, paths: string[], cookie: string): Promise<number> {
  const sample = paths.slice(0, 5);
  let bytes = 0;
  for (const path of sample) {
    const answer = await fetch(base + path, { headers: { Cookie: cookie }, redirect: 'manual' });
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
    bytes += (await answer.arrayBuffer()).byteLength;
  }
  return bytes / sample.length;
}

/** The cursor a queue page's "Next" link carries after this item (src/db/report-queue.ts). */
const CURSOR = `i.severity || '-' || i.report_count || '-' || (extract(epoch FROM i.first_reported_at) * 1000000)::bigint || '-' || i.id`;
const QUEUE_ORDER = '-i.severity, -i.report_count, i.first_reported_at, i.id';

/** Later pages of the queue: with no filter, each kind, each reason (an item's gravest) and each kind with each reason. */
async function queueCursors(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ kind: string | null; severity: number | null; cursor: string }>(
    `SELECT x.kind, x.severity, x.cursor FROM (
       SELECT s.kind, s.severity, ${CURSOR} AS cursor,
              row_number() OVER (PARTITION BY s.kind, s.severity ORDER BY ${QUEUE_ORDER}) AS n
       FROM report_items i
       CROSS JOIN LATERAL (VALUES (NULL, NULL), (i.target_kind, NULL), (NULL, i.severity), (i.target_kind, i.severity)) AS s (kind, severity)
       WHERE i.status = 'open'
     ) x WHERE x.n % ${QUEUE_PAGE} = 0`,
  );
  return rows.map((r) => `/admin/reports?${queueFilter(r.kind, r.severity)}after=${r.cursor}`);
}

const queueFilter = (kind: string | null, severity: number | null) =>
  `${kind ? `kind=${kind}&` : ''}${severity ? `reason=${reasonOfSeverity(severity)}&` : ''}`;

/** Every filter of the queue's first page: none, each kind, each reason, each kind with each reason. */
function queueFirstPages(): string[] {
  const paths: string[] = [];
  for (const kind of [null, 'video', 'comment', 'channel']) {
    for (let severity = 0; severity <= 9; severity++) paths.push(`/admin/reports?${queueFilter(kind, severity || null)}`.replace(/[?&]$/, ''));
  }
  return paths;
}

/** Actors of the log with their number of rows. */
async function actors(pool: Pool): Promise<{ handle: string; rows: number }[]> {
  const { rows } = await pool.query<{ handle: string; rows: number }>(
    'SELECT u.handle, c.n::int AS rows FROM (SELECT actor_id, count(*) AS n FROM audit_log WHERE actor_id IS NOT NULL GROUP BY actor_id) c JOIN users u ON u.id = c.actor_id',
  );
  return rows;
}

/** Rows of the log drawn by a hash of their id (about one in 256), with their actor's handle. */
async function sampleRows(pool: Pool) {
  const { rows } = await pool.query<{ id: string; handle: string | null; action: string; target_kind: string; target_id: string }>(
    `SELECT a.id, u.handle, a.action, a.target_kind, a.target_id FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
     WHERE hashint8(a.id) & 255 = 0`,
  );
  return rows;
}

/** The admin tables, as Markdown lines. */
export async function adminBench(pool: Pool, base: string, options: Options): Promise<string[]> {
  const { connections, seconds, log } = options;
  const { rows: staff } = await pool.query<{ handle: string; open: number; log: number }>(
    `SELECT u.handle, (SELECT count(*) FROM report_items WHERE status = 'open')::int AS open, (SELECT count(*) FROM audit_log)::int AS log
     FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = 'moderator' AND u.banned_at IS NULL AND u.deleted_at IS NULL ORDER BY md5(u.handle) LIMIT 1`,
  );
  if (!staff[0] || staff[0].open === 0) throw new Error('Seed the moderation part first: npm run seed -- --only moderation (same DATA_DIR).');
  const session = await signIn(base, staff[0].handle);
  const random = seededRandom(SEED);
  const draw = <T>(from: T[]) => Array.from({ length: DRAWS }, () => from[Math.floor(random() * from.length)]!);
  const warm = Math.min(3, seconds);

  async function measure(label: string, paths: string[]): Promise<Row> {
    if (paths.length === 0) throw new Error(`${label}: nothing to request`);
    const bytes = await bodyBytes(base, paths, session.cookie);
    log(`${label}: ${bytes.toFixed(0)} bytes…`);
    await run(base, paths, warm, connections, session.cookie);
    const result = await run(base, paths, seconds, connections, session.cookie);
    return { label, bytes, result, alone: await run(base, paths, seconds, ALONE_CONNECTIONS, session.cookie) };
  }

  log('drawing the queue\'s cursors and the log\'s actors, actions, targets and rows…');
  const cursors = await queueCursors(pool);
  const everyActor = await actors(pool);
  const busy = everyActor.filter((a) => a.rows >= BUSY_ACTOR_ROWS);
  const rare = everyActor.filter((a) => a.rows < RARE_ACTOR_ROWS);
  const sampled = await sampleRows(pool);
  const ofActors = sampled.filter((r) => r.handle !== null);
  const days = (from: number, length: number) => {
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    return `from=${day(from)}&to=${day(from + length * DAY_MS)}`;
  };
  const now = Date.now();
  const dayRanges = Array.from({ length: DRAWS }, () => `/admin/audit?${days(now - Math.floor(random() * 365) * DAY_MS, Math.floor(random() * 7))}`);

  const rows = [
    await measure('`/admin/reports`, first page: no filter, a kind, a reason or both (40 addresses)', queueFirstPages()),
    await measure(`\`/admin/reports?after=…\`, a later page (no filter, a kind, a reason or both) of ${cursors.length} at random`, draw(cursors)),
    await measure(`\`/admin/audit?actor=\`, first page, a busy actor (${busy.length}: ${BUSY_ACTOR_ROWS}+ rows each) at random`, draw(busy.map((a) => `/admin/audit?actor=${a.handle}`))),
    await measure(`\`/admin/audit?actor=\`, first page, a rare actor (${rare.length}: under ${RARE_ACTOR_ROWS} rows each) at random`, draw(rare.map((a) => `/admin/audit?actor=${a.handle}`))),
    await measure('`/admin/audit?actor=…&after=…`, an actor\'s page from one of their rows at random', draw(ofActors.map((r) => `/admin/audit?actor=${r.handle}&after=${r.id}`))),
    await measure('`/admin/audit?action=`, first page or from a row of that action at random', draw(sampled.map((r) => `/admin/audit?action=${r.action}${random() < 0.5 ? '' : `&after=${r.id}`}`))),
    await measure('`/admin/audit?kind=…&target=…`, a target of the log at random', draw(sampled.map((r) => `/admin/audit?kind=${r.target_kind}&target=${encodeURIComponent(r.target_id)}`))),
    await measure('`/admin/audit?from=…&to=…`, one to seven days of the last year', dayRanges),
    await measure('`/admin/audit?after=…`, no filter, a later page from a row at random', draw(sampled.map((r) => `/admin/audit?after=${r.id}`))),
  ];

  const slow = (pick: (row: Row) => Result) => {
    const over = rows.filter((row) => pick(row).latency.p99 >= P99_TARGET_MS);
    return over.length ? `**unmet** for ${over.map((r) => `${r.label} (${pick(r).latency.p99} ms)`).join(', ')}` : '**met** for every row';
  };
  const figures = (r: Result) => `${r.requests.average.toFixed(0)} | ${r.latency.p50} / ${r.latency.p99} ms`;
  const line = (row: Row) => `| ${row.label} | ${(row.bytes / 1024).toFixed(1)} KiB | ${figures(row.result)} | ${figures(row.alone)} |`;
  return [
    `### Moderation pages (autocannon, ${connections} and ${ALONE_CONNECTIONS} connection${ALONE_CONNECTIONS === 1 ? '' : 's'} × ${seconds} s each, after ${warm} s of warm-up)`, '',
    `Signed in as ${staff[0].handle} (a seeded moderator); ${staff[0].open} open report items, ${staff[0].log} audit log rows (${everyActor.length} actors). Rows cycle through up to ${DRAWS} addresses drawn at random; every page rendered (signed-in pages are never cached).`, '',
    `| Request | Body | req/s (${connections}) | p50 / p99 (${connections}) | req/s (${ALONE_CONNECTIONS}) | p50 / p99 (${ALONE_CONNECTIONS}) |`, '|---|---|---|---|---|---|',
    ...rows.map(line),
    '',
    `- Target: p99 under ${P99_TARGET_MS} ms at ${connections} connections: ${slow((r) => r.result)}.`,
    `- Target: p99 under ${P99_TARGET_MS} ms at ${ALONE_CONNECTIONS} connection${ALONE_CONNECTIONS === 1 ? '' : 's'}: ${slow((r) => r.alone)}.`,
  ];
}
