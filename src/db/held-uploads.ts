import { insertAuditEntry } from './audit-log.js';
import type { Pool, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import type { Tell } from '../notifications/tell.js';
import { announcePublications, type FanoutQueue } from '../notifications/new-videos.js';
import { lockVideoModeration, takeDownLocked, type TakedownAction } from './takedowns.js';

/**
 * Uploads held until a moderator approves them (issue 13, item 9), when the site setting
 * `newUploads` is 'held': the upload starts with videos.moderation = 'held' (insertVideo), which
 * the visibility rule hides from everyone but its owner and moderators. Approving shows it as its
 * visibility says; rejecting takes it down with a reason (takedowns.ts), so the owner reads why
 * and may appeal as for any take-down.
 */

export interface HeldVideo {
  id: number;
  publicId: string;
  title: string;
  status: string;
  visibility: string;
  durationSeconds: number;
  createdAt: Date;
  ownerHandle: string;
}

/** The page of held videos, oldest first: a walk of videos_held_idx, which holds only them (test/db/takedown-plans.test.ts). */
export const HELD_VIDEOS_SQL = `SELECT v.id, v.public_id, v.title, v.status, v.visibility, v.duration_seconds, v.created_at, u.handle
  FROM videos v JOIN users u ON u.id = v.owner_id
  WHERE v.moderation = 'held' ORDER BY v.created_at, v.id LIMIT $1`;
export const HELD_COUNT_SQL = `SELECT count(*)::int AS n FROM videos WHERE moderation = 'held'`;

/** Held videos, oldest first, and how many there are. */
export async function listHeldVideos(db: Queryable, limit: number): Promise<{ videos: HeldVideo[]; total: number }> {
  const { rows } = await db.query(HELD_VIDEOS_SQL, [limit]);
  const { rows: count } = await db.query<{ n: number }>(HELD_COUNT_SQL);
  return {
    videos: rows.map((r) => ({
      id: Number(r.id), publicId: r.public_id, title: r.title, status: r.status, visibility: r.visibility,
      durationSeconds: Number(r.duration_seconds), createdAt: r.created_at, ownerHandle: r.handle,
    })),
    total: count[0]!.n,
  };
}

/**
 * Approves a held video: shown from now as its visibility says. A video that was already
 * processed takes now as its publication date (it is new to everyone, so it comes first in the
 * listings and feeds). Listed now, it is announced to its channel's subscribers in the same
 * transaction (announcePublications: an upload still processing is announced when it ends). A
 * video no longer held (approved or rejected meanwhile) is 'not_held', nothing written.
 */
export async function approveHeldVideo(pool: Pool, queue: FanoutQueue, approval: { actorId: number; videoId: number }): Promise<'approved' | 'not_held' | 'gone'> {
  return withTransaction(pool, async (client) => {
    const before = await lockVideoModeration(client, approval.videoId);
    if (!before) return 'gone';
    if (before.moderation !== 'held') return 'not_held';
    await client.query(
      `UPDATE videos SET moderation = 'none', published_at = CASE WHEN published_at IS NULL THEN NULL ELSE now() END, updated_at = now() WHERE id = $1`,
      [approval.videoId],
    );
    await insertAuditEntry(client, {
      actorId: approval.actorId, action: 'video.approve', targetKind: 'video', targetId: approval.videoId, subjectUserId: before.ownerId,
      reason: null, note: null, before: { moderation: 'held' }, after: { moderation: 'none' },
    });
    await announcePublications(client, queue, [approval.videoId]);
    return 'approved';
  });
}

/** Rejects a held video: a take-down with its reason and policy ('video.reject' in the audit log). */
export async function rejectHeldVideo(pool: Pool, rejection: TakedownAction, tell: Tell): Promise<'rejected' | 'not_held' | 'gone'> {
  return withTransaction(pool, async (client) => {
    const before = await lockVideoModeration(client, rejection.videoId);
    if (!before) return 'gone';
    if (before.moderation !== 'held') return 'not_held';
    await takeDownLocked(client, before, rejection, 'video.reject', tell);
    return 'rejected';
  });
}
