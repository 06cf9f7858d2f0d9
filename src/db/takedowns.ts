import { takedownReasonLabel, type TakedownForm } from '../forms/takedown.js';
import type { Tell } from '../notifications/tell.js';
import { insertAuditEntry, type AuditAction } from './audit-log.js';
import type { Pool, PoolClient, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import { resolveReportsAbout } from './report-resolution.js';
import type { Moderation } from './visibility.js';

/**
 * Take-downs (issue 13, item 3): a moderator removes a video from every surface
 * (videos.moderation = 'taken_down', which the visibility rule reads) with a reason, a policy
 * text its owner reads and an internal note, kept as a row of video_takedowns
 * (sql/migrations/1763683202600_takedowns.sql). Its one appeal and the decision on it are in
 * appeals.ts; held uploads in held-uploads.ts. Each action locks the video's row first, then the
 * take-down's, and writes its audit row in the same transaction.
 */

export interface Takedown {
  id: number;
  videoId: number;
  reason: string;
  policy: string;
  note: string | null;
  fromHeld: boolean;
  takenBy: number | null;
  takenByHandle: string | null;
  takenAt: Date;
  appealText: string | null;
  appealedAt: Date | null;
  decision: 'upheld' | 'restored' | null;
  decisionMessage: string | null;
  decidedBy: number | null;
  decidedAt: Date | null;
  restoredAt: Date | null;
  restoreMessage: string | null;
}

export const TAKEDOWN_COLUMNS = `t.id, t.video_id, t.reason, t.policy, t.note, t.from_held, t.taken_by, tb.handle AS taken_by_handle, t.taken_at,
  t.appeal_text, t.appealed_at, t.decision, t.decision_message, t.decided_by, t.decided_at, t.restored_at, t.restore_message`;

export function toTakedown(r: Record<string, any>): Takedown {
  return {
    id: Number(r.id), videoId: Number(r.video_id), reason: r.reason, policy: r.policy, note: r.note, fromHeld: r.from_held,
    takenBy: r.taken_by === null ? null : Number(r.taken_by), takenByHandle: r.taken_by_handle, takenAt: r.taken_at,
    appealText: r.appeal_text, appealedAt: r.appealed_at, decision: r.decision, decisionMessage: r.decision_message,
    decidedBy: r.decided_by === null ? null : Number(r.decided_by), decidedAt: r.decided_at, restoredAt: r.restored_at, restoreMessage: r.restore_message,
  };
}

/** The take-down in force on a video, if any (video_takedowns_current_key). */
export async function findCurrentTakedown(db: Queryable, videoId: number): Promise<Takedown | null> {
  const { rows } = await db.query(
    `SELECT ${TAKEDOWN_COLUMNS} FROM video_takedowns t LEFT JOIN users tb ON tb.id = t.taken_by WHERE t.video_id = $1 AND t.restored_at IS NULL`,
    [videoId],
  );
  return rows[0] ? toTakedown(rows[0]) : null;
}

/** The video's row locked for a moderation change: its state now, and its owner (the audit row's subject). */
export async function lockVideoModeration(client: PoolClient, videoId: number): Promise<{ moderation: Moderation; ownerId: number } | null> {
  const { rows } = await client.query<{ moderation: Moderation; owner_id: number }>('SELECT moderation, owner_id FROM videos WHERE id = $1 FOR UPDATE', [videoId]);
  return rows[0] ? { moderation: rows[0].moderation, ownerId: Number(rows[0].owner_id) } : null;
}

export interface TakedownAction extends TakedownForm {
  actorId: number;
  videoId: number;
}

/**
 * Takes the video down inside the caller's transaction, its row locked by lockVideoModeration:
 * the take-down's row, the state, the open reports about it resolved as handled (the queue
 * item's id returned, 0 when none was open) and the audit row under `action`. The owner is
 * told, with the reason's label (not the moderator's name), and so is each reporter.
 */
export async function takeDownLocked(client: PoolClient, before: { moderation: Moderation; ownerId: number }, takedown: TakedownAction, action: AuditAction, tell: Tell): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO video_takedowns (video_id, reason, policy, note, from_held, taken_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [takedown.videoId, takedown.reason, takedown.policy, takedown.note, before.moderation === 'held', takedown.actorId],
  );
  await client.query(`UPDATE videos SET moderation = 'taken_down', updated_at = now() WHERE id = $1`, [takedown.videoId]);
  const itemId = await resolveReportsAbout(client, { kind: 'video', id: takedown.videoId }, { status: 'handled', moderatorId: takedown.actorId, action: 'video.takedown' }, tell);
  await tell(client, { userId: before.ownerId, kind: 'video_taken_down', videoId: takedown.videoId, detail: { reason: takedownReasonLabel(takedown.reason) } });
  await insertAuditEntry(client, {
    actorId: takedown.actorId, action, targetKind: 'video', targetId: takedown.videoId, subjectUserId: before.ownerId,
    reason: takedown.reason, note: takedown.note,
    before: { moderation: before.moderation },
    after: { moderation: 'taken_down', takedown: Number(rows[0]!.id), policy: takedown.policy, reportItem: itemId || null },
  });
  return itemId;
}

/**
 * Takes a video down (from the watch page, the queue's item page or the pending list). A video
 * already down (a form sent twice, or another moderator first) is 'already' and writes nothing:
 * its take-down stands with its own reason.
 */
export async function takeDownVideo(pool: Pool, takedown: TakedownAction, tell: Tell): Promise<{ outcome: 'taken_down'; itemId: number } | { outcome: 'already' | 'gone' }> {
  return withTransaction(pool, async (client) => {
    const before = await lockVideoModeration(client, takedown.videoId);
    if (!before) return { outcome: 'gone' };
    if (before.moderation === 'taken_down') return { outcome: 'already' };
    const itemId = await takeDownLocked(client, before, takedown, 'video.takedown', tell);
    return { outcome: 'taken_down', itemId };
  });
}

/**
 * Ends the take-down in force inside the caller's transaction (the video's row locked): the video
 * is shown again as its visibility says. An open appeal is closed as restored by the same act.
 */
export async function restoreLocked(client: PoolClient, restore: { actorId: number; videoId: number; message: string }): Promise<Takedown | null> {
  const { rows } = await client.query(
    `UPDATE video_takedowns t SET restored_at = now(), restored_by = $2, restore_message = $3,
       decision = CASE WHEN appealed_at IS NOT NULL AND decided_at IS NULL THEN 'restored' ELSE decision END,
       decision_message = CASE WHEN appealed_at IS NOT NULL AND decided_at IS NULL THEN $3 ELSE decision_message END,
       decided_by = CASE WHEN appealed_at IS NOT NULL AND decided_at IS NULL THEN $2 ELSE decided_by END,
       decided_at = CASE WHEN appealed_at IS NOT NULL AND decided_at IS NULL THEN now() ELSE decided_at END
     WHERE t.video_id = $1 AND t.restored_at IS NULL
     RETURNING ${TAKEDOWN_COLUMNS.replace('tb.handle AS taken_by_handle', 'NULL AS taken_by_handle')}`,
    [restore.videoId, restore.actorId, restore.message],
  );
  await client.query(`UPDATE videos SET moderation = 'none', updated_at = now() WHERE id = $1`, [restore.videoId]);
  return rows[0] ? toTakedown(rows[0]) : null;
}

/**
 * A moderator restores a taken-down video without an appeal (or while one waits: it is closed as
 * restored). Any moderator may, the one who took it down too: undoing one's own act needs no
 * second opinion; never their own video ('own_video'). A video not taken down (restored meanwhile)
 * is 'not_taken_down', nothing written. The owner is told (an open appeal closed by it is a
 * restore too: one notification, 'video_restored').
 */
export async function restoreVideo(pool: Pool, restore: { actorId: number; videoId: number; message: string }, tell: Tell): Promise<'restored' | 'not_taken_down' | 'own_video' | 'gone'> {
  return withTransaction(pool, async (client) => {
    const before = await lockVideoModeration(client, restore.videoId);
    if (!before) return 'gone';
    if (before.moderation !== 'taken_down') return 'not_taken_down';
    // Asked again under the lock (restoreRefusal): never a moderator's own video.
    if (before.ownerId === restore.actorId) return 'own_video';
    const takedown = await restoreLocked(client, restore);
    await insertAuditEntry(client, {
      actorId: restore.actorId, action: 'video.restore', targetKind: 'video', targetId: restore.videoId, subjectUserId: before.ownerId,
      // The message is the owner's to read, kept in `after`; `note` is for moderators only (and shorter).
      reason: null, note: null,
      before: { moderation: 'taken_down', takedown: takedown?.id ?? null, appealed: !!takedown?.appealedAt },
      after: { moderation: 'none', message: restore.message },
    });
    await tell(client, { userId: before.ownerId, kind: 'video_restored', videoId: restore.videoId });
    return 'restored';
  });
}
