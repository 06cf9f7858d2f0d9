import { liftEndedBans } from '../../db/bans.js';
import { notifyPagesStale } from '../../db/page-events.js';
import type { Pool } from '../../db/pool.js';
import type { Logger } from '../../log.js';

/**
 * How often every worker lifts the bans whose end has come: a banned account's videos, comments
 * and channel are back within this long after the end (the person themself sees the ban over at
 * once: the ban notice lifts a due ban when it is asked for, routes/bans.ts). As for scheduled
 * videos, a run is one indexed statement (users_ban_end_idx) that finds nothing almost always.
 *
 * A job rather than comparing banned_until with now() in the visibility rule: the audit log gets
 * its 'user.unban' row when the ban ends, banned_at stays the one flag that ownerLive and the
 * partial indexes built on it read, and no listing query has to compare times.
 */
export const LIFT_BANS_INTERVAL_MS = 30_000;

/**
 * Lifts the bans due at `now` (the caller's clock; tests pass their own), then has every web
 * process drop its kept pages, so the account's videos show on home, search and feeds at once.
 * Returns the accounts' ids.
 */
export async function liftBans(deps: { pool: Pool; logger: Logger }, now: Date): Promise<number[]> {
  const { pool, logger } = deps;
  const lifted = await liftEndedBans(pool, now);
  if (lifted.length === 0) return lifted;
  logger.info({ users: lifted }, 'bans ended');
  await notifyPagesStale(pool).catch((err) => logger.warn({ err }, 'telling the web processes failed'));
  return lifted;
}
