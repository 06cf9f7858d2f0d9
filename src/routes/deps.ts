import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import type { createRateLimiters } from '../http/rate-limit.js';
import type { Storage } from '../media/storage.js';

/** What route handlers are built with. */
export interface RouteDeps {
  config: Config;
  pool: Pool;
  storage: Storage;
  limits: ReturnType<typeof createRateLimiters>;
}
