import type { ModerationTarget } from '../auth/permissions.js';
import { insertAuditEntry } from './audit-log.js';
import type { Pool, PoolClient, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import { markAccountDeleted } from './users.js';

/**
 * Bans and admins' deletions of accounts (issue 13, item 4). A ban sets banned_at (the flag the
 * visibility rule reads, ownerLive in visibility.ts) with a reason, a note and an optional end;
 * the worker lifts it at its end (liftEndedBans). Every change writes its audit row in its own
 * transaction, and a ban or deletion ends the account's sessions at once (the sessions table of
 * connect-pg-simple, found through sessions_user_idx).
 */

export interface BanTarget extends ModerationTarget {
  handle: string;
  displayName: string;
  bannedAt: Date | null;
  banReason: string | null;
  banNote: string | null;
  bannedUntil: Date | null;
}

interface BanTargetRow {
  id: number;
  handle: string;
  display_name: string;
  banned_at: Date | null;
  ban_reason: string | null;
  ban_note: string | null;
  banned_until: Date | null;
  permissions: string[];
}

const TARGET_COLUMNS = `u.id, u.handle, u.display_name, u.banned_at, u.ban_reason, u.ban_note, u.banned_until,
  ARRAY(SELECT DISTINCT rp.permission FROM user_roles ur JOIN role_permissions rp ON rp.role = ur.role WHERE ur.user_id = u.id) AS permissions`;

function toBanTarget(row: BanTargetRow): BanTarget {
  return {
    id: row.id, handle: row.handle, displayName: row.display_name, bannedAt: row.banned_at, banReason: row.ban_reason,
    banNote: row.ban_note, bannedUntil: row.banned_until, permissions: row.permissions,
  };
}

/** A live (not deleted) account by handle, with its ban and what it may do (users_handle_key). */
export async function findBanTarget(db: Queryable, handle: string): Promise<BanTarget | null> {
  const { rows } = await db.query<BanTargetRow>(`SELECT ${TARGET_COLUMNS} FROM users u WHERE u.handle = lower($1) AND u.deleted_at IS NULL`, [handle]);
  return rows[0] ? toBanTarget(rows[0]) : null;
}

/** The account locked for the change, read again: the page's check is repeated on what is there now. */
async function lockTarget(client: PoolClient, userId: number): Promise<BanTarget | null> {
  const { rows } = await client.query<BanTargetRow>(`SELECT ${TARGET_COLUMNS} FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL FOR UPDATE`, [userId]);
  return rows[0] ? toBanTarget(rows[0]) : null;
}

const banState = (t: Pick<BanTarget, 'bannedAt' | 'banReason' | 'banNote' | 'bannedUntil'>) => ({
  banned: t.bannedAt !== null,
  reason: t.banReason,
  note: t.banNote,
  until: t.bannedUntil?.toISOString() ?? null,
});

async function endSessions(client: PoolClient, userId: number): Promise<void> {
  await client.query(`DELETE FROM sessions WHERE sess ->> 'userId' = $1`, [String(userId)]);
}

export interface BanAction {
  actorId: number;
  userId: number;
  reason: string;
  note: string | null;
  until: Date | null;
}

/**
 * Bans the account, or changes the reason and end of its ban (banned_at keeps the first time),
 * ends its sessions and records 'user.ban' with the ban before and after. `allowed` is asked
 * again under the row lock: a role granted since the page was shown (made admin) counts.
 */
export async function banAccount(pool: Pool, ban: BanAction, allowed: (target: BanTarget) => boolean): Promise<'banned' | 'gone' | 'refused'> {
  return withTransaction(pool, (client) => banAccountWith(client, ban, allowed));
}

/** banAccount inside the caller's transaction (a report item's ban: src/db/report-actions.ts, with the item resolved). */
export async function banAccountWith(client: PoolClient, ban: BanAction, allowed: (target: BanTarget) => boolean): Promise<'banned' | 'gone' | 'refused'> {
  const target = await lockTarget(client, ban.userId);
  if (!target) return 'gone';
  if (!allowed(target)) return 'refused';
  const { rows } = await client.query<{ banned_at: Date }>(
    `UPDATE users SET banned_at = coalesce(banned_at, now()), ban_reason = $2, ban_note = $3, banned_until = $4
     WHERE id = $1 RETURNING banned_at`,
    [ban.userId, ban.reason, ban.note, ban.until],
  );
  await endSessions(client, ban.userId);
  await insertAuditEntry(client, {
    actorId: ban.actorId, action: 'user.ban', targetKind: 'user', targetId: ban.userId, subjectUserId: ban.userId,
    reason: ban.reason, note: ban.note,
    before: banState(target),
    after: banState({ bannedAt: rows[0]!.banned_at, banReason: ban.reason, banNote: ban.note, bannedUntil: ban.until }),
  });
  return 'banned';
}

/**
 * Lifts the ban early and records 'user.unban'. An account that is not banned (lifted meanwhile
 * by someone else or at its end, or a form sent twice) is 'not_banned' and writes nothing.
 */
export async function unbanAccount(pool: Pool, unban: { actorId: number; userId: number; reason: string | null; note: string | null }, allowed: (target: BanTarget) => boolean): Promise<'unbanned' | 'not_banned' | 'gone' | 'refused'> {
  return withTransaction(pool, async (client) => {
    const target = await lockTarget(client, unban.userId);
    if (!target) return 'gone';
    if (!allowed(target)) return 'refused';
    if (!target.bannedAt) return 'not_banned';
    await client.query('UPDATE users SET banned_at = NULL, ban_reason = NULL, ban_note = NULL, banned_until = NULL WHERE id = $1', [unban.userId]);
    await insertAuditEntry(client, {
      actorId: unban.actorId, action: 'user.unban', targetKind: 'user', targetId: unban.userId, subjectUserId: unban.userId,
      reason: unban.reason, note: unban.note, before: banState(target), after: { banned: false },
    });
    return 'unbanned';
  });
}

/** The statement of liftEndedBans ($1: now, $2: one account or NULL), exported for its plan test. */
export const LIFT_ENDED_BANS_SQL =
  `WITH lifted AS (
       UPDATE users u SET banned_at = NULL, ban_reason = NULL, ban_note = NULL, banned_until = NULL
       FROM users old
       WHERE old.id = u.id AND u.banned_at IS NOT NULL AND u.banned_until IS NOT NULL AND u.banned_until <= $1
         AND ($2::bigint IS NULL OR u.id = $2)
       RETURNING u.id, old.ban_reason, old.ban_note, old.banned_until
     )
     INSERT INTO audit_log (actor_id, action, target_kind, target_id, subject_user_id, reason, note, before, after)
     SELECT NULL, 'user.unban', 'user', id::text, id, 'ban_ended', NULL,
            jsonb_build_object('banned', true, 'reason', ban_reason, 'note', ban_note, 'until', to_char(banned_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
            jsonb_build_object('banned', false)
     FROM lifted
     RETURNING subject_user_id AS id`;

/**
 * Lifts every ban whose end is at or before `now` (the caller's clock), each with its
 * 'user.unban' row by the site (actor NULL, reason 'ban_ended'), in one statement: run by every
 * worker on a timer, a run that finds nothing is one probe of users_ban_end_idx. Two workers at
 * once cannot lift a ban twice: the second waits on the row lock, then finds banned_at NULL.
 * With `userId`, only that account (the banned page, when its ban has just ended). Returns the
 * ids lifted.
 */
export async function liftEndedBans(db: Queryable, now: Date, userId: number | null = null): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    LIFT_ENDED_BANS_SQL,
    [now, userId],
  );
  return rows.map((r) => Number(r.id));
}

/** What a banned person is shown about their ban (never the moderator's note); null when not banned. */
export async function findBanOf(db: Queryable, userId: number): Promise<{ reason: string | null; bannedAt: Date; until: Date | null } | null> {
  const { rows } = await db.query<{ ban_reason: string | null; banned_at: Date; banned_until: Date | null }>(
    'SELECT ban_reason, banned_at, banned_until FROM users WHERE id = $1 AND deleted_at IS NULL AND banned_at IS NOT NULL',
    [userId],
  );
  const row = rows[0];
  return row ? { reason: row.ban_reason, bannedAt: row.banned_at, until: row.banned_until } : null;
}

/**
 * An admin deletes the account: the owner's own soft delete (users.ts markAccountDeleted: content
 * hidden through deleted_at, sessions ended, the handle kept so it is never reused) with its
 * 'user.delete' row. Returns the avatar key whose files the caller deletes, or why nothing was done.
 */
export async function deleteAccountByAdmin(pool: Pool, action: { actorId: number; userId: number; reason: string; note: string | null }, allowed: (target: BanTarget) => boolean): Promise<{ avatarKey: string | null } | 'gone' | 'refused'> {
  return withTransaction(pool, async (client) => {
    const target = await lockTarget(client, action.userId);
    if (!target) return 'gone';
    if (!allowed(target)) return 'refused';
    const deleted = await markAccountDeleted(client, action.userId);
    if (!deleted) return 'gone';
    await insertAuditEntry(client, {
      actorId: action.actorId, action: 'user.delete', targetKind: 'user', targetId: action.userId, subjectUserId: action.userId,
      reason: action.reason, note: action.note,
      before: { handle: target.handle, displayName: target.displayName, deleted: false, ...banState(target) },
      after: { deleted: true },
    });
    return deleted;
  });
}
