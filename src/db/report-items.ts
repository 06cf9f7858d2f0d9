import type { ReportKind } from '../forms/report.js';
import { insertAuditEntry } from './audit-log.js';
import type { Pool, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import type { ReportStatus } from './reports.js';

/**
 * One queue item (issue 13, item 2; /admin/reports/:id): the item, every report in it, what else
 * was reported about the same person, and claims. Items are never deleted, so an item page stays
 * readable after it is handled (its outcome shown instead of the actions).
 */

export interface ReportItem {
  id: number;
  kind: ReportKind;
  targetId: number;
  status: ReportStatus;
  severity: number;
  reportCount: number;
  firstReportedAt: Date;
  lastReportedAt: Date;
  handledAt: Date | null;
  handledBy: { id: number; handle: string } | null;
  action: string | null;
  claim: { id: number; handle: string; displayName: string; at: Date } | null;
  /** Whom it is about: the video's owner, the comment's author, the channel. */
  owner: { id: number; handle: string; displayName: string; avatarKey: string | null; bio: string; createdAt: Date; bannedAt: Date | null; deletedAt: Date | null };
}

/** The item `id` in any state, or null (report_items_pkey). */
export async function findReportItem(db: Queryable, id: number): Promise<ReportItem | null> {
  const { rows } = await db.query(
    `SELECT i.id, i.target_kind, i.target_id, i.status, i.severity, i.report_count, i.first_reported_at, i.last_reported_at,
            i.handled_at, i.handled_by, hb.handle AS handled_by_handle, i.action,
            i.claimed_by, i.claimed_at, cb.handle AS claimed_by_handle, cb.display_name AS claimed_by_name,
            o.id AS owner_id, o.handle AS owner_handle, o.display_name AS owner_name, o.avatar_key AS owner_avatar_key, o.bio AS owner_bio,
            o.created_at AS owner_created_at, o.banned_at AS owner_banned_at, o.deleted_at AS owner_deleted_at
     FROM report_items i
     JOIN users o ON o.id = i.target_owner_id
     LEFT JOIN users hb ON hb.id = i.handled_by
     LEFT JOIN users cb ON cb.id = i.claimed_by
     WHERE i.id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id, kind: r.target_kind, targetId: r.target_id, status: r.status, severity: r.severity, reportCount: r.report_count,
    firstReportedAt: r.first_reported_at, lastReportedAt: r.last_reported_at, handledAt: r.handled_at,
    handledBy: r.handled_by ? { id: r.handled_by, handle: r.handled_by_handle } : null, action: r.action,
    claim: r.claimed_by ? { id: r.claimed_by, handle: r.claimed_by_handle, displayName: r.claimed_by_name, at: r.claimed_at } : null,
    owner: {
      id: r.owner_id, handle: r.owner_handle, displayName: r.owner_name, avatarKey: r.owner_avatar_key, bio: r.owner_bio,
      createdAt: r.owner_created_at, bannedAt: r.owner_banned_at, deletedAt: r.owner_deleted_at,
    },
  };
}

export interface ItemReport {
  id: number;
  reporter: { handle: string; displayName: string };
  reason: string;
  text: string;
  videoTimeSeconds: number | null;
  status: ReportStatus;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The item's reports, gravest first, then oldest (reports_item_idx), at most `limit`: a thing
 * reported by thousands of accounts (a raid) must not make its page read and render them all.
 */
export async function listReportsOfItem(db: Queryable, itemId: number, limit: number): Promise<ItemReport[]> {
  const { rows } = await db.query(
    `SELECT r.id, u.handle, u.display_name, r.reason, r.body, r.video_time_seconds, r.status, r.created_at, r.updated_at
     FROM reports r JOIN users u ON u.id = r.reporter_id
     WHERE r.item_id = $1 ORDER BY r.severity DESC, r.id LIMIT $2`,
    [itemId, limit],
  );
  return rows.map((r) => ({
    id: r.id, reporter: { handle: r.handle, displayName: r.display_name }, reason: r.reason, text: r.body,
    videoTimeSeconds: r.video_time_seconds, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at,
  }));
}

export interface OwnerItem {
  id: number;
  kind: ReportKind;
  status: ReportStatus;
  severity: number;
  reportCount: number;
  firstReportedAt: Date;
  handledAt: Date | null;
  action: string | null;
}

/** The other items about the same person, newest first (report_items_owner_idx). */
export async function listItemsAboutOwner(db: Queryable, ownerId: number, exceptId: number, limit: number): Promise<OwnerItem[]> {
  const { rows } = await db.query(
    `SELECT id, target_kind, status, severity, report_count, first_reported_at, handled_at, action
     FROM report_items WHERE target_owner_id = $1 AND id <> $2
     ORDER BY first_reported_at DESC LIMIT $3`,
    [ownerId, exceptId, limit],
  );
  return rows.map((r) => ({
    id: r.id, kind: r.target_kind, status: r.status, severity: r.severity, reportCount: r.report_count,
    firstReportedAt: r.first_reported_at, handledAt: r.handled_at, action: r.action,
  }));
}

export type ClaimOutcome =
  | { result: 'claimed' | 'already-mine' | 'closed' | 'gone' }
  /** Someone else holds it (and `takeOverFrom` did not name them): ask before taking it. */
  | { result: 'held'; holder: { id: number; handle: string; displayName: string; at: Date } };

/**
 * Claims the open item for `moderatorId`. An item held by someone else is taken over only when
 * `takeOverFrom` names that holder, i.e. the moderator confirmed a page that showed them; if a
 * third moderator took it meanwhile, the answer is 'held' again with the new holder. Records
 * 'report.claim' (before and after: the holder), under the item's row lock.
 */
export async function claimReportItem(pool: Pool, claim: { itemId: number; moderatorId: number; takeOverFrom: number | null }): Promise<ClaimOutcome> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query(
      `SELECT i.status, i.claimed_by, i.claimed_at, u.handle, u.display_name
       FROM report_items i LEFT JOIN users u ON u.id = i.claimed_by WHERE i.id = $1 FOR UPDATE OF i`,
      [claim.itemId],
    );
    const item = rows[0];
    if (!item) return { result: 'gone' };
    if (item.status !== 'open') return { result: 'closed' };
    if (item.claimed_by === claim.moderatorId) return { result: 'already-mine' };
    if (item.claimed_by !== null && item.claimed_by !== claim.takeOverFrom) {
      return { result: 'held', holder: { id: item.claimed_by, handle: item.handle, displayName: item.display_name, at: item.claimed_at } };
    }
    await client.query(`UPDATE report_items SET claimed_by = $2, claimed_at = now() WHERE id = $1`, [claim.itemId, claim.moderatorId]);
    await insertAuditEntry(client, {
      actorId: claim.moderatorId, action: 'report.claim', targetKind: 'report', targetId: claim.itemId, subjectUserId: null,
      reason: null, note: null, before: { claimedBy: item.claimed_by }, after: { claimedBy: claim.moderatorId },
    });
    return { result: 'claimed' };
  });
}

/**
 * Gives the claim up: only its holder (others take it over instead). 'not-claimed' when nobody
 * holds it (a second click), 'held' when someone else does.
 */
export async function releaseReportItem(pool: Pool, release: { itemId: number; moderatorId: number }): Promise<'released' | 'not-claimed' | 'held' | 'gone'> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ claimed_by: number | null }>(`SELECT claimed_by FROM report_items WHERE id = $1 FOR UPDATE`, [release.itemId]);
    const item = rows[0];
    if (!item) return 'gone';
    if (item.claimed_by === null) return 'not-claimed';
    if (item.claimed_by !== release.moderatorId) return 'held';
    await client.query(`UPDATE report_items SET claimed_by = NULL, claimed_at = NULL WHERE id = $1`, [release.itemId]);
    await insertAuditEntry(client, {
      actorId: release.moderatorId, action: 'report.release', targetKind: 'report', targetId: release.itemId, subjectUserId: null,
      reason: null, note: null, before: { claimedBy: release.moderatorId }, after: { claimedBy: null },
    });
    return 'released';
  });
}

export interface ReportedComment {
  id: number;
  threadId: number | null;
  body: string;
  held: boolean;
  deletedAt: Date | null;
  createdAt: Date;
  editedAt: Date | null;
  video: { id: number; publicId: string; title: string; durationSeconds: number };
}

/** The reported comment in any state (moderators see held and removed ones), or null once its row is gone. */
export async function findReportedComment(db: Queryable, id: number): Promise<ReportedComment | null> {
  const { rows } = await db.query(
    `SELECT c.id, c.thread_id, c.body, c.held, c.deleted_at, c.created_at, c.edited_at, v.id AS video_id, v.public_id, v.title, v.duration_seconds
     FROM comments c JOIN videos v ON v.id = c.video_id WHERE c.id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id, threadId: r.thread_id, body: r.body, held: r.held, deletedAt: r.deleted_at, createdAt: r.created_at, editedAt: r.edited_at,
    video: { id: r.video_id, publicId: r.public_id, title: r.title, durationSeconds: Number(r.duration_seconds) },
  };
}
