import type { Queryable } from './pool.js';

/** Ends every session of the user except `keepSid` (uses sessions_user_idx). */
export async function deleteOtherSessions(db: Queryable, userId: number, keepSid: string): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM sessions WHERE sess ->> 'userId' = $1 AND sid <> $2`, [String(userId), keepSid]);
  return rowCount ?? 0;
}
