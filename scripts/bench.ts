/**
 * npm run bench: how fast the site answers over a seeded catalogue
 * (`npm run seed -- --users 10000 --videos 100000` first, same DATA_DIR). Five modes, all by
 * default (BENCH_MODE=mixed, single, studio, comments or playlists for one):
 * - mixed: traffic drawn from the whole catalogue as real visitors spread it (bench-mix.ts),
 *   per class req/s, p50/p99 and page cache hits, beside a bare `node:http` server answering
 *   the same client with a body of the mix's average size; then the same mix while a 1080p
 *   upload is processed (bench-upload.ts; BENCH_UPLOAD=off skips it);
 * - single: one address per page, with the page cache on (as served) and off (every request
 *   rendered), each beside a bare Express route sending a body of the same size (autocannon);
 * - studio: the studio list of a 10,000-video channel and the statistics of a video with a
 *   million views, signed in (bench-studio.ts seeds them into the catalogue);
 * - comments: the watch page of the seeded video with 10,000 comments beside one without,
 *   signed out (page cache off) and signed in, its second page of comments, and posting a
 *   comment (bench-comments.ts);
 * - playlists: the page of a seeded 5,000-video playlist (first and deep pages), watch pages with
 *   `?list=` into it beside the same pages without, moving its last item to the top, and the rows
 *   one move touches (bench-playlists.ts; `npm run seed -- --only playlists` adds the playlists
 *   to a catalogue seeded before them);
 * - admin: the moderators' queue and audit log, signed in as a seeded moderator, first and later
 *   pages with every filter drawn over the whole queue and log (bench-admin.ts; `npm run seed --
 *   --only moderation` adds them to a catalogue seeded before them). Not part of the default run.
 * BENCH_CONNECTIONS (16) and BENCH_SECONDS (10) for each run. Prints Markdown tables (the
 * README keeps the latest).
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connect.js';
import { freePort } from '../src/db/embedded.js';
import { createPool } from '../src/db/pool.js';
import { createLogger } from '../src/log.js';
import { resolveBinaries } from '../src/media/ffmpeg.js';
import { ROOT_DIR } from '../src/paths.js';
import { driveMix, mergeResults, summarizeMix } from './bench-client.js';
import { findFollowers, loadCatalogue, planMix, signIn } from './bench-mix.js';
import { mixTable, targetLines } from './bench-report.js';
import { commentsBench } from './bench-comments.js';
import { playlistsBench } from './bench-playlists.js';
import { adminBench } from './bench-admin.js';
import { studio } from './bench-studio.js';
import { deleteUpload, makeClip, processingState, startWorker, stopWorker, uploadClip, waitForEncoding } from './bench-upload.js';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as (opts: object) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number }>;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const MODE = process.env.BENCH_MODE ?? 'both';
if (!['both', 'mixed', 'single', 'studio', 'comments', 'playlists', 'admin'].includes(MODE)) throw new Error('BENCH_MODE is mixed, single, studio, comments, playlists, admin, or unset for all but admin.');
/** Signed-in visitors of the mix: seeded accounts that follow channels. */
const SESSIONS = 20;
/** The draws of the mix, the same every run. */
const MIX_SEED = 20261203;
/** Issue 9's target for a random watch page with the page cache off, as a share of the bare server. */
const UNCACHED_WATCH_TARGET = 0.1;
/**
 * Not recorded: the server's code compiled and its caches (Postgres's buffers among them) filled,
 * as on a site that has been up a while. With 3 s, the run after the upload went a third faster
 * than the first one.
 */
const WARM_UP_SECONDS = Math.min(10, SECONDS);
const CLIP_SECONDS = 40;
/** How long the worker may take to start encoding the upload (probe, queue polling) before the mix runs. */
const ENCODING_START_SECONDS = 180;

const config = loadConfig();
const database = await openDatabase(config, createLogger('warn'));
const pool = createPool(database.url, 2);
/** A server process with the two baselines beside the site (bench-server.ts); `env` adds settings (the page cache's). */
async function startServer(env: Record<string, string>) {
  const port = await freePort();
  const barePort = await freePort();
  const child = fork(path.join(ROOT_DIR, 'scripts', 'bench-server.ts'), [], {
    // BENCH_PROFILE=dir writes a V8 CPU profile of the server there (open it in Chrome's DevTools).
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [])],
    // Every request comes from one address here, which per-address limits would take for a flood;
    // the upload's account uploads again at every run; the comments run posts from a few accounts.
    env: {
      ...process.env, DATABASE_URL: database.url, PORT: String(port), BARE_PORT: String(barePort), LOG_LEVEL: 'warn', WORKER: 'off',
      SEARCHES_PER_MINUTE: '1000000', VIEWS_PER_HOUR: '1000000', LOGIN_MAX_FAILURES: '1000', LOGIN_MAX_FAILURES_PER_ADDRESS: '10000',
      UPLOADS_PER_DAY: '1000000', UPLOADS_PROCESSING_MAX: '10000', COMMENTS_PER_MINUTE: '1000000', COMMENTS_PER_DAY: '1000000', ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  /** Sets the size of the bare server's body. */
  const setBareBytes = (bytes: number) => new Promise<void>((resolve) => {
    child.once('message', () => resolve());
    child.send({ bareBytes: bytes });
  });
  return { child, base: `http://127.0.0.1:${port}`, bareBase: `http://127.0.0.1:${barePort}`, setBareBytes };
}
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The mixed mode's tables, as Markdown lines. */
async function mixed(server: Awaited<ReturnType<typeof startServer>>): Promise<string[]> {
  const catalogue = await loadCatalogue(pool);
  const sessions = [];
  for (const handle of await findFollowers(pool, SESSIONS)) sessions.push(await signIn(server.base, handle));
  const plan = planMix(catalogue, sessions, MIX_SEED);
  const drive = (base: string, seconds: number, readTokens = true) => driveMix(base, plan, { seconds, connections: CONNECTIONS, readTokens });
  log(`mix over ${catalogue.videos.length} videos and ${catalogue.channels.length} channels, ${sessions.length} signed-in sessions: warming up ${WARM_UP_SECONDS} s…`);
  await drive(server.base, WARM_UP_SECONDS);
  log('mix against the site…');
  const siteRun = await drive(server.base, SECONDS);
  const site = summarizeMix(siteRun);
  const averageBytes = Math.round(site.total.bytes / site.total.requests);
  await server.setBareBytes(averageBytes);
  log(`mix against the bare node:http server (${averageBytes} bytes a body)…`);
  await drive(server.bareBase, Math.min(1, SECONDS), false);
  const bare = summarizeMix(await drive(server.bareBase, SECONDS, false)).total;

  const lines = [
    `### The mix (${CONNECTIONS} connections, ${SECONDS} s, after ${WARM_UP_SECONDS} s of warm-up)`, '',
    `Zipf (s = 1) over ${catalogue.videos.length} listed videos (by views) and ${catalogue.channels.length} channels (by subscribers); search words Zipf over the ${plan.vocabularySize}-word seeded vocabulary; ${sessions.length} signed-in sessions; ${config.webProcesses} web process${config.webProcesses === 1 ? '' : 'es'} (WEB_PROCESSES). Bare: \`node:http\` in as many processes, ${averageBytes} bytes (the mix's average body as sent).`, '',
    ...mixTable(site, { bare }),
    '', ...targetLines(site, bare, null),
    '', ...(await uncachedWatch(catalogue, sessions, server)),
  ];

  if (process.env.BENCH_UPLOAD === 'off') return lines;
  log(`a ${CLIP_SECONDS} s 1080p clip (ffmpeg testsrc2)…`);
  const clip = await makeClip(resolveBinaries(config).ffmpeg, CLIP_SECONDS);
  const worker = startWorker(database.url);
  const uploader = sessions[0]!;
  let publicId: string | null = null;
  let busy;
  let progress;
  try {
    publicId = await uploadClip(server.base, uploader, clip);
    log(`uploaded as ${uploader.handle} (${publicId}); waiting for the worker to encode…`);
    const before = await waitForEncoding(pool, publicId, ENCODING_START_SECONDS);
    log(`mix while it is processed (${before.progress} % done)…`);
    busy = await drive(server.base, SECONDS);
    progress = { before, after: await processingState(pool, publicId) };
  } finally {
    await stopWorker(worker);
    if (publicId) await deleteUpload(server.base, uploader, publicId);
  }
  // Other work on the machine comes and goes: the run without the upload is repeated after it,
  // and the one beside it is compared with both together.
  log('the mix again, without the upload…');
  await drive(server.base, WARM_UP_SECONDS);
  const againRun = await drive(server.base, SECONDS);
  const quiet = summarizeMix(mergeResults(siteRun, againRun));
  const again = summarizeMix(againRun);
  lines.push(
    '', `### The mix while a 1080p upload is processed`, '',
    `A ${CLIP_SECONDS} s 1920×1080 30 fps clip uploaded through the upload form as ${uploader.handle}, processed by a worker process (\`npm run worker\`, WORKER_CONCURRENCY=${config.workerConcurrency}, FFMPEG_PRESET=${config.ffmpegPreset}); the mix ran from ${progress.before.progress} % to ${progress.after.progress} % of its processing (${progress.after.status}). Without the upload, the mix ran ${site.total.perSecond.toFixed(0)} req/s before it and ${again.total.perSecond.toFixed(0)} after it (p99 ${again.total.p99.toFixed(0)} ms); "÷ without upload" is against both runs together.`, '',
    ...mixTable(summarizeMix(busy), { bare, quiet }),
    '', ...targetLines(quiet, bare, summarizeMix(busy)),
  );
  return lines;
}

/**
 * Signed-out watch pages of random videos (the same Zipf draws) from a server with the page
 * cache off, so that every one is rendered: what a video nobody opened in the last seconds
 * costs. Beside the bare server sending the average watch page's size.
 */
async function uncachedWatch(catalogue: Awaited<ReturnType<typeof loadCatalogue>>, sessions: Awaited<ReturnType<typeof signIn>>[], cached: Awaited<ReturnType<typeof startServer>>): Promise<string[]> {
  const uncached = await startServer({ PAGE_CACHE_SECONDS: '0' });
  try {
    const plan = planMix(catalogue, sessions, MIX_SEED, { watch: 1 });
    log('random watch pages, page cache off…');
    await driveMix(uncached.base, plan, { seconds: WARM_UP_SECONDS, connections: CONNECTIONS, readTokens: false });
    const page = summarizeMix(await driveMix(uncached.base, plan, { seconds: SECONDS, connections: CONNECTIONS, readTokens: false })).total;
    const bytes = Math.round(page.bytes / page.requests);
    await cached.setBareBytes(bytes);
    const bare = summarizeMix(await driveMix(cached.bareBase, plan, { seconds: SECONDS, connections: CONNECTIONS, readTokens: false })).total;
    const ratio = page.perSecond / bare.perSecond;
    return [
      `#### A random watch page, page cache off`, '',
      '| | req/s | p50 / p99 | Non-2xx |', '|---|---|---|---|',
      `| \`/watch/:id\`, Zipf over every listed video, every one rendered | ${page.perSecond.toFixed(0)} | ${page.p50.toFixed(0)} / ${page.p99.toFixed(0)} ms | ${page.non2xx.size || page.errors ? 'some' : 0} |`,
      `| Bare \`node:http\`, ${bytes} bytes (the average watch page as sent) | ${bare.perSecond.toFixed(0)} | ${bare.p50.toFixed(1)} / ${bare.p99.toFixed(1)} ms | – |`,
      '', `- Target: a random watch page with the page cache off at least ${UNCACHED_WATCH_TARGET} of the bare server: ${ratio.toFixed(3)}, ${ratio >= UNCACHED_WATCH_TARGET ? 'met' : '**unmet**'}.`,
    ];
  } finally {
    uncached.child.kill('SIGTERM');
  }
}

/** The single-address table, as Markdown lines: each page beside a bare Express route sending as many bytes. */
async function singleAddress(server: Awaited<ReturnType<typeof startServer>>, uncached: Awaited<ReturnType<typeof startServer>>): Promise<string[]> {
  const base = server.base;
  const { rows: video } = await pool.query(`SELECT public_id FROM videos WHERE status = 'ready' AND visibility = 'public' ORDER BY view_count DESC LIMIT 1`);
  const { rows: channel } = await pool.query(`SELECT u.handle FROM users u ORDER BY subscriber_count DESC LIMIT 1`);
  const { rows: fan } = await pool.query(`SELECT u.handle FROM users u JOIN subscriptions s ON s.subscriber_id = u.id GROUP BY u.handle ORDER BY count(*) DESC LIMIT 1`);
  // The most and one of the least frequent words in the titles of listed videos (ts_stat).
  const { rows: words } = await pool.query(`
    WITH stat AS MATERIALIZED (SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('english', title) FROM videos WHERE status = 'ready' AND visibility = 'public'$$) WHERE length(word) > 2)
    SELECT (SELECT word FROM stat ORDER BY ndoc DESC, word LIMIT 1) AS common, (SELECT word FROM stat ORDER BY ndoc ASC, word LIMIT 1) AS rare`);
  // A signed-in session for the subscription feed, through the real form.
  const session = (await signIn(base, fan[0].handle)).cookie;

  const pages: [string, string, Record<string, string>][] = [
    ['/', '/', {}],
    ['/watch/:id', `/watch/${video[0].public_id}`, {}],
    ['/@handle', `/@${channel[0].handle}`, {}],
    ['/feed/subscriptions (signed in)', '/feed/subscriptions', { Cookie: session }],
    [`/search?q=${words[0].common} (common)`, `/search?q=${encodeURIComponent(words[0].common)}`, {}],
    [`/search?q=${words[0].rare} (rare)`, `/search?q=${encodeURIComponent(words[0].rare)}`, {}],
    // Both words: rare enough to be ranked over every match through the GIN index.
    [`/search?q=${words[0].common} ${words[0].rare} (both)`, `/search?q=${encodeURIComponent(`${words[0].common} ${words[0].rare}`)}`, {}],
  ];
  const rows: string[] = [];
  // BENCH_ONLY=search,watch measures only the pages whose label contains one of these ("/" is home alone).
  const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
  const chosen = ([label]: (typeof pages)[number]) => !only || only.some((word) => (word === '/' ? label === '/' : label.includes(word)));
  for (const [label, url, headers] of pages.filter(chosen)) {
    const probe = await fetch(base + url, { headers, redirect: 'manual' });
    if (probe.status !== 200) throw new Error(`${url} answered ${probe.status}`);
    const size = (await probe.arrayBuffer()).byteLength;
    log(`${label}: ${size} bytes…`);
    const page = await autocannon({ url: base + url, connections: CONNECTIONS, duration: SECONDS, headers });
    const miss = await autocannon({ url: uncached.base + url, connections: CONNECTIONS, duration: SECONDS, headers });
    const bare = await autocannon({ url: `${base}/__bare/${size}`, connections: CONNECTIONS, duration: SECONDS });
    for (const [name, result] of [['page', page], ['uncached page', miss]] as const) {
      if (result.non2xx || result.errors) throw new Error(`${url} (${name}): ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    }
    const ratio = (r: typeof page) => (r.requests.average / bare.requests.average).toFixed(2);
    rows.push(`| \`${label}\` | ${(size / 1024).toFixed(1)} KiB | ${page.requests.average.toFixed(0)} | ${page.latency.p50} / ${page.latency.p99} ms | ${miss.requests.average.toFixed(0)} | ${miss.latency.p50} / ${miss.latency.p99} ms | ${bare.requests.average.toFixed(0)} | ${bare.latency.p50} / ${bare.latency.p99} ms | ${ratio(page)} | ${ratio(miss)} |`);
  }
  return [
    `### One address per page (autocannon, ${CONNECTIONS} connections × ${SECONDS} s each)`, '',
    '| Page | Body | Page req/s | Page p50 / p99 | Uncached req/s | Uncached p50 / p99 | Bare req/s | Bare p50 / p99 | Page ÷ bare | Uncached ÷ bare |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ];
}

// The site as configured (page cache on for signed-out visitors), and for the single-address
// table the same with the cache off: every request rendered from the database, as for a page
// nobody asked for in the last seconds.
const loadBefore = os.loadavg();
const server = await startServer({});
const uncached = ['both', 'single', 'comments', 'playlists'].includes(MODE) ? await startServer({ PAGE_CACHE_SECONDS: '0' }) : null;
try {
  const { rows: seeded } = await pool.query(`SELECT count(*)::int AS n FROM videos`);
  if (seeded[0].n < 1000) throw new Error('Seed first: npm run seed -- --users 10000 --videos 100000 (same DATA_DIR or DATABASE_URL).');
  const tables: string[] = [];
  if (MODE === 'both' || MODE === 'mixed') tables.push(...(await mixed(server)), '');
  if (uncached && (MODE === 'both' || MODE === 'single')) tables.push(...(await singleAddress(server, uncached)), '');
  if (MODE === 'both' || MODE === 'studio') tables.push(...(await studio(pool, server.base, { connections: CONNECTIONS, seconds: SECONDS, log })), '');
  if (uncached && (MODE === 'both' || MODE === 'comments')) tables.push(...(await commentsBench(pool, server.base, uncached.base, { connections: CONNECTIONS, seconds: SECONDS, log })), '');
  if (uncached && (MODE === 'both' || MODE === 'playlists')) tables.push(...(await playlistsBench(pool, server.base, uncached.base, { connections: CONNECTIONS, seconds: SECONDS, log })));
  if (MODE === 'admin') tables.push(...(await adminBench(pool, server.base, { connections: CONNECTIONS, seconds: SECONDS, log })));
  // Views as a running site keeps them: the last hours' as rows, older ones as daily counts (rollUpViews).
  const { rows: counts } = await pool.query(`SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM videos) AS videos, (SELECT count(*) FROM video_views) + (SELECT coalesce(sum(views), 0) FROM video_view_days) AS views, (SELECT count(*) FROM video_views) AS recent_views, (SELECT count(*) FROM video_ratings) AS ratings, (SELECT count(*) FROM subscriptions) AS subscriptions, (SELECT count(*) FROM comments) AS comments, (SELECT count(*) FROM comment_ratings) AS comment_ratings, (SELECT count(*) FROM playlists) AS playlists, (SELECT count(*) FROM playlist_items) AS playlist_items, (SELECT count(*) FROM report_items WHERE status = 'open') AS open_items, (SELECT count(*) FROM reports) AS reports, (SELECT count(*) FROM audit_log) AS audit_rows`);
  const c = counts[0];
  console.log(`Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}: ${c.users} users, ${c.videos} videos, ${c.views} views (${c.recent_views} of them as rows of the last hours, the rest as daily counts), ${c.ratings} ratings, ${c.subscriptions} subscriptions, ${c.comments} comments, ${c.comment_ratings} comment ratings, ${c.playlists} playlists with ${c.playlist_items} items, ${c.open_items} open report items (${c.reports} reports in all), ${c.audit_rows} audit log rows; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before (other work shares the machine).\n`);
  console.log(tables.join('\n'));
} finally {
  server.child.kill('SIGTERM');
  uncached?.child.kill('SIGTERM');
  await pool.end();
  await database.stop();
}
process.exit(0);
