import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { createPool } from '../db/pool.js';
import { grantRole } from '../db/roles.js';
import { findUserByHandle } from '../db/users.js';
import { createLogger } from '../log.js';

/** `npm run create-admin -- <handle>`: gives an existing account the admin role. */
const handle = (process.argv[2] ?? '').replace(/^@/, '');
if (!handle || process.argv.length > 3) {
  console.error('Usage: npm run create-admin -- <handle>');
  process.exit(2);
}

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await openDatabase(config, logger);
  const pool = createPool(database.url, 1);
  try {
    const user = await findUserByHandle(pool, handle);
    if (!user) {
      console.error(`There is no account with the handle "${handle}". Sign up first, then run this again.`);
      process.exitCode = 1;
    } else {
      await grantRole(pool, user.id, 'admin');
      console.log(`@${user.handle} is now an administrator.`);
    }
  } finally {
    await pool.end();
    await database.stop();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
}
process.exit(process.exitCode ?? 0);
