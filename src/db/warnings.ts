import type { PoolClient, Queryable } from './pool.js';

/**
 * Warnings (issue 13, item 2; sql/migrations/1763683202530_warnings.sql): a moderator's message
 * to the author of a reported thing, shown to them on every page until they acknowledge it.
 */

export interface Warning {
  id: number;
  reason: string;
  message: string;
  createdAt: Date;
  seenAt: Date | null;
}

export interface WarningForModerators extends Warning {
  note: string | null;
  moderatorHandle: string | null;
  itemId: number | null;
}

export interface NewWarning {
  userId: number;
  moderatorId: number;
  itemId: number | null;
  reason: string;
  message: string;
  note: string | null;
}

/** Records a warning inside the caller's transaction (the action's, with its audit row); its id. */
export async function insertWarning(client: PoolClient, w: NewWarning): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO warnings (user_id, moderator_id, item_id, reason, message, note) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [w.userId, w.moderatorId, w.itemId, w.reason, w.message, w.note],
  );
  return rows[0]!.id;
}

/** The oldest warning the person has not acknowledged, or null (warnings_unseen_idx). */
export async function findUnseenWarning(db: Queryable, userId: number): Promise<Warning | null> {
  const { rows } = await db.query(
    `SELECT id, reason, message, created_at, seen_at FROM warnings WHERE user_id = $1 AND seen_at IS NULL ORDER BY id LIMIT 1`,
    [userId],
  );
  const r = rows[0];
  return r ? { id: r.id, reason: r.reason, message: r.message, createdAt: r.created_at, seenAt: r.seen_at } : null;
}

/** The person acknowledges their warning `id` (their own only: the owner is in the WHERE clause). A second click is no error. */
export async function acknowledgeWarning(db: Queryable, userId: number, id: number): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE warnings SET seen_at = now() WHERE id = $1 AND user_id = $2 AND seen_at IS NULL`, [id, userId]);
  return rowCount === 1;
}

/** A person's own warnings, newest first, without the moderators' note (warnings_user_idx). */
export async function listMyWarnings(db: Queryable, userId: number, limit: number): Promise<Warning[]> {
  const { rows } = await db.query(
    `SELECT id, reason, message, created_at, seen_at FROM warnings WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [userId, limit],
  );
  return rows.map((r) => ({ id: r.id, reason: r.reason, message: r.message, createdAt: r.created_at, seenAt: r.seen_at }));
}

/** A person's warnings for moderators: with the note, who gave it and the item (warnings_user_idx). */
export async function listWarningsOf(db: Queryable, userId: number, limit: number): Promise<WarningForModerators[]> {
  const { rows } = await db.query(
    `SELECT w.id, w.reason, w.message, w.note, w.item_id, w.created_at, w.seen_at, m.handle AS moderator_handle
     FROM warnings w LEFT JOIN users m ON m.id = w.moderator_id
     WHERE w.user_id = $1 ORDER BY w.created_at DESC, w.id DESC LIMIT $2`,
    [userId, limit],
  );
  return rows.map((r) => ({
    id: r.id, reason: r.reason, message: r.message, note: r.note, itemId: r.item_id, createdAt: r.created_at, seenAt: r.seen_at, moderatorHandle: r.moderator_handle,
  }));
}
