/**
 * npm run bench: requests per second and p50/p99 latency of the main pages over a seeded
 * catalogue (`npm run seed -- --users 10000 --videos 100000` first, same DATA_DIR), each beside
 * a bare Express route in the same process sending a static body of the same size. autocannon,
 * 16 connections, 10 s each, with the page cache on (as served) and off (every request rendered).
 * Prints a Markdown table (the README keeps the latest).
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
import { SEED_PASSWORD } from '../src/cli/seed-words.js';
import { ROOT_DIR } from '../src/paths.js';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as (opts: object) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number }>;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const config = loadConfig();
const database = await openDatabase(config, createLogger('warn'));
const pool = createPool(database.url, 2);
/** A server process with the bare route beside the site; `env` adds settings (the page cache's). */
async function startServer(env: Record<string, string>) {
  const port = await freePort();
  const child = fork(path.join(ROOT_DIR, 'scripts', 'bench-server.ts'), [], {
    // BENCH_PROFILE=dir writes a V8 CPU profile of the server there (open it in Chrome's DevTools).
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [])],
    // Every request comes from one address here, which per-address limits would take for a flood.
    env: { ...process.env, DATABASE_URL: database.url, PORT: String(port), LOG_LEVEL: 'warn', WORKER: 'off', SEARCHES_PER_MINUTE: '1000000', VIEWS_PER_HOUR: '1000000', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}
// The site as configured (page cache on for signed-out visitors), and the same with the cache
// off: every request rendered from the database, as for a page nobody asked for in the last seconds.
const server = await startServer({});
const uncached = await startServer({ PAGE_CACHE_SECONDS: '0' });
const base = server.base;

try {
  const { rows: seeded } = await pool.query(`SELECT count(*)::int AS n FROM videos`);
  if (seeded[0].n < 1000) throw new Error('Seed first: npm run seed -- --users 10000 --videos 100000 (same DATA_DIR or DATABASE_URL).');
  const { rows: video } = await pool.query(`SELECT public_id FROM videos WHERE status = 'ready' AND visibility = 'public' ORDER BY view_count DESC LIMIT 1`);
  const { rows: channel } = await pool.query(`SELECT u.handle FROM users u ORDER BY subscriber_count DESC LIMIT 1`);
  const { rows: fan } = await pool.query(`SELECT u.handle FROM users u JOIN subscriptions s ON s.subscriber_id = u.id GROUP BY u.handle ORDER BY count(*) DESC LIMIT 1`);
  // The most and one of the least frequent words in the titles of listed videos (ts_stat).
  const { rows: words } = await pool.query(`
    WITH stat AS MATERIALIZED (SELECT word, ndoc FROM ts_stat($$SELECT to_tsvector('english', title) FROM videos WHERE status = 'ready' AND visibility = 'public'$$) WHERE length(word) > 2)
    SELECT (SELECT word FROM stat ORDER BY ndoc DESC, word LIMIT 1) AS common, (SELECT word FROM stat ORDER BY ndoc ASC, word LIMIT 1) AS rare`);

  // A signed-in session for the subscription feed, through the real form.
  // Cookies by name: the form sets the CSRF cookie, the sign-in the session and device cookies.
  const cookieNamed = (res: Response, name: string) => res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`));
  const form = await fetch(`${base}/login`);
  const cookie = cookieNamed(form, 'tubestead-csrf') ?? '';
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const login = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, login: fan[0].handle, password: SEED_PASSWORD }) });
  const session = cookieNamed(login, 'tubestead');
  if (login.status !== 303 || !session) throw new Error(`signing in answered ${login.status}`);

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
    process.stderr.write(`${label}: ${size} bytes…\n`);
    const page = await autocannon({ url: base + url, connections: CONNECTIONS, duration: SECONDS, headers });
    const miss = await autocannon({ url: uncached.base + url, connections: CONNECTIONS, duration: SECONDS, headers });
    const bare = await autocannon({ url: `${base}/__bare/${size}`, connections: CONNECTIONS, duration: SECONDS });
    for (const [name, result] of [['page', page], ['uncached page', miss]] as const) {
      if (result.non2xx || result.errors) throw new Error(`${url} (${name}): ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    }
    const ratio = (r: typeof page) => (r.requests.average / bare.requests.average).toFixed(2);
    rows.push(`| \`${label}\` | ${(size / 1024).toFixed(1)} KiB | ${page.requests.average.toFixed(0)} | ${page.latency.p50} / ${page.latency.p99} ms | ${miss.requests.average.toFixed(0)} | ${miss.latency.p50} / ${miss.latency.p99} ms | ${bare.requests.average.toFixed(0)} | ${bare.latency.p50} / ${bare.latency.p99} ms | ${ratio(page)} | ${ratio(miss)} |`);
  }
  const { rows: counts } = await pool.query(`SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM videos) AS videos, (SELECT count(*) FROM video_views) AS views, (SELECT count(*) FROM video_ratings) AS ratings, (SELECT count(*) FROM subscriptions) AS subscriptions`);
  const c = counts[0];
  console.log(`Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}: ${c.users} users, ${c.videos} videos, ${c.views} views, ${c.ratings} ratings, ${c.subscriptions} subscriptions; autocannon ${CONNECTIONS} connections × ${SECONDS} s each.\n`);
  console.log('| Page | Body | Page req/s | Page p50 / p99 | Uncached req/s | Uncached p50 / p99 | Bare req/s | Bare p50 / p99 | Page ÷ bare | Uncached ÷ bare |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
} finally {
  server.child.kill('SIGTERM');
  uncached.child.kill('SIGTERM');
  await pool.end();
  await database.stop();
}
process.exit(0);
