import { KIND_INFO, type NotificationKind } from '../notifications/kinds.js';
import { prepared, type Queryable } from './pool.js';
import { commentSeenBy, channelLive, videoSeenBy } from './visibility.js';

/**
 * Notifications as they are made: one person told of one thing. The never-leak rule lives here,
 * once, for every kind: a row is made only if its reader may see, at this moment, the video and
 * the comment it points to (videoSeenBy, commentSeenBy), and only for a live account. The list
 * asks the same again when it shows the row (src/db/notification-listing.ts).
 */

export interface NewNotification {
  userId: number;
  kind: NotificationKind;
  /**
   * Unread notifications with the same key collapse into one, counting distinct actors
   * ("Ana and 12 others replied to your comment"); null for one that stands alone.
   */
  groupKey?: string | null;
  videoId?: number | null;
  commentId?: number | null;
  /** Who did it (the replier, the new subscriber); null when nobody did (a video became ready). */
  actorId?: number | null;
  /** What the kind needs besides: a reason, an outcome, a report item's id. Plain JSON. */
  detail?: Record<string, string | number | boolean | null>;
}

export interface MadeNotification {
  id: number;
  /** To be mailed: the reader chose mail for this kind and has a confirmed address. */
  emailDue: boolean;
}

/**
 * The account `u` has an address its owner confirmed: the only kind that gets mail. Whether a
 * notification is due by mail (here, the fan-out) and whom the mail jobs mail ask this.
 */
export const hasConfirmedAddress = (u = 'u') => `${u}.email IS NOT NULL AND ${u}.email_confirmed_at IS NOT NULL`;

/** How many actors a collapsed notification keeps, newest first (notifications.actor_ids). */
export const KEPT_ACTORS = 50;

/**
 * Makes (or folds into its unread group) a notification, if its reader wants it in the site or
 * by mail and may see what it points to; null when nothing was made. The reader's preference
 * row, when there is one, overrides the kind's default (src/notifications/kinds.ts).
 * Notifying yourself is never done: an actor who is the reader makes nothing.
 */
export async function insertNotification(db: Queryable, n: NewNotification): Promise<MadeNotification | null> {
  if (n.actorId != null && n.actorId === n.userId) return null;
  const defaults = KIND_INFO[n.kind];
  const { rows } = await db.query<{ id: number; email_state: string }>(prepared(
    'insert-notification',
    `WITH pref AS (
       SELECT coalesce(p.in_site, $8) AS in_site, coalesce(p.by_email, $9) AS by_email
       FROM (VALUES (1)) one LEFT JOIN notification_preferences p ON p.user_id = $1 AND p.kind = $2
     ), reader AS (
       SELECT ${hasConfirmedAddress('r')} AS mailable
       FROM users r WHERE r.id = $1 AND ${channelLive('r')}
     )
     INSERT INTO notifications AS n (user_id, kind, group_key, video_id, comment_id, actor_id, actor_ids, detail, in_site, email_state)
     SELECT $1, $2, $3, $4, $5, $6, CASE WHEN $6::bigint IS NULL THEN '{}'::bigint[] ELSE ARRAY[$6::bigint] END, $7, pref.in_site,
            CASE WHEN pref.by_email AND reader.mailable THEN 'due' ELSE 'none' END
     FROM pref, reader
     WHERE (pref.in_site OR (pref.by_email AND reader.mailable))
       AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM videos v JOIN users u ON u.id = v.owner_id WHERE v.id = $4 AND ${videoSeenBy('$1')}))
       AND ($5::bigint IS NULL OR EXISTS (SELECT 1 FROM comments c JOIN users a ON a.id = c.author_id WHERE c.id = $5 AND ${commentSeenBy('$1')}))
     ON CONFLICT (user_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL DO UPDATE SET
       actor_count = n.actor_count + CASE WHEN EXCLUDED.actor_id IS NULL OR EXCLUDED.actor_id = ANY (n.actor_ids) THEN 0 ELSE 1 END,
       actor_ids = CASE WHEN EXCLUDED.actor_id IS NULL THEN n.actor_ids
                        ELSE (ARRAY[EXCLUDED.actor_id] || array_remove(n.actor_ids, EXCLUDED.actor_id))[1:${KEPT_ACTORS}] END,
       actor_id = coalesce(EXCLUDED.actor_id, n.actor_id),
       video_id = EXCLUDED.video_id,
       comment_id = EXCLUDED.comment_id,
       detail = EXCLUDED.detail,
       in_site = EXCLUDED.in_site,
       updated_at = now(),
       -- A group already mailed is mailed again for what came since; one still due stays due.
       email_state = CASE WHEN EXCLUDED.email_state = 'due' THEN 'due' ELSE n.email_state END
     RETURNING id, email_state`,
    [n.userId, n.kind, n.groupKey ?? null, n.videoId ?? null, n.commentId ?? null, n.actorId ?? null, JSON.stringify(n.detail ?? {}), defaults.inSite, defaults.byEmail],
  ));
  const row = rows[0];
  return row ? { id: row.id, emailDue: row.email_state === 'due' } : null;
}
