import { insertAuditEntry } from './audit-log.js';
import type { Pool, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import { tellNobody, type Tell } from '../notifications/tell.js';
import { lockVideoModeration, restoreLocked, TAKEDOWN_COLUMNS, toTakedown, type Takedown } from './takedowns.js';

/**
 * Appeals against take-downs (issue 13, item 3): the owner appeals once per take-down, with a
 * text; a moderator other than the one who took it down restores the video or upholds the
 * take-down, with a message to the owner. The queue is video_takedowns_open_appeals_idx, which
 * holds only appeals waiting for a decision.
 */

/** An appeal with what the moderators' pages show of its video. */
export interface Appeal extends Takedown {
  video: { id: number; publicId: string; title: string; ownerId: number; ownerHandle: string };
}

const APPEAL_COLUMNS = `${TAKEDOWN_COLUMNS}, v.public_id, v.title, v.owner_id, u.handle AS owner_handle`;
const APPEAL_FROM = `video_takedowns t JOIN videos v ON v.id = t.video_id JOIN users u ON u.id = v.owner_id LEFT JOIN users tb ON tb.id = t.taken_by`;

function toAppeal(r: Record<string, any>): Appeal {
  return { ...toTakedown(r), video: { id: Number(r.video_id), publicId: r.public_id, title: r.title, ownerId: Number(r.owner_id), ownerHandle: r.owner_handle } };
}

/** The page of open appeals, oldest first: a walk of video_takedowns_open_appeals_idx, which holds only them. */
export const OPEN_APPEALS_SQL = `SELECT ${APPEAL_COLUMNS} FROM ${APPEAL_FROM}
  WHERE t.appealed_at IS NOT NULL AND t.decided_at IS NULL ORDER BY t.appealed_at, t.id LIMIT $1`;
export const OPEN_APPEALS_COUNT_SQL = 'SELECT count(*)::int AS n FROM video_takedowns WHERE appealed_at IS NOT NULL AND decided_at IS NULL';

/** Appeals waiting for a decision, oldest first, and how many there are. */
export async function listOpenAppeals(db: Queryable, limit: number): Promise<{ appeals: Appeal[]; total: number }> {
  const { rows } = await db.query(OPEN_APPEALS_SQL, [limit]);
  const { rows: count } = await db.query<{ n: number }>(OPEN_APPEALS_COUNT_SQL);
  return { appeals: rows.map(toAppeal), total: count[0]!.n };
}

/** A take-down with an appeal, decided or not, by the take-down's id. */
export async function findAppeal(db: Queryable, takedownId: number): Promise<Appeal | null> {
  const { rows } = await db.query(`SELECT ${APPEAL_COLUMNS} FROM ${APPEAL_FROM} WHERE t.id = $1 AND t.appealed_at IS NOT NULL`, [takedownId]);
  return rows[0] ? toAppeal(rows[0]) : null;
}

/**
 * The owner's appeal against the take-down in force on their video (owner in the WHERE clause).
 * 'already' when this take-down was appealed before (one appeal each), 'none' when the video is
 * not taken down (or not theirs). The row is locked, so two appeals sent at once make one.
 */
export async function submitAppeal(pool: Pool, appeal: { ownerId: number; videoId: number; text: string }): Promise<'appealed' | 'already' | 'none'> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: number; appealed_at: Date | null }>(
      `SELECT t.id, t.appealed_at FROM video_takedowns t JOIN videos v ON v.id = t.video_id
       WHERE t.video_id = $1 AND v.owner_id = $2 AND t.restored_at IS NULL FOR UPDATE OF t`,
      [appeal.videoId, appeal.ownerId],
    );
    const takedown = rows[0];
    if (!takedown) return 'none';
    if (takedown.appealed_at) return 'already';
    await client.query('UPDATE video_takedowns SET appeal_text = $2, appealed_at = now() WHERE id = $1', [takedown.id, appeal.text]);
    await insertAuditEntry(client, {
      actorId: appeal.ownerId, action: 'appeal.submit', targetKind: 'video', targetId: appeal.videoId, subjectUserId: appeal.ownerId,
      reason: null, note: null, before: null, after: { takedown: Number(takedown.id), appeal: appeal.text },
    });
    return 'appealed';
  });
}

export type DecisionOutcome = 'restored' | 'upheld' | 'decided_already' | 'same_moderator' | 'gone';

/**
 * Decides an appeal: 'restore' ends the take-down (the video is back everywhere), 'uphold' keeps
 * it. The moderator who took the video down may not decide (same_moderator), asked again here
 * under the locks (video, then take-down, the order of every moderation change), so the page's
 * check cannot be raced. An appeal decided meanwhile, or restored without it, is 'decided_already'.
 * The owner is told the outcome, with the moderator's message (`tell`: the route's).
 */
export async function decideAppeal(pool: Pool, decision: { actorId: number; takedownId: number; decision: 'restore' | 'uphold'; message: string }, tell: Tell = tellNobody): Promise<DecisionOutcome> {
  return withTransaction(pool, async (client) => {
    const { rows: found } = await client.query<{ video_id: number }>('SELECT video_id FROM video_takedowns WHERE id = $1', [decision.takedownId]);
    if (!found[0]) return 'gone';
    const videoId = Number(found[0].video_id);
    const video = await lockVideoModeration(client, videoId);
    if (!video) return 'gone';
    const { rows } = await client.query(
      `SELECT ${TAKEDOWN_COLUMNS} FROM video_takedowns t LEFT JOIN users tb ON tb.id = t.taken_by WHERE t.id = $1 FOR UPDATE OF t`,
      [decision.takedownId],
    );
    const takedown = rows[0] ? toTakedown(rows[0]) : null;
    if (!takedown || !takedown.appealedAt) return 'gone';
    if (takedown.decidedAt || takedown.restoredAt) return 'decided_already';
    if (takedown.takenBy === decision.actorId || video.ownerId === decision.actorId) return 'same_moderator';
    if (decision.decision === 'restore') {
      await restoreLocked(client, { actorId: decision.actorId, videoId, message: decision.message });
    } else {
      await client.query(
        `UPDATE video_takedowns SET decision = 'upheld', decision_message = $2, decided_by = $3, decided_at = now() WHERE id = $1`,
        [takedown.id, decision.message, decision.actorId],
      );
    }
    await insertAuditEntry(client, {
      actorId: decision.actorId, action: decision.decision === 'restore' ? 'appeal.restore' : 'appeal.uphold', targetKind: 'video', targetId: videoId,
      subjectUserId: video.ownerId, reason: takedown.reason, note: null,
      before: { moderation: video.moderation, appeal: 'open' },
      after: { moderation: decision.decision === 'restore' ? 'none' : video.moderation, appeal: decision.decision === 'restore' ? 'restored' : 'upheld', message: decision.message },
    });
    await tell(client, { userId: video.ownerId, kind: 'appeal_decided', videoId, detail: { outcome: decision.decision === 'restore' ? 'restored' : 'upheld', note: decision.message || null } });
    return decision.decision === 'restore' ? 'restored' : 'upheld';
  });
}
