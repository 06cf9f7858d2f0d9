import pg from 'pg';
import type { Logger } from '../log.js';
import type { Queryable } from './pool.js';

/**
 * "Every kept page is stale", said across processes. Each web process keeps its own page cache
 * (src/http/page-cache.ts); a change made through one of them (a video made private, deleted, a
 * channel renamed) must empty the others' at once too, or a private video would stay on their
 * copies of home for the cache's lifetime. Postgres LISTEN/NOTIFY carries it: every process
 * listens on one dedicated connection, and a process that changed something notifies. The job
 * worker notifies too when a video becomes watchable.
 */
const CHANNEL = 'tubestead_pages_stale';
/** After losing the listening connection, wait this long before listening again. */
const RELISTEN_DELAY_MS = 1_000;

export interface PageEvents {
  /** Tells every listening process (this one included) that its kept pages are stale. */
  publish(): void;
  /** Stops listening. */
  stop(): Promise<void>;
}

/** Says "pages are stale" on `db`: for a process that changes things but keeps no pages (the worker). */
export async function notifyPagesStale(db: Queryable): Promise<void> {
  await db.query(`NOTIFY ${CHANNEL}`);
}

/**
 * Listens on its own connection and calls `onStale` for every notification. While that
 * connection is down, `onStale` is called once when it is back, since notifications sent in
 * between were missed.
 */
export function listenForPageEvents(databaseUrl: string, db: Queryable, logger: Logger, onStale: () => void): PageEvents {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  async function listen(): Promise<void> {
    const connection = new pg.Client({ connectionString: databaseUrl, application_name: 'tubestead-page-events' });
    client = connection;
    connection.on('notification', () => onStale());
    connection.on('error', (err) => {
      // 57P01: Postgres is shutting down (at the end of a bench or a test run), not a fault.
      const shuttingDown = (err as { code?: string }).code === '57P01';
      logger[shuttingDown ? 'info' : 'warn']({ err }, 'page events: lost the listening connection');
      again(connection);
    });
    connection.on('end', () => again(connection));
    try {
      await connection.connect();
      await connection.query(`LISTEN ${CHANNEL}`);
      // Anything sent while not listening is lost: treat the gap as a change.
      onStale();
    } catch (err) {
      logger.warn({ err }, 'page events: could not listen');
      again(connection);
    }
  }

  function again(connection: pg.Client): void {
    if (stopped || client !== connection || retry) return;
    client = null;
    connection.end().catch(() => {});
    retry = setTimeout(() => {
      retry = null;
      void listen();
    }, RELISTEN_DELAY_MS);
    retry.unref();
  }

  void listen();
  return {
    publish() {
      notifyPagesStale(db).catch((err) => logger.warn({ err }, 'page events: could not notify'));
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
