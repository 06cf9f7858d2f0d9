import type { Queryable } from './pool.js';

/** Resolves when the database answers a trivial query. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
