import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import type { PageCache } from '../http/page-cache.js';
import type { createRateLimiters } from '../http/rate-limit.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Binaries, Storage } from '../media/index.js';
import type { SiteSettingsStore } from '../settings/site-settings.js';

/** What route handlers are built with. */
export interface RouteDeps {
  config: Config;
  pool: Pool;
  storage: Storage;
  queue: JobQueue;
  binaries: Binaries;
  limits: ReturnType<typeof createRateLimiters>;
  /** The session secret, also the key for view tokens and signed-out viewer hashes. */
  secret: string;
  pageCache: PageCache;
  /** The settings administrators change in the browser (src/settings/site-settings.ts). */
  settings: SiteSettingsStore;
  /** The time, as links that expire see it: tests give their own clock (email tokens, issue 14). */
  now: () => Date;
}
