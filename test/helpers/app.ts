import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Pool } from '../../src/db/pool.js';
import { startWorker, type Worker } from '../../src/jobs/worker.js';
import { createLogger } from '../../src/log.js';
import { createSiteSettings, type SiteSettings, type SiteSettingsStore } from '../../src/settings/site-settings.js';
import { testDatabaseUrl, testPool, testQueue } from './database.js';

export interface TestApp {
  app: Express;
  config: Config;
  pool: Pool;
  /** The app's site settings; a test that changes them puts them back (see changeSiteSettings). */
  settings: SiteSettingsStore;
}

/** The session secret of every test app and worker: the worker signs links the app checks. */
export const TEST_SESSION_SECRET = 'test-secret-that-is-long-enough-for-sessions';

const dataDirs: string[] = [];

/** A DATA_DIR of its own for one app, removed after the run. */
export function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-data-'));
  dataDirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

let sharedDataDir: string | null = null;

/**
 * The DATA_DIR every test app shares unless a test asks for its own: jobs sit in one queue,
 * so whichever test's worker takes a job must find its files.
 */
export function runDataDir(): string {
  sharedDataDir ??= tempDataDir();
  return sharedDataDir;
}

/**
 * The real application on the test database. Rate limits and per-account upload limits are
 * high unless a test sets them, so that only the tests about limits meet them. The page cache is off unless a test turns it
 * on: most tests change rows directly and look at the page at once.
 */
export function createTestApp(env: Record<string, string> = {}, pool: Pool = testPool(), options: { now?: () => Date } = {}): TestApp {
  const config = loadConfig({
    DATA_DIR: runDataDir(),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    LOGIN_MAX_FAILURES: '1000',
    LOGIN_MAX_FAILURES_PER_ADDRESS: '1000',
    SIGNUP_MAX_PER_HOUR: '1000',
    VIEWS_PER_HOUR: '1000',
    SEARCHES_PER_MINUTE: '1000',
    AVATAR_UPLOADS_PER_HOUR: '1000',
    COMMENTS_PER_MINUTE: '1000',
    COMMENTS_PER_DAY: '1000',
    REPORTS_PER_HOUR: '1000',
    REPORTS_PER_DAY: '1000',
    UPLOADS_PER_DAY: '1000',
    UPLOADS_PROCESSING_MAX: '1000',
    PAGE_CACHE_SECONDS: '0',
    API_REQUESTS_PER_MINUTE: '100000',
    ...env,
  });
  const settings = createSiteSettings(pool, config);
  const app = createApp({ config, pool, logger: createLogger(config.logLevel), sessionSecret: TEST_SESSION_SECRET, queue: testQueue(), settings, now: options.now });
  return { app, config, pool, settings };
}

/** For a describe block: the app is made in a `before` hook, once the test database is up. */
export function useTestApp(env: Record<string, string> = {}): TestApp {
  const holder = {} as TestApp;
  before(() => {
    Object.assign(holder, createTestApp(env));
  });
  return holder;
}

/** For a describe block: a worker processing the queue in this process, as `npm start` runs one. */
export function useWorker(t: TestApp): void {
  let worker: Worker | null = null;
  before(async () => {
    worker = await startWorker({ config: t.config, databaseUrl: testDatabaseUrl(), pool: t.pool, queue: testQueue(), logger: createLogger(t.config.logLevel), sessionSecret: TEST_SESSION_SECRET });
  });
  after(async () => {
    await worker?.stop();
  });
}

/**
 * Stores site settings for one test app, as /admin/settings would, and forgets its kept copy.
 * Every test file shares the database: call `resetSiteSettings` in an `after` hook.
 */
export async function changeSiteSettings(t: TestApp, changes: Partial<SiteSettings>): Promise<void> {
  const client = await t.pool.connect();
  try {
    await client.query('BEGIN');
    await t.settings.save(client, changes, null);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
  t.settings.forget();
}

/** Back to the defaults for every app of the run (each made after this, or forgetting its copy). */
export async function resetSiteSettings(...apps: TestApp[]): Promise<void> {
  await testPool().query('DELETE FROM site_settings');
  for (const t of apps) t.settings.forget();
}
