import type { Pool, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import type { ReportKind } from '../forms/report.js';
import type { Moderation, Visibility, VideoStatus } from './visibility.js';
import { ownerLive } from './visibility.js';
import { listReportWatchers } from './report-watchers.js';
import { tellNobody, type Tell } from '../notifications/tell.js';

/**
 * Reports (issue 13, item 1) and their grouping into queue items (report_items, see
 * sql/migrations/1763683202000_reports.sql): a report is written with its item in one
 * transaction, under the item's row lock, so the item's count and severity always match its
 * open reports, and two reports of one thing at the same moment queue one item, not two.
 */

export type ReportStatus = 'open' | 'handled' | 'dismissed';

export interface NewReport {
  reporterId: number;
  kind: ReportKind;
  /** The thing's internal id: videos.id, comments.id, users.id. */
  targetId: number;
  /** Whom the thing is about: the video's owner, the comment's author, the channel itself. */
  targetOwnerId: number;
  reason: string;
  severity: number;
  text: string;
  videoTimeSeconds: number | null;
}

/**
 * Files a report, or updates the reporter's open report of the same thing (the same reporter
 * reporting again changes their reason, text and time, and adds nothing to the count).
 * 'created' or 'updated'. A new report is told to the moderators who asked for it
 * (listReportWatchers; `tell`: the reporting route's), reports of one thing while unread
 * grouped as one; an updated one is not news.
 */
export async function saveReport(pool: Pool, r: NewReport, tell: Tell = tellNobody): Promise<'created' | 'updated'> {
  return withTransaction(pool, async (db) => {
    // The open item of this thing, made if there is none; either way its row is locked until
    // COMMIT (report_items_open_target_key), which orders concurrent reports of one thing.
    const item = await db.query<{ id: number }>(
      `INSERT INTO report_items (target_kind, target_id, target_owner_id, severity)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (target_kind, target_id) WHERE status = 'open'
       DO UPDATE SET last_reported_at = now()
       RETURNING id`,
      [r.kind, r.targetId, r.targetOwnerId, r.severity],
    );
    const itemId = item.rows[0]!.id;
    const report = await db.query<{ created: boolean }>(
      `INSERT INTO reports (item_id, reporter_id, target_kind, target_id, reason, severity, body, video_time_seconds)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (reporter_id, target_kind, target_id) WHERE status = 'open'
       DO UPDATE SET reason = EXCLUDED.reason, severity = EXCLUDED.severity, body = EXCLUDED.body,
                     video_time_seconds = EXCLUDED.video_time_seconds, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [itemId, r.reporterId, r.kind, r.targetId, r.reason, r.severity, r.text, r.videoTimeSeconds],
    );
    const created = report.rows[0]!.created;
    // The gravest open report: one probe of reports_item_idx (an update may have lowered it).
    await db.query(
      `UPDATE report_items
       SET report_count = report_count + $2,
           severity = (SELECT r.severity FROM reports r WHERE r.item_id = $1 AND r.status = 'open' ORDER BY r.severity DESC LIMIT 1)
       WHERE id = $1`,
      [itemId, created ? 1 : 0],
    );
    if (created) {
      for (const moderatorId of await listReportWatchers(db, [r.reporterId, r.targetOwnerId])) {
        await tell(db, { userId: moderatorId, kind: 'new_report', groupKey: `new_report:${itemId}`, detail: { itemId, targetKind: r.kind } });
      }
    }
    return created ? 'created' : 'updated';
  });
}

export interface OpenReport {
  reason: string;
  text: string;
  videoTimeSeconds: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The reporter's open report of this thing, to show in the form it would update (reports_open_reporter_target_key). */
export async function findOpenReport(db: Queryable, reporterId: number, kind: ReportKind, targetId: number): Promise<OpenReport | null> {
  const { rows } = await db.query(
    `SELECT reason, body, video_time_seconds, created_at, updated_at FROM reports
     WHERE reporter_id = $1 AND target_kind = $2 AND target_id = $3 AND status = 'open'`,
    [reporterId, kind, targetId],
  );
  const r = rows[0];
  return r ? { reason: r.reason, text: r.body, videoTimeSeconds: r.video_time_seconds, createdAt: r.created_at, updatedAt: r.updated_at } : null;
}

/**
 * One of my reports with what is needed to decide, for me, whether its thing may still be shown
 * (src/routes/reports.ts applies the same predicates the loaders do). Every target column is
 * null when the thing is gone.
 */
export interface MyReport {
  id: number;
  kind: ReportKind;
  reason: string;
  text: string;
  videoTimeSeconds: number | null;
  status: ReportStatus;
  createdAt: Date;
  updatedAt: Date;
  handledAt: Date | null;
  /** The video reported, or the one the reported comment is under. */
  video: { publicId: string; title: string; ownerId: number; visibility: Visibility; status: VideoStatus; moderation: Moderation; ownerLive: boolean } | null;
  comment: { id: number; threadId: number | null; body: string; authorId: number; held: boolean; deleted: boolean; authorLive: boolean } | null;
  channel: { handle: string; displayName: string } | null;
}

/**
 * My reports, newest first, `limit` of them before the report `beforeId` (reports_reporter_idx).
 * A channel is given only while live (channelLive); videos and comments with the state the
 * visibility rule needs.
 */
export async function listMyReports(db: Queryable, reporterId: number, options: { beforeId: number | null; limit: number }): Promise<MyReport[]> {
  const { rows } = await db.query(
    `SELECT r.id, r.target_kind, r.reason, r.body, r.video_time_seconds, r.status, r.created_at, r.updated_at, r.handled_at,
            v.public_id, v.title, v.owner_id, v.visibility, v.status AS video_status, v.moderation, (${ownerLive('vu')}) AS video_owner_live,
            c.id AS comment_id, c.thread_id, c.body AS comment_body, c.author_id, c.held, (c.deleted_at IS NOT NULL) AS comment_deleted, (${ownerLive('ca')}) AS author_live,
            ch.handle, ch.display_name
     FROM reports r
     LEFT JOIN comments c ON r.target_kind = 'comment' AND c.id = r.target_id
     LEFT JOIN users ca ON ca.id = c.author_id
     LEFT JOIN videos v ON v.id = CASE r.target_kind WHEN 'video' THEN r.target_id WHEN 'comment' THEN c.video_id END
     LEFT JOIN users vu ON vu.id = v.owner_id
     LEFT JOIN users ch ON r.target_kind = 'channel' AND ch.id = r.target_id AND ${ownerLive('ch')}
     WHERE r.reporter_id = $1 AND ($2::bigint IS NULL OR r.id < $2)
     ORDER BY r.id DESC
     LIMIT $3`,
    [reporterId, options.beforeId, options.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.target_kind,
    reason: r.reason,
    text: r.body,
    videoTimeSeconds: r.video_time_seconds,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    handledAt: r.handled_at,
    video: r.public_id ? { publicId: r.public_id, title: r.title, ownerId: r.owner_id, visibility: r.visibility, status: r.video_status, moderation: r.moderation, ownerLive: r.video_owner_live } : null,
    comment: r.comment_id ? { id: r.comment_id, threadId: r.thread_id, body: r.comment_body, authorId: r.author_id, held: r.held, deleted: r.comment_deleted, authorLive: r.author_live } : null,
    channel: r.handle ? { handle: r.handle, displayName: r.display_name } : null,
  }));
}
