/**
 * The comments run of `npm run bench` (BENCH_MODE=comments alone; issue 11, item 13): the watch
 * page of the seeded video with 10,000 top-level comments and 2,000 replies (BUSY_VIDEO of
 * src/db/seed-comments.ts), signed out with the page cache off and signed in, each beside the
 * same page of the seeded video of the same shape without comments (QUIET_VIDEO), in the same
 * run; the second page of its comments (the first page's "More comments" link, as served); and
 * posting a comment to it. The comments the run posts are deleted afterwards (and the video's
 * count moved back), so every run starts from the seeded 10,000.
 */
import { createRequire } from 'node:module';
import type { Pool } from '../src/db/pool.js';
import { BUSY_ROOTS, BUSY_VIDEO, QUIET_VIDEO } from '../src/db/seed-comments.js';
import { findFollowers, signIn, type Session } from './bench-mix.js';

const require = createRequire(import.meta.url);
interface Result { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number; '2xx': number }
const autocannon = require('autocannon') as (opts: object) => Promise<Result>;

/** Issue 11's targets: the busy video's watch page within 1.2× of the quiet one's, p99 under 50 ms. */
const RATIO_TARGET = 1.2;
const P99_TARGET_MS = 50;
/** Accounts posting at once: one account's posts are taken one after another (an advisory lock). */
const POSTERS = 8;
/** The text of the bench's comments, by which they are found and deleted afterwards. */
const POSTED_PREFIX = 'Bench comment';
/** Time for the posts in flight when the run ends to be stored, before they are deleted. */
const POSTS_SETTLE_MS = 2000;

interface Row { label: string; url: string; bytes: number; result: Result }

/** The bench's posted comments gone again, and the video's count with them. */
async function deletePosted(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM comments c USING videos v
       WHERE v.public_id = $1 AND c.video_id = v.id AND c.thread_id IS NULL AND c.reply_count = 0 AND c.body LIKE $2 || ' %' AND NOT c.held
       RETURNING c.video_id
     ),
     moved AS (UPDATE videos SET comment_count = comment_count - (SELECT count(*) FROM gone) WHERE public_id = $1)
     SELECT count(*)::int AS n FROM gone`,
    [BUSY_VIDEO, POSTED_PREFIX],
  );
  return rows[0]!.n;
}

/** The comments table, as Markdown lines. `uncachedBase` is a server with PAGE_CACHE_SECONDS=0. */
export async function commentsBench(pool: Pool, base: string, uncachedBase: string, options: { connections: number; seconds: number; log: (line: string) => void }): Promise<string[]> {
  const leftOver = await deletePosted(pool);
  if (leftOver) options.log(`comments: ${leftOver} comments of an earlier run deleted`);
  const { rows: videos } = await pool.query<{ public_id: string; comment_count: number; roots: number; duration_seconds: number }>(
    `SELECT v.public_id, v.comment_count, v.duration_seconds, (SELECT count(*) FROM comments c WHERE c.video_id = v.id AND c.thread_id IS NULL)::int AS roots
     FROM videos v WHERE v.public_id = ANY($1::text[])`,
    [[BUSY_VIDEO, QUIET_VIDEO]],
  );
  const busy = videos.find((v) => v.public_id === BUSY_VIDEO);
  const quiet = videos.find((v) => v.public_id === QUIET_VIDEO);
  if (!busy || !quiet || busy.roots < BUSY_ROOTS) throw new Error('Seed with comments first: npm run seed -- --users 10000 --videos 100000 (the busy video has 10,000 comments).');
  const sessions: Session[] = [];
  for (const handle of await findFollowers(pool, POSTERS)) sessions.push(await signIn(base, handle));
  const reader = sessions[0]!;

  /** The body's size at `url`, checked to answer 200, then a warm-up. */
  async function prepare(label: string, url: string, headers: Record<string, string>): Promise<number> {
    const probe = await fetch(url, { headers, redirect: 'manual' });
    if (probe.status !== 200) throw new Error(`${url} answered ${probe.status}`);
    const bytes = (await probe.arrayBuffer()).byteLength;
    options.log(`${label}: ${bytes} bytes…`);
    await autocannon({ url, connections: options.connections, duration: Math.min(3, options.seconds), headers });
    return bytes;
  }
  async function run(url: string, headers: Record<string, string>, seconds: number): Promise<Result> {
    const result = await autocannon({ url, connections: options.connections, duration: seconds, headers });
    if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    return result;
  }
  async function measure(label: string, url: string, headers: Record<string, string> = {}): Promise<Row> {
    const bytes = await prepare(label, url, headers);
    return { label, url, bytes, result: await run(url, headers, options.seconds) };
  }
  /**
   * The busy page and the quiet one in the order A B B A, half the time each run, so that load
   * from other work rising or falling during the pair weighs on both alike. req/s is the mean of
   * the two halves; p50 and p99 the mean of the two halves' (an approximation, the halves being
   * equally long).
   */
  async function measurePair(a: [string, string], b: [string, string], headers: Record<string, string> = {}): Promise<[Row, Row]> {
    const bytesA = await prepare(a[0], a[1], headers);
    const bytesB = await prepare(b[0], b[1], headers);
    const half = Math.max(1, Math.round(options.seconds / 2));
    const a1 = await run(a[1], headers, half);
    const b1 = await run(b[1], headers, half);
    const b2 = await run(b[1], headers, half);
    const a2 = await run(a[1], headers, half);
    const mean = (x: Result, y: Result): Result => ({
      ...x,
      requests: { average: (x.requests.average + y.requests.average) / 2 },
      latency: { p50: (x.latency.p50 + y.latency.p50) / 2, p99: (x.latency.p99 + y.latency.p99) / 2 },
    });
    return [{ label: a[0], url: a[1], bytes: bytesA, result: mean(a1, a2) }, { label: b[0], url: b[1], bytes: bytesB, result: mean(b1, b2) }];
  }

  const signedIn = { Cookie: reader.cookie };
  const pairs: [Row, Row][] = [];
  pairs.push(await measurePair(
    ['`/watch/:id`, 10,000 comments, signed out, page cache off', `${uncachedBase}/watch/${BUSY_VIDEO}`],
    ['`/watch/:id`, no comments, signed out, page cache off', `${uncachedBase}/watch/${QUIET_VIDEO}`],
  ));
  pairs.push(await measurePair(
    ['`/watch/:id`, 10,000 comments, signed in', `${base}/watch/${BUSY_VIDEO}`],
    ['`/watch/:id`, no comments, signed in', `${base}/watch/${QUIET_VIDEO}`],
    signedIn,
  ));
  // The second page as the first page links it, whatever the sort and its cursor become.
  const first = await (await fetch(`${uncachedBase}/watch/${BUSY_VIDEO}`)).text();
  const more = /<a data-comments-more href="([^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&').replace(/#.*$/, '');
  if (!more) throw new Error('the busy video\'s first page has no "More comments" link');
  const second = await measure('`/watch/:id?after=…`, its second page of comments, signed out, page cache off', uncachedBase + more);
  const post = await measurePost(base, sessions, options);
  // Posts still being answered when autocannon stops would be stored after the delete.
  await new Promise((resolve) => setTimeout(resolve, POSTS_SETTLE_MS));
  const posted = await deletePosted(pool);
  options.log(`comments: ${posted} posted comments deleted again`);
  const line = (row: Row, quietRow: Row | null) => {
    const r = row.result;
    const ratio = quietRow ? `${(quietRow.result.requests.average / r.requests.average).toFixed(2)}×` : '–';
    return `| ${row.label} | ${row.bytes ? `${(row.bytes / 1024).toFixed(1)} KiB` : '–'} | ${r.requests.average.toFixed(0)} | ${r.latency.p50.toFixed(0)} / ${r.latency.p99.toFixed(0)} ms | ${ratio} |`;
  };
  const lines = [
    `### Comments (autocannon, ${options.connections} connections × ${options.seconds} s each, after 3 s of warm-up)`, '',
    `The seeded video with ${BUSY_ROOTS.toLocaleString('en')} top-level comments (${busy.comment_count.toLocaleString('en')} counted with replies; \`${BUSY_VIDEO}\`) against the seeded video of the same shape without comments (\`${QUIET_VIDEO}\`), measured in this run in the order with, without, without, with (half the time each, req/s and percentiles the mean of the halves), so that other work's load weighs on both alike. "Cost ÷ no comments" is the no-comment page's req/s over this one's: how many times as long a request takes. Signed in as ${reader.handle}; posts from ${sessions.length} accounts in turn.`, '',
    '| Request | Body | req/s | p50 / p99 | Cost ÷ no comments |', '|---|---|---|---|---|',
  ];
  for (const [withComments, without] of pairs) lines.push(line(withComments, without), line(without, null));
  lines.push(line(second, null), line(post, null));
  const worst = Math.max(...pairs.map(([a, b]) => b.result.requests.average / a.result.requests.average));
  const slow = [...pairs.map(([a]) => a), second].filter((row) => row.result.latency.p99 >= P99_TARGET_MS);
  lines.push(
    '',
    `- Target: the 10,000-comment video's watch page within ${RATIO_TARGET}× of the page without comments: ${pairs.map(([a, b]) => (b.result.requests.average / a.result.requests.average).toFixed(2)).join('× signed out, ')}× signed in, ${worst <= RATIO_TARGET ? 'met' : '**unmet**'}.`,
    `- Target: p99 under ${P99_TARGET_MS} ms for its pages: ${slow.length ? `**unmet** for ${slow.map((r) => `${r.label} (${r.result.latency.p99} ms)`).join(', ')}` : 'met'}.`,
  );
  return lines;
}

/**
 * POST /watch/:id/comments, signed in, with the session's CSRF token, as the form with scripts
 * sends it (Accept: application/json, answered 201). Each request comes from the next of the
 * accounts and has a text of its own (the same text within a minute would be the same comment).
 */
async function measurePost(base: string, sessions: Session[], options: { connections: number; seconds: number; log: (line: string) => void }): Promise<Row> {
  let sent = 0;
  const url = `${base}/watch/${BUSY_VIDEO}/comments`;
  const setupRequest = (request: { headers: Record<string, string>; body: string }) => {
    const session = sessions[sent % sessions.length]!;
    sent += 1;
    request.headers = { ...request.headers, Cookie: session.cookie, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
    request.body = new URLSearchParams({ body: `${POSTED_PREFIX} ${sent} at ${Date.now()}: 1:05 the moment this starts`, _csrf: session.csrf }).toString();
    return request;
  };
  const run = () => autocannon({ url, method: 'POST', connections: options.connections, duration: options.seconds, requests: [{ method: 'POST', setupRequest }] });
  options.log('POST /watch/:id/comments…');
  const result = await run();
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors (are COMMENTS_PER_MINUTE and COMMENTS_PER_DAY lifted?)`);
  return { label: `\`POST /watch/:id/comments\` (signed in, to the 10,000-comment video)`, url, bytes: 0, result };
}
