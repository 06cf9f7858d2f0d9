import type { Queryable, PoolClient } from './pool.js';
import { prepared } from './pool.js';

// The stored site settings (sql/migrations/1763683202500_site-settings.sql): a value per key
// that differs from its default. What each key means and how its value is checked is
// src/settings/site-settings.ts; this module only reads and writes rows.

/** Every stored setting, as stored. */
export async function findStoredSettings(db: Queryable): Promise<Map<string, unknown>> {
  const { rows } = await db.query<{ key: string; value: unknown }>(prepared('find-site-settings', 'SELECT key, value FROM site_settings', []));
  return new Map(rows.map((r) => [r.key, r.value]));
}

/**
 * Writes the given values, with the client of the caller's transaction; the rows are locked
 * first so two administrators saving at once take turns and each sees the other's values as
 * "before" (for the audit log). The values as they were, for the keys given.
 */
export async function storeSettings(client: PoolClient, values: Record<string, unknown>, actorId: number | null): Promise<Map<string, unknown>> {
  const keys = Object.keys(values).sort();
  // A transaction-level lock on the table's one purpose: rows not yet stored cannot be locked.
  await client.query("SELECT pg_advisory_xact_lock(hashtext('site_settings'))");
  const before = await client.query<{ key: string; value: unknown }>('SELECT key, value FROM site_settings WHERE key = ANY($1::text[])', [keys]);
  for (const key of keys) {
    await client.query(
      `INSERT INTO site_settings (key, value, updated_by) VALUES ($1, $2::jsonb, $3)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now(), updated_by = excluded.updated_by`,
      [key, JSON.stringify(values[key]), actorId],
    );
  }
  return new Map(before.rows.map((r) => [r.key, r.value]));
}
