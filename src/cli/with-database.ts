import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { createPool, type Pool } from '../db/pool.js';
import { createLogger } from '../log.js';

/**
 * For one-shot commands: the configuration, the database (embedded or DATABASE_URL, migrated)
 * and a small pool, closed again afterwards; then the process exits with the code `work`
 * returns, or 1 with a readable message when the configuration is bad or `work` throws.
 */
export async function withDatabase(work: (context: { config: Config; pool: Pool }) => Promise<number>): Promise<never> {
  let code = 1;
  try {
    const config = loadConfig();
    const database = await openDatabase(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel));
    const pool = createPool(database.url, 2);
    try {
      code = await work({ config, pool });
    } finally {
      await pool.end();
      await database.stop();
    }
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : err);
  }
  process.exit(code);
}
