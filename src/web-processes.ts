import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { createApp, type AppDeps } from './app.js';
import { resolveSessionSecret, type Config } from './config.js';
import { listenForPageEvents, type PageEvents } from './db/page-events.js';
import { createPool } from './db/pool.js';
import { startQueue } from './jobs/queue.js';
import type { Logger } from './log.js';

/*
 * Several web processes on one port (node:cluster), so that rendering pages uses every core
 * rather than one. The first process (server.ts) owns the database, the job worker and the
 * housekeeping; the web processes only answer requests, each with its own database pool and
 * page cache (kept in step through db/page-events.ts). Sessions, rate limits and CSRF tokens
 * already live in Postgres or are signed, so any process can answer any request.
 */

/** How long shutdown waits for requests in flight before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;
/** A web process that dies is started again after this long (not in a tight loop if it cannot start). */
const RESTART_DELAY_MS = 1_000;
const STOP = 'tubestead:stop';

function listen(app: Express, config: Config): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(config.port, config.host, () => resolve(server));
    server.once('error', reject);
  });
}

/**
 * The site answering on PORT with this process's page cache listening for the others' changes
 * (db/page-events.ts); stop() finishes the requests in flight and stops listening. Used by the
 * first process when it serves alone and by each web process.
 */
export async function serveRequests(deps: Omit<AppDeps, 'pageEvents'> & { databaseUrl: string }): Promise<{ stop(): Promise<void> }> {
  let events: PageEvents | null = null;
  const app = createApp({ ...deps, pageEvents: (markStale) => (events = listenForPageEvents(deps.databaseUrl, deps.pool, deps.logger, markStale)) });
  const server = await listen(app, deps.config);
  return {
    async stop() {
      await closeServer(server);
      await events?.stop();
    },
  };
}

/** Stops taking connections and waits for requests in flight, closing the rest after the grace period. */
async function closeServer(server: Server): Promise<void> {
  const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  force.unref();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** In the first process: starts `count` web processes and keeps them running until stop(). */
export async function startWebProcesses(count: number, databaseUrl: string, logger: Logger): Promise<{ stop(): Promise<void> }> {
  let stopping = false;
  // The first process has opened (or made) the database; the web processes connect to it.
  cluster.setupPrimary({ serialization: 'json' });
  const fork = (): Worker => cluster.fork({ DATABASE_URL: databaseUrl });

  const listening = Array.from({ length: count }, () => {
    const worker = fork();
    return new Promise<void>((resolve, reject) => {
      worker.once('listening', () => resolve());
      worker.once('exit', (code) => reject(new Error(`a web process exited with code ${code} before it could serve`)));
    });
  });
  await Promise.all(listening);

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'a web process stopped; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, RESTART_DELAY_MS).unref();
  });

  return {
    async stop() {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      await Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
        if (worker.isDead()) return resolve();
        worker.once('exit', () => resolve());
        worker.send(STOP);
      })));
    },
  };
}

/** In a web process: serves requests until the first process (or a signal) says stop. */
export async function serveAsWebProcess(config: Config, logger: Logger): Promise<void> {
  const databaseUrl = config.databaseUrl!;
  const pool = createPool(databaseUrl, config.databasePoolMax);
  const sessionSecret = resolveSessionSecret(config);
  const queue = await startQueue(databaseUrl, logger, { supervise: false, secret: sessionSecret });
  const serving = await serveRequests({ config, pool, logger, sessionSecret, queue, databaseUrl });

  let stopping = false;
  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await serving.stop();
    await queue.stop();
    await pool.end();
    process.exit(0);
  }
  process.on('message', (message) => {
    if (message === STOP) void stop();
  });
  // A terminal's Ctrl-C reaches every process of the group; the first process orders the rest.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => {});
  }
  // The first process is gone (killed outright): nothing would stop this one.
  process.on('disconnect', () => void stop());
}
