import { ConfigError, loadConfig, resolveSessionSecret } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { createPool } from '../db/pool.js';
import { startQueue } from '../jobs/queue.js';
import { startWorker } from '../jobs/worker.js';
import { removeStaleTempDirs } from '../temp-dirs.js';
import { createLogger } from '../log.js';
import { binaryWarnings, resolveBinaries } from '../media/ffmpeg.js';

/** `npm run worker`: processes jobs without serving HTTP, for running workers on other hosts. */
try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  for (const warning of binaryWarnings(resolveBinaries(config))) logger.warn(`WARNING: ${warning}`);
  const database = await openDatabase(config, logger);
  const pool = createPool(database.url, config.databasePoolMax);
  await removeStaleTempDirs(config.dataDir, 'work');
  // The same secret as the web processes (SESSION_SECRET, or the file in a shared DATA_DIR):
  // notification mail's unsubscribe links are signed here and checked there, and the mail they
  // queue is opened here.
  const sessionSecret = resolveSessionSecret(config);
  const queue = await startQueue(database.url, logger, { supervise: true, secret: sessionSecret });
  const worker = await startWorker({ config, databaseUrl: database.url, pool, queue, logger, sessionSecret });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping: finishing the jobs in hand');
    await worker.stop();
    await queue.stop();
    await pool.end();
    await database.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
