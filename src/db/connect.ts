import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrate } from './migrate.js';

export interface Database {
  url: string;
  /** Stops the embedded Postgres, if this process started one. */
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded Postgres in DATA_DIR/postgres, started now.
 * Either way, every pending migration is applied before this returns.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let database: Database;
  if (config.databaseUrl) {
    database = { url: config.databaseUrl, stop: async () => {} };
  } else {
    const clusterDir = path.join(config.dataDir, 'postgres');
    logger.info({ clusterDir }, 'starting the embedded Postgres');
    database = await startEmbeddedPostgres({
      clusterDir,
      database: 'tubestead',
      onLog: (message) => logger.debug({ postgres: message.trim() }, 'postgres'),
    });
  }
  try {
    const applied = await migrate(database.url, logger);
    if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
  } catch (err) {
    await database.stop();
    throw err;
  }
  return database;
}
