import type { Queryable } from './pool.js';
import { prepared } from './pool.js';

/** Ends every session of the user except `keepSid` (uses sessions_user_idx). */
export async function deleteOtherSessions(db: Queryable, userId: number, keepSid: string): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM sessions WHERE sess ->> 'userId' = $1 AND sid <> $2`, [String(userId), keepSid]);
  return rowCount ?? 0;
}

/** A live session's data and when it expires, by id (sessions_pkey). */
export async function findSession(db: Queryable, sid: string): Promise<{ sess: unknown; expire: Date } | null> {
  const { rows } = await db.query<{ sess: unknown; expire: Date }>(prepared('find-session', `SELECT sess, expire FROM sessions WHERE sid = $1 AND expire >= now()`, [sid]));
  return rows[0] ?? null;
}

/** Changes a session that still exists; one whose row is gone (signed out, ended elsewhere) stays gone. */
export async function updateSession(db: Queryable, sid: string, sess: object, expire: Date): Promise<void> {
  await db.query('UPDATE sessions SET sess = $2, expire = $3 WHERE sid = $1', [sid, JSON.stringify(sess), expire]);
}
