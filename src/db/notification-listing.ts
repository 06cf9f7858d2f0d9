import { KIND_INFO, NOTIFICATION_KINDS, type NotificationFilter, type NotificationKind } from '../notifications/kinds.js';
import { NOTIFICATION_VIEW_FROM, toNotificationView, type NotificationView, type NotificationViewRow } from './notification-views.js';
import type { Queryable } from './pool.js';

/**
 * A person's notifications as the list shows them (/notifications), and marking them read.
 * Every query has the reader in its WHERE clause: another person's id reads as nothing. What a
 * row points to is looked up again by NOTIFICATION_VIEW_FROM, so one about a video made private
 * since reads "no longer available" (src/notifications/describe.ts).
 */

/** Where a page starts: after the notification of this updated_at (microseconds since 1970) and id. */
export interface NotificationCursor { micros: string; id: number }

const CURSOR = /^(\d{1,17})-([1-9]\d{0,15})$/;

/** `micros-id`, or null when the value is not one (the caller answers 400 to a bad one). */
export function parseNotificationCursor(value: string): NotificationCursor | null {
  const m = CURSOR.exec(value);
  return m ? { micros: m[1]!, id: Number(m[2]) } : null;
}

/** The kinds a filter lists; 'all' is every kind. */
export function kindsOf(filter: NotificationFilter | 'all'): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((kind) => filter === 'all' || KIND_INFO[kind].filter === filter);
}

export interface ListedNotification extends NotificationView {
  /** The keyset cursor of this row: its updated_at in microseconds and its id. */
  cursor: string;
}

type ListedRow = NotificationViewRow & { micros: string };

/**
 * The cursor's time and id ($3 microseconds since 1970, $4 id; no cursor: after everything),
 * written out so that the time bounds the index scan of notifications_user_idx
 * (user_id, updated_at DESC, id DESC) WHERE in_site: a later page starts at its cursor, and the
 * row comparison breaks ties between rows collapsed in the same microsecond.
 */
const AFTER_TIME = `COALESCE(timestamptz 'epoch' + $3::bigint * interval '1 microsecond', 'infinity')`;
const AFTER_ID = 'COALESCE($4::bigint, 0)';

/**
 * One page of the reader's in-site notifications of `kinds` (`unreadOnly`: those not yet read,
 * for the API), newest (last updated) first; ask for one more than a page (keysetPage). A
 * collapsed group moves up when someone joins it.
 */
export async function listNotifications(db: Queryable, userId: number, options: { kinds: readonly NotificationKind[]; after: NotificationCursor | null; limit: number; unreadOnly?: boolean }): Promise<ListedNotification[]> {
  const { rows } = await db.query<ListedRow>(
    `SELECT * FROM (${NOTIFICATION_VIEW_FROM}
       WHERE n.user_id = $1 AND n.in_site AND n.kind = ANY($2::text[]) AND (NOT $6::boolean OR n.read_at IS NULL)
         AND n.updated_at <= ${AFTER_TIME} AND (n.updated_at, n.id) < (${AFTER_TIME}, ${AFTER_ID})
       ORDER BY n.updated_at DESC, n.id DESC LIMIT $5
     ) listed CROSS JOIN LATERAL (SELECT (extract(epoch FROM listed.updated_at) * 1000000)::bigint::text AS micros) m
     ORDER BY listed.updated_at DESC, listed.id DESC`,
    [userId, options.kinds, options.after?.micros ?? null, options.after?.id ?? null, options.limit, options.unreadOnly ?? false],
  );
  return rows.map((r) => ({ ...toNotificationView({ ...r, id: Number(r.id) }), cursor: `${r.micros}-${Number(r.id)}` }));
}

/** One of the reader's own in-site notifications as shown, or null (not theirs, or none such). */
export async function findOwnNotification(db: Queryable, userId: number, id: number): Promise<NotificationView | null> {
  const { rows } = await db.query<NotificationViewRow>(`${NOTIFICATION_VIEW_FROM} WHERE n.id = $1 AND n.user_id = $2 AND n.in_site`, [id, userId]);
  return rows[0] ? toNotificationView({ ...rows[0], id: Number(rows[0].id) }) : null;
}

/**
 * Marks one of the reader's notifications read; false when it is not theirs (or does not exist).
 * Marking one already read again is no error (a form sent twice) and keeps its first time.
 */
export async function markNotificationRead(db: Queryable, userId: number, id: number): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 AND in_site', [id, userId]);
  return rowCount === 1;
}

/**
 * Marks the reader's unread notifications of `kinds` read, up to `upTo` (microseconds since 1970,
 * the newest the page showed): one that arrived or grew after the page was drawn stays unread,
 * as the person never saw it. Uses notifications_unread_idx. Returns how many.
 */
export async function markNotificationsRead(db: Queryable, userId: number, kinds: readonly NotificationKind[], upTo: string | null): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE notifications SET read_at = now()
     WHERE user_id = $1 AND read_at IS NULL AND in_site AND kind = ANY($2::text[])
       AND ($3::bigint IS NULL OR updated_at <= timestamptz 'epoch' + $3::bigint * interval '1 microsecond')`,
    [userId, kinds, upTo],
  );
  return rowCount ?? 0;
}
