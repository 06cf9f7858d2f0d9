/**
 * npm run bench:fanout: a new video of a channel with 100,000 subscribers (issue 14, item 3).
 * On a database of its own (an embedded Postgres in a temporary directory, removed at the end),
 * seeds one channel and its subscribers, starts the site as `npm start` does (src/server.ts,
 * its worker in the same process, WEB_PROCESSES as configured), signs in as the channel through
 * the sign-in form, and makes scheduled videos public with the edit form ("public now"):
 * - the publishing request's latency, for each video (BENCH_RUNS, 5), and while a fan-out runs
 *   (after a few unmeasured publications of a channel without subscribers: a site up a while);
 * - from the request's start, the time until the first and the last subscriber has the
 *   notification (a count polled every POLL_MS);
 * - beside them, the same form changing only the title (no publication): what publishing adds;
 * then, with the site stopped, fan-outs per batch size (BENCH_BATCHES, "1000,2000,5000,20000",
 * BENCH_BATCH_REPEATS times each), run directly: the whole (median), the longest transaction,
 * and how long the edit page's lock on the video waits meanwhile. BENCH_SUBSCRIBERS (100000) changes the
 * audience. Prints Markdown tables (the README keeps the latest); progress goes to stderr.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '../src/auth/passwords.js';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { fanOutBatch } from '../src/db/notification-fanout.js';
import { createPool, withTransaction, type Pool, type PoolClient } from '../src/db/pool.js';
import { recordPublications } from '../src/db/video-events.js';
import { ROOT_DIR } from '../src/paths.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BATCHES = (process.env.BENCH_BATCHES ?? '1000,2000,5000,20000').split(',').map(Number);
/** Fan-outs per batch size, taken in turn (1000, 2000, …, 1000, …) so that a passing load spreads over all. */
const REPEATS = Number(process.env.BENCH_BATCH_REPEATS ?? 3);
/** Publications of a channel without subscribers while the first fan-out runs. */
const DURING = 5;
/** Unmeasured publications first, so that each web process has compiled its code and templates, as on a site up a while. */
const WARM_UP = 4;
const POLL_MS = 50;
const PROBE_MS = 20;
const OTHER_CHANNELS = 50;
const PASSWORD = 'bench fanout password that is long enough';
const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (n: number) => `${Math.round(n)} ms`;
const seconds = (n: number) => `${(n / 1000).toFixed(1)} s`;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length - 1) * p))]!;
/** "p50 | max" of a list of milliseconds, or dashes for none. */
const p50Max = (values: number[], format: (n: number) => string) => (values.length === 0 ? '– | –' : `${format(percentile(values, 0.5))} | ${format(Math.max(...values))}`);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-bench-fanout-'));
// As root, Postgres runs as the "postgres" user, which must be able to enter this directory.
fs.chmodSync(root, 0o755);
const database = await startEmbeddedPostgres({ clusterDir: path.join(root, 'postgres'), database: 'tubestead' });
let server: ReturnType<typeof spawn> | null = null;
const pool = createPool(database.url, 4);

/** The channel (who signs in) and its subscribers, in a few statements: generate_series, no round trip each. */
async function seed(db: Pool): Promise<{ channelId: number; quietId: number }> {
  const hash = await hashPassword(PASSWORD);
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO users (handle, display_name, password_hash) VALUES ('channel', 'The Channel', $1), ('quiet', 'A quiet channel', $1) RETURNING id`,
    [hash],
  );
  const [channelId, quietId] = [rows[0]!.id, rows[1]!.id];
  await db.query(
    `WITH made AS (
       INSERT INTO users (handle, display_name, password_hash) SELECT 'fan-' || i, 'Fan ' || i, $2 FROM generate_series(1, $1) AS i RETURNING id
     ), roles AS (INSERT INTO user_roles (user_id, role) SELECT id, 'user' FROM made)
     INSERT INTO subscriptions (subscriber_id, channel_id) SELECT id, $3 FROM made`,
    [SUBSCRIBERS, hash, channelId],
  );
  await db.query(`INSERT INTO user_roles (user_id, role) VALUES ($1, 'user'), ($2, 'user')`, [channelId, quietId]);
  // The fans follow other channels too, as on a real site: two each among OTHER_CHANNELS, so that
  // the channel's rows are a third of the table and the planner's choice is the one it makes there.
  await db.query(
    `WITH others AS (
       INSERT INTO users (handle, display_name, password_hash) SELECT 'other-' || i, 'Other ' || i, $2 FROM generate_series(1, $1) AS i RETURNING id
     ), numbered AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM others)
     INSERT INTO subscriptions (subscriber_id, channel_id)
     SELECT s.subscriber_id, o.id FROM subscriptions s JOIN numbered o ON o.k IN (s.subscriber_id % $1, (s.subscriber_id * 7 + 1) % $1)
     WHERE s.channel_id = $3`,
    [OTHER_CHANNELS, hash, channelId],
  );
  await db.query('UPDATE users SET subscriber_count = $2 WHERE id = $1', [channelId, SUBSCRIBERS]);
  await db.query('ANALYZE');
  return { channelId, quietId };
}

/** A processed video, scheduled a week ahead (what the edit form then makes public now). */
async function scheduledVideo(db: Pool, ownerId: number, n: number): Promise<{ id: number; publicId: string }> {
  const publicId = `bench${String(n).padStart(6, '0')}`;
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO videos (public_id, owner_id, title, description, tags, visibility, publish_at, status, progress, original_key, original_name, original_bytes,
       duration_seconds, width, height, frame_rate, video_codec, audio_codec, probe, published_at)
     VALUES ($1, $2, $3, '', '{}', 'scheduled', now() + interval '7 days', 'ready', 100, 'originals/' || $1 || '/source', 'clip.mp4', 0,
       60, 1280, 720, 30, 'h264', 'aac', '{}', now())
     RETURNING id`,
    [publicId, ownerId, `Premiere ${n}`],
  );
  return { id: rows[0]!.id, publicId };
}

const cookieOf = (headers: Headers, name: string) => headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${name}=`)) ?? '';

/** Signs in through the sign-in form; returns the session cookie and the page token forms carry. */
async function signIn(base: string, handle: string): Promise<{ cookie: string; csrf: string }> {
  const form = await fetch(`${base}/login`);
  const visitor = cookieOf(form.headers, 'tubestead-csrf');
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  const login = await fetch(`${base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { Cookie: visitor, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token ?? '', login: handle, password: PASSWORD }),
  });
  if (login.status !== 303) throw new Error(`signing in as ${handle} answered ${login.status}`);
  const cookie = cookieOf(login.headers, 'tubestead');
  const home = await fetch(`${base}/studio`, { headers: { Cookie: cookie } });
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(await home.text())?.[1];
  if (!csrf) throw new Error('no csrf-token on the studio page');
  return { cookie, csrf };
}

/** The edit form sent with "public now"; returns the request's latency as the browser would see it. */
async function publishNow(base: string, session: { cookie: string; csrf: string }, video: { publicId: string; n: number }, fields: Record<string, string> = { visibility: 'public' }): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}/studio/videos/${video.publicId}`, {
    method: 'POST', redirect: 'manual',
    headers: { Cookie: session.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: session.csrf, title: `Premiere ${video.n}`, ...fields }),
  });
  await res.arrayBuffer();
  const took = performance.now() - started;
  if (res.status !== 303) throw new Error(`publishing ${video.publicId} answered ${res.status}`);
  return took;
}

const toldCount = async (videoId: number) => (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE video_id = $1', [videoId])).rows[0]!.n;

/**
 * While a fan-out runs, takes the video's row lock every PROBE_MS and records how long each
 * waited: FOR UPDATE, as deleting the video or a moderator's take-down does (the edit page's save
 * takes FOR NO KEY UPDATE, which the fan-out's FOR KEY SHARE does not block).
 */
function probeEdits(videoId: number, waits: number[]): { stop(): Promise<void> } {
  let running = true;
  const done = (async () => {
    const client = await pool.connect();
    try {
      while (running) {
        const started = performance.now();
        await client.query('BEGIN');
        await client.query('SELECT 1 FROM videos WHERE id = $1 FOR UPDATE', [videoId]);
        waits.push(performance.now() - started);
        await client.query('ROLLBACK');
        await new Promise((r) => setTimeout(r, PROBE_MS));
      }
    } finally {
      client.release();
    }
  })();
  return { stop: async () => { running = false; await done; } };
}

async function startServer(): Promise<string> {
  const port = await freePort();
  server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'server.ts')], {
    env: { ...process.env, DATABASE_URL: database.url, DATA_DIR: path.join(root, 'data'), PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ;) {
    if ((await fetch(`${base}/healthz`).then((r) => r.status, () => 0)) === 200) return base;
    if (Date.now() > deadline || server.exitCode !== null) throw new Error('the site did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopServer(): Promise<void> {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server!.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

try {
  await migrate(database.url);
  log(`seeding a channel with ${SUBSCRIBERS} subscribers…`);
  const seedStarted = performance.now();
  const { channelId, quietId } = await seed(pool);
  log(`seeded in ${seconds(performance.now() - seedStarted)}; starting the site (its worker in the same process)…`);
  const videos = [];
  for (let n = 1; n <= RUNS; n++) videos.push({ ...(await scheduledVideo(pool, channelId, n)), n });
  const quietVideos = [];
  for (let n = 1; n <= DURING + WARM_UP; n++) quietVideos.push({ ...(await scheduledVideo(pool, quietId, 1000 + n)), n: 1000 + n });
  const base = await startServer();
  const session = await signIn(base, 'channel');
  const quiet = await signIn(base, 'quiet');
  for (const video of quietVideos.splice(0, WARM_UP)) await publishNow(base, quiet, video);

  const runs: { latency: number; first: number; last: number; retitled: number }[] = [];
  const during: number[] = [];
  const ownDuring: number[] = [];
  for (const video of videos) {
    const started = performance.now();
    const latency = await publishNow(base, session, video);
    let first = 0;
    let told = 0;
    let next = 0;
    while (told < SUBSCRIBERS) {
      // While the first fan-out runs, other creators publish: their requests' latency under that load.
      if (video === videos[0] && next < DURING && told > 0) {
        during.push(await publishNow(base, quiet, quietVideos[next++]!));
        // …and the creator fixes the title of the video being announced: it waits for the batch in progress (its lock).
        ownDuring.push(await publishNow(base, session, video, { title: `Premiere ${video.n}, fixed ${next}`, visibility: 'public' }));
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
      told = await toldCount(video.id);
      if (told > 0 && !first) first = performance.now() - started;
      if (performance.now() - started > 10 * 60_000) throw new Error(`only ${told} told after 10 minutes`);
    }
    const last = performance.now() - started;
    // The same form on the same video, public now, with only its title changed: no publication.
    const retitled = await publishNow(base, session, video, { title: `Premiere ${video.n}, renamed`, visibility: 'public' });
    runs.push({ latency, first, last, retitled });
    log(`video ${video.n}: answered in ${ms(latency)}, first subscriber told after ${ms(first)}, the last after ${seconds(last)}`);
  }
  await stopServer();

  log('fan-outs by batch size, the site stopped…');
  const sizes = new Map<number, { totals: number[]; longest: number; batches: number; waits: number[] }>(BATCHES.map((size) => [size, { totals: [], longest: 0, batches: 0, waits: [] }]));
  let n = 100;
  for (let round = 0; round < REPEATS; round++) {
    for (const size of BATCHES) {
      const video = await scheduledVideo(pool, channelId, ++n);
      await pool.query(`UPDATE videos SET visibility = 'public', publish_at = NULL WHERE id = $1`, [video.id]);
      await recordPublications(pool, [video.id]);
      const { rows } = await pool.query<{ id: number }>(`SELECT id FROM video_events WHERE video_id = $1`, [video.id]);
      const figures = sizes.get(size)!;
      const started = performance.now();
      figures.batches = 0;
      const probing = probeEdits(video.id, figures.waits);
      for (;;) {
        const batchStarted = performance.now();
        const outcome = await withTransaction(pool, (client) => fanOutBatch(client, rows[0]!.id, size));
        figures.longest = Math.max(figures.longest, performance.now() - batchStarted);
        figures.batches += 1;
        if (outcome.state !== 'more') break;
      }
      figures.totals.push(performance.now() - started);
      await probing.stop();
      log(`batch ${size}: ${seconds(performance.now() - started)}`);
    }
  }

  // The batch statement's plan on these 100,000 rows: the walk must be an index scan in
  // subscriber order (subscriptions_channel_subscriber_idx), never a sort of the whole channel.
  const planned = await scheduledVideo(pool, channelId, ++n);
  await pool.query(`UPDATE videos SET visibility = 'public', publish_at = NULL WHERE id = $1`, [planned.id]);
  await recordPublications(pool, [planned.id]);
  const { rows: [plannedEvent] } = await pool.query<{ id: number }>(`SELECT id FROM video_events WHERE video_id = $1`, [planned.id]);
  const subscriptionScans: string[] = [];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const explaining = {
      query: async (text: string, values: unknown[]) => {
        if (text.includes('WITH batch AS')) {
          const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
          const walk = (node: { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: unknown[] }): void => {
            if (node['Relation Name'] === 'subscriptions') subscriptionScans.push(`${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}`);
            for (const child of node.Plans ?? []) walk(child as typeof node);
          };
          walk(rows[0]['QUERY PLAN'][0].Plan);
        }
        return client.query(text, values);
      },
    } as unknown as PoolClient;
    await fanOutBatch(explaining, plannedEvent!.id, BATCHES[0]!);
  } finally {
    // Only the plan was wanted.
    await client.query('ROLLBACK');
    client.release();
  }

  const latencies = runs.map((r) => r.latency);
  const lasts = runs.map((r) => r.last);
  console.log([
    `### Fan-out of a new video to ${SUBSCRIBERS.toLocaleString('en')} subscribers (${os.availableParallelism()} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GB, load average ${os.loadavg()[0]!.toFixed(1)} at the end)`, '',
    '| | p50 | max |',
    '|---|---|---|',
    `| "Public now" request (${runs.length} videos, no fan-out running) | ${p50Max(latencies, ms)} |`,
    `| The same form changing only the title (no publication) | ${p50Max(runs.map((r) => r.retitled), ms)} |`,
    `| "Public now" request of another channel during a fan-out (${during.length}) | ${p50Max(during, ms)} |`,
    `| The creator's edit of the video being announced, during its fan-out (${ownDuring.length}) | ${p50Max(ownDuring, ms)} |`,
    `| First subscriber told (from the request) | ${p50Max(runs.map((r) => r.first), ms)} |`,
    `| Last of ${SUBSCRIBERS.toLocaleString('en')} subscribers told (from the request) | ${p50Max(lasts, seconds)} |`,
    '', `| Batch size | Batches | Whole fan-out (median of ${REPEATS}) | Longest transaction | Locking the video (delete, take-down) waits, p50 / max |`, '|---|---|---|---|---|',
    ...[...sizes].map(([size, f]) => `| ${size.toLocaleString('en')} | ${f.batches} | ${seconds(percentile(f.totals, 0.5))} | ${ms(f.longest)} | ${p50Max(f.waits, ms).replace(' | ', ' / ')} |`),
    '', `A batch reads subscriptions by: ${subscriptionScans.join(', ') || 'nothing (no plan seen)'}.`,
  ].join('\n'));
} finally {
  await stopServer().catch(() => {});
  await pool.end();
  await database.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
