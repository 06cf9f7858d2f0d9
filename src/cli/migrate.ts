import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { createLogger } from '../log.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database. */
try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  await database.stop();
  console.log('The database is up to date.');
  process.exit(0);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}
