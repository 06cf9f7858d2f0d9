import type { Queryable } from './pool.js';
import { prepared } from './pool.js';

export interface Window {
  hits: number;
  resetAt: Date;
}

/**
 * Counts one hit against `key` in a fixed window of `windowMs`, starting a new window when
 * the old one has ended. One statement, so concurrent hits from several processes all count.
 */
export async function hitRateLimit(db: Queryable, key: string, windowMs: number): Promise<Window> {
  const { rows } = await db.query<{ hits: number; reset_at: Date }>(prepared(
    'hit-rate-limit',
    `INSERT INTO rate_limits AS r (key, hits, reset_at)
     VALUES ($1, 1, now() + make_interval(secs => $2::double precision / 1000))
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.hits + 1 END,
       reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
     RETURNING hits, reset_at`,
    [key, windowMs],
  ));
  const row = rows[0]!;
  return { hits: row.hits, resetAt: row.reset_at };
}

export async function findRateLimit(db: Queryable, key: string): Promise<Window | null> {
  const { rows } = await db.query<{ hits: number; reset_at: Date }>(
    'SELECT hits, reset_at FROM rate_limits WHERE key = $1 AND reset_at > now()',
    [key],
  );
  return rows[0] ? { hits: rows[0].hits, resetAt: rows[0].reset_at } : null;
}

export async function unhitRateLimit(db: Queryable, key: string): Promise<void> {
  await db.query('UPDATE rate_limits SET hits = greatest(hits - 1, 0) WHERE key = $1 AND reset_at > now()', [key]);
}

export async function resetRateLimit(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM rate_limits WHERE key = $1', [key]);
}

/** Drops windows that have ended (uses rate_limits_reset_at_idx). */
export async function pruneRateLimits(db: Queryable): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM rate_limits WHERE reset_at <= now()');
  return rowCount ?? 0;
}
