import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';
import { MIGRATIONS_DIR } from '../paths.js';

/** Applies every pending migration in sql/migrations. Safe to run from several processes at once (node-pg-migrate takes an advisory lock). */
export async function migrate(databaseUrl: string, logger?: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: 'pgmigrations',
    direction: 'up',
    count: Infinity,
    checkOrder: true,
    log: (message: string) => logger?.debug({ migration: message }, 'migration'),
  });
  return applied.map((m) => m.name);
}
