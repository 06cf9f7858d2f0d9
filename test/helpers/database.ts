import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabaseIfMissing, dropDatabase, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { createPool, type Pool } from '../../src/db/pool.js';
import { startQueue, type JobQueue } from '../../src/jobs/queue.js';
import { createLogger } from '../../src/log.js';

/**
 * One real Postgres for the whole run: TEST_DATABASE_URL's server when set, otherwise an
 * embedded one in a temporary directory. Either way the run gets a database of its own,
 * freshly migrated, and drops it (or the whole temporary cluster) at the end.
 */
interface TestDatabase {
  url: string;
  pool: Pool;
  queue: JobQueue;
  teardown(): Promise<void>;
}

let current: TestDatabase | null = null;

export async function setUpTestDatabase(): Promise<void> {
  const name = `tubestead_test_${process.pid}_${Date.now().toString(36)}`;
  let url: string;
  let stopServer = async () => {};
  let clusterRoot: string | null = null;
  if (process.env.TEST_DATABASE_URL) {
    const target = new URL(process.env.TEST_DATABASE_URL);
    target.pathname = `/${name}`;
    url = target.toString();
    await createDatabaseIfMissing(url);
  } else {
    clusterRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-test-'));
    // As root, Postgres runs as the "postgres" user, which must be able to enter this directory.
    fs.chmodSync(clusterRoot, 0o755);
    const server = await startEmbeddedPostgres({ clusterDir: path.join(clusterRoot, 'cluster'), database: name });
    url = server.url;
    stopServer = server.stop;
  }
  await migrate(url);
  const pool = createPool(url, 10);
  // The secret every test app and worker uses (test/helpers/app.ts TEST_SESSION_SECRET): mail is sealed and opened with it.
  const queue = await startQueue(url, createLogger(process.env.LOG_LEVEL ?? 'silent'), { supervise: true, secret: 'test-secret-that-is-long-enough-for-sessions' });
  current = {
    url,
    pool,
    queue,
    async teardown() {
      await queue.stop();
      await pool.end();
      if (clusterRoot) {
        await stopServer();
        fs.rmSync(clusterRoot, { recursive: true, force: true });
      } else {
        await dropDatabase(url);
      }
    },
  };
}

export async function tearDownTestDatabase(): Promise<void> {
  await current?.teardown();
  current = null;
}

export function testPool(): Pool {
  if (!current) throw new Error('The test database is not set up (test/helpers/hooks.ts)');
  return current.pool;
}

/** The job queue (pg-boss) in the test database, shared by every test app. */
export function testQueue(): JobQueue {
  if (!current) throw new Error('The test database is not set up (test/helpers/hooks.ts)');
  return current.queue;
}

export function testDatabaseUrl(): string {
  if (!current) throw new Error('The test database is not set up (test/helpers/hooks.ts)');
  return current.url;
}

/** A second, empty database on the same server, for tests that need a site with no accounts. */
export async function freshDatabase(): Promise<{ pool: Pool; drop(): Promise<void> }> {
  const url = new URL(testDatabaseUrl());
  url.pathname = `${url.pathname}_fresh_${Date.now().toString(36)}`;
  await createDatabaseIfMissing(url.toString());
  await migrate(url.toString());
  const pool = createPool(url.toString(), 4);
  return {
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(url.toString());
    },
  };
}
