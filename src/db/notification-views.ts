import { KIND_INFO, type NotificationKind } from '../notifications/kinds.js';
import { commentSeenBy, videoSeenBy } from './visibility.js';

/**
 * A notification as it is shown (the list, the bell's menu) or mailed (src/jobs/handlers/
 * notification-mail.ts): its row with what it points to looked up again, and whether its reader
 * may still see that. Written once here so that the page and the mail say the same and leak the
 * same nothing: the title, excerpt and link of something no longer visible are not read at all.
 */
export interface NotificationView {
  id: number;
  kind: NotificationKind;
  actorHandle: string | null;
  actorName: string | null;
  /** Distinct people folded into this one ("Ana and 12 others"). */
  actorCount: number;
  detail: Record<string, string | number | boolean | null>;
  createdAt: Date;
  updatedAt: Date;
  readAt: Date | null;
  /** False when what it points to was deleted or its reader may no longer see it: "no longer available". */
  available: boolean;
  /** Set only when available. */
  video: { publicId: string; title: string } | null;
  comment: { id: number; threadId: number | null; excerpt: string } | null;
}

/** How much of a comment a notification quotes, in characters. */
export const COMMENT_EXCERPT_CHARS = 140;

/**
 * The columns and joins of a view; the caller adds WHERE (on `n`), ORDER and LIMIT. The
 * visibility of the video and comment is asked for the notification's own reader (n.user_id).
 */
export const NOTIFICATION_VIEW_FROM = `
  SELECT n.id, n.kind, n.actor_count, n.detail, n.created_at, n.updated_at, n.read_at,
         a.handle AS actor_handle, a.display_name AS actor_name,
         v.id IS NOT NULL AND ${videoSeenBy('n.user_id', 'v', 'vo')} AS video_visible,
         c.id IS NOT NULL AND ${commentSeenBy('n.user_id', 'c', 'ca')} AS comment_visible,
         v.public_id AS video_public_id, v.title AS video_title,
         c.id AS comment_id, c.thread_id AS comment_thread_id, left(c.body, ${COMMENT_EXCERPT_CHARS + 1}) AS comment_excerpt
  FROM notifications n
  LEFT JOIN users a ON a.id = n.actor_id
  LEFT JOIN videos v ON v.id = n.video_id
  LEFT JOIN users vo ON vo.id = v.owner_id
  LEFT JOIN comments c ON c.id = n.comment_id
  LEFT JOIN users ca ON ca.id = c.author_id`;

export interface NotificationViewRow {
  id: number;
  kind: NotificationKind;
  actor_count: number;
  detail: Record<string, string | number | boolean | null>;
  created_at: Date;
  updated_at: Date;
  read_at: Date | null;
  actor_handle: string | null;
  actor_name: string | null;
  video_visible: boolean;
  comment_visible: boolean;
  video_public_id: string | null;
  video_title: string | null;
  comment_id: number | null;
  comment_thread_id: number | null;
  comment_excerpt: string | null;
}

export function toNotificationView(row: NotificationViewRow): NotificationView {
  const about = KIND_INFO[row.kind].about;
  const available = about === 'comment' ? row.video_visible && row.comment_visible : about === 'video' ? row.video_visible : true;
  // A report's outcome may be that its video or comment is gone: the row stays available, and
  // points at it only while it may still be seen.
  const showVideo = available && row.video_visible;
  const showComment = showVideo && row.comment_visible;
  const excerpt = row.comment_excerpt ?? '';
  return {
    id: row.id,
    kind: row.kind,
    actorHandle: row.actor_handle,
    actorName: row.actor_name,
    actorCount: row.actor_count,
    detail: row.detail,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    readAt: row.read_at,
    available,
    video: showVideo ? { publicId: row.video_public_id!, title: row.video_title! } : null,
    comment: showComment
      ? { id: row.comment_id!, threadId: row.comment_thread_id, excerpt: [...excerpt].length > COMMENT_EXCERPT_CHARS ? `${[...excerpt].slice(0, COMMENT_EXCERPT_CHARS).join('')}…` : excerpt }
      : null,
  };
}
