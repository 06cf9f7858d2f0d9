import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { VIEWER_COLUMNS, toViewerRow, type ViewerRow } from './roles.js';

/** Ends every session of the user except `keepSid` (uses sessions_user_idx). */
export async function deleteOtherSessions(db: Queryable, userId: number, keepSid: string): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM sessions WHERE sess ->> 'userId' = $1 AND sid <> $2`, [String(userId), keepSid]);
  return rowCount ?? 0;
}

/**
 * A live session's data, when it expires and its signed-in account (null when none, or deleted),
 * by id: one round trip for what every signed-in request reads first (sessions_pkey, users_pkey).
 * A `userId` that is not a whole number joins nothing rather than failing the cast.
 */
export async function findSession(db: Queryable, sid: string): Promise<{ sess: unknown; expire: Date; viewer: ViewerRow | null } | null> {
  const { rows } = await db.query(prepared(
    'find-session',
    `SELECT s.sess, s.expire, ${VIEWER_COLUMNS}
     FROM sessions s
     LEFT JOIN users u ON u.id = CASE WHEN s.sess ->> 'userId' ~ '^[0-9]{1,15}$' THEN (s.sess ->> 'userId')::bigint END AND u.deleted_at IS NULL
     WHERE s.sid = $1 AND s.expire >= now()`,
    [sid],
  ));
  const row = rows[0];
  if (!row) return null;
  return { sess: row.sess, expire: row.expire, viewer: row.id === null ? null : toViewerRow(row) };
}

/** Changes a session that still exists; one whose row is gone (signed out, ended elsewhere) stays gone. */
export async function updateSession(db: Queryable, sid: string, sess: object, expire: Date): Promise<void> {
  await db.query('UPDATE sessions SET sess = $2, expire = $3 WHERE sid = $1', [sid, JSON.stringify(sess), expire]);
}
