import type { Queryable } from './pool.js';
import type { ReportKind } from '../forms/report.js';

/**
 * The moderators' queue of reports (issue 13, item 2; /admin/reports): open report items,
 * gravest first, then the most reported, then the longest waiting (sql/migrations/
 * 1763683202000_reports.sql explains the items and their indexes).
 */

export interface QueueItem {
  id: number;
  kind: ReportKind;
  severity: number;
  reportCount: number;
  firstReportedAt: Date;
  lastReportedAt: Date;
  owner: { handle: string; displayName: string };
  /** What the item is about, as moderators see it (every state); null once it is gone. */
  video: { publicId: string; title: string } | null;
  comment: { id: number; threadId: number | null; body: string } | null;
  /** Who claimed it (a signpost for the other moderators), or null. */
  claim: { id: number; handle: string; at: Date } | null;
  /** The keyset cursor of this row: severity, count, first report in microseconds, id. */
  cursor: string;
}

export interface QueueFilter {
  kind: ReportKind | null;
  /** A reason's severity: each reason has its own, so this filters by an item's gravest reason. */
  severity: number | null;
}

export interface QueueCursor { severity: number; count: number; micros: string; id: number }

const CURSOR = /^([1-9])-(\d{1,9})-(\d{1,17})-([1-9]\d{0,15})$/;

/** `?after=` as the queue writes it; anything else reads as no cursor (the first page). */
export function parseQueueCursor(value: unknown): QueueCursor | null {
  const m = typeof value === 'string' ? CURSOR.exec(value) : null;
  return m ? { severity: Number(m[1]), count: Number(m[2]), micros: m[3]!, id: Number(m[4]) } : null;
}

/** The queue's page query ($1 kind, $2 severity, $3–$6 the cursor, $7 the limit); exported for its plan's test. */
export const QUEUE_PAGE = `WITH page AS (
    SELECT i.id, i.target_kind, i.target_id, i.target_owner_id, i.severity, i.report_count, i.first_reported_at, i.last_reported_at, i.claimed_by, i.claimed_at
    FROM report_items i
    WHERE i.status = 'open'
      AND ($1::text IS NULL OR i.target_kind = $1)
      AND ($2::int IS NULL OR -i.severity = -$2::int)
      AND ($3::int IS NULL OR (-i.severity, -i.report_count, i.first_reported_at, i.id)
           > (-$3::int, -$4::int, timestamptz 'epoch' + $5::bigint * interval '1 microsecond', $6::bigint))
    ORDER BY -i.severity, -i.report_count, i.first_reported_at, i.id
    LIMIT $7
  )
  SELECT p.*, (extract(epoch FROM p.first_reported_at) * 1000000)::bigint::text AS micros,
         o.handle AS owner_handle, o.display_name AS owner_display_name,
         v.public_id, v.title, c.id AS comment_id, c.thread_id, c.body AS comment_body, cb.handle AS claimed_by_handle
  FROM page p
  JOIN users o ON o.id = p.target_owner_id
  LEFT JOIN users cb ON cb.id = p.claimed_by
  LEFT JOIN comments c ON p.target_kind = 'comment' AND c.id = p.target_id AND c.deleted_at IS NULL
  LEFT JOIN videos v ON v.id = CASE p.target_kind WHEN 'video' THEN p.target_id WHEN 'comment' THEN c.video_id END
  ORDER BY -p.severity, -p.report_count, p.first_reported_at, p.id`;

/**
 * One page of open items after `after` (ask for one more than a page: keysetPage). The order
 * and the cursor are the columns of report_items_queue_idx (or report_items_queue_kind_idx with
 * a kind), negated where descending, so that the cursor is one row comparison the index starts
 * at: a later page reads only its own rows. The targets are joined to the page's rows only.
 * Not a prepared statement: the best plan depends on which filters are given.
 */
export async function listOpenReportItems(db: Queryable, filter: QueueFilter, options: { after: QueueCursor | null; limit: number }): Promise<QueueItem[]> {
  const a = options.after;
  const { rows } = await db.query(
    QUEUE_PAGE,
    [filter.kind, filter.severity, a?.severity ?? null, a?.count ?? null, a?.micros ?? null, a?.id ?? null, options.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.target_kind,
    severity: r.severity,
    reportCount: r.report_count,
    firstReportedAt: r.first_reported_at,
    lastReportedAt: r.last_reported_at,
    owner: { handle: r.owner_handle, displayName: r.owner_display_name },
    video: r.public_id ? { publicId: r.public_id, title: r.title } : null,
    comment: r.comment_id ? { id: r.comment_id, threadId: r.thread_id, body: r.comment_body } : null,
    claim: r.claimed_by ? { id: r.claimed_by, handle: r.claimed_by_handle, at: r.claimed_at } : null,
    cursor: `${r.severity}-${r.report_count}-${r.micros}-${r.id}`,
  }));
}
