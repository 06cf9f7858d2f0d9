import { KIND_INFO } from '../notifications/kinds.js';
import { hasConfirmedAddress } from './notifications.js';
import type { PoolClient, Queryable } from './pool.js';
import { channelLive, listed } from './visibility.js';

/**
 * Telling a channel's subscribers of its new video (a 'published' event, src/db/video-events.ts):
 * fan-out on write, one batch of subscribers per transaction. Each batch walks the channel's
 * subscribers in id order after the event's fanout_after (subscriptions_channel_subscriber_idx),
 * writes their notifications and moves fanout_after to the last one, under the event's row lock:
 * two runs at once never take the same batch, and a run stopped anywhere leaves the event where
 * its last committed batch put it.
 */

/** An event whose subscribers are not all told yet. */
export interface PendingFanout {
  id: number;
  videoId: number;
}

/** Events not yet told to every subscriber, oldest first, after `afterId` (video_events_fanout_idx). */
export async function listPendingFanouts(db: Queryable, afterId: number, limit: number): Promise<PendingFanout[]> {
  const { rows } = await db.query<{ id: number; video_id: number }>(
    'SELECT id, video_id FROM video_events WHERE fanned_out_at IS NULL AND id > $1 ORDER BY id LIMIT $2',
    [afterId, limit],
  );
  return rows.map((r) => ({ id: r.id, videoId: r.video_id }));
}

/** Whether any event waits to be told (the worker's timer asks before queueing a job). */
export async function hasPendingFanouts(db: Queryable): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM video_events WHERE fanned_out_at IS NULL LIMIT 1');
  return (rowCount ?? 0) > 0;
}

export type BatchOutcome =
  /** Another run holds the event (it goes on with it), or it was finished meanwhile. */
  | { state: 'busy' }
  /** Every subscriber is told, or the video is no longer listed (or gone): the event is closed. */
  | { state: 'done'; told: number; mailTo: number[] }
  /** A batch was told; more subscribers may follow. */
  | { state: 'more'; told: number; mailTo: number[] };

const NEW_VIDEO = KIND_INFO.new_video;

/**
 * Tells the next `batchSize` subscribers of one event, in the caller's transaction, and moves the
 * event on. Subscribers told: bell 'all', account live (not banned, deleted or pending), wanting
 * new_video in the site or by mail (their notification_preferences row, else the kind's
 * defaults), never the channel's owner. `mailTo` are those to mail (by_email and a confirmed
 * address: email_state 'due'); the caller queues their mail jobs in the same transaction.
 *
 * Never leak: the video must be listed now, or nobody more is told and the event is closed (made
 * private or taken down before its turn; public again later, it is not announced again). Locks:
 * the video first (FOR KEY SHARE, which the notifications' foreign key takes anyway), then the
 * event, the order in which deleting a video deletes its events: the other order deadlocks with
 * a deletion. A deleted video deleted its event with it: 'done'.
 */
export async function fanOutBatch(client: PoolClient, eventId: number, batchSize: number): Promise<BatchOutcome> {
  const { rows: events } = await client.query<{ video_id: number }>('SELECT video_id FROM video_events WHERE id = $1 AND fanned_out_at IS NULL', [eventId]);
  if (!events[0]) return { state: 'done', told: 0, mailTo: [] };
  const videoId = events[0].video_id;
  const { rows: videos } = await client.query<{ owner_id: number; listed: boolean }>(
    `SELECT v.owner_id, (${listed('v', 'u')}) AS listed FROM videos v JOIN users u ON u.id = v.owner_id WHERE v.id = $1 FOR KEY SHARE OF v`,
    [videoId],
  );
  const { rows: locked } = await client.query<{ fanout_after: number }>(
    'SELECT fanout_after FROM video_events WHERE id = $1 AND fanned_out_at IS NULL FOR UPDATE SKIP LOCKED',
    [eventId],
  );
  if (!locked[0]) return { state: 'busy' };
  const video = videos[0];
  if (!video?.listed) {
    await client.query('UPDATE video_events SET fanned_out_at = now() WHERE id = $1', [eventId]);
    return { state: 'done', told: 0, mailTo: [] };
  }
  // The preference row overrides the kind's defaults, as in insertNotification. Each batch is a
  // walk of at most batchSize index entries and as many primary-key reads of users and
  // notification_preferences.
  const { rows } = await client.query<{ walked: number; last_id: number | null; told: number; mail_to: number[] }>(
    `WITH batch AS (
       SELECT s.subscriber_id FROM subscriptions s
       WHERE s.channel_id = $1 AND s.subscriber_id > $3 AND s.notify = 'all'
       ORDER BY s.subscriber_id LIMIT $4
     ), made AS (
       INSERT INTO notifications (user_id, kind, video_id, actor_id, actor_ids, in_site, email_state)
       SELECT r.id, 'new_video', $2, $1, ARRAY[$1::bigint], coalesce(p.in_site, $5),
              CASE WHEN coalesce(p.by_email, $6) AND ${hasConfirmedAddress('r')} THEN 'due' ELSE 'none' END
       FROM batch b
       JOIN users r ON r.id = b.subscriber_id
       LEFT JOIN notification_preferences p ON p.user_id = r.id AND p.kind = 'new_video'
       WHERE ${channelLive('r')} AND r.id <> $1
         AND (coalesce(p.in_site, $5) OR (coalesce(p.by_email, $6) AND ${hasConfirmedAddress('r')}))
       RETURNING user_id, email_state
     )
     SELECT (SELECT count(*)::int FROM batch) AS walked, (SELECT max(subscriber_id) FROM batch) AS last_id,
            (SELECT count(*)::int FROM made) AS told, ARRAY(SELECT user_id FROM made WHERE email_state = 'due' ORDER BY user_id) AS mail_to`,
    [video.owner_id, videoId, locked[0].fanout_after, batchSize, NEW_VIDEO.inSite, NEW_VIDEO.byEmail],
  );
  const { walked, last_id: lastId, told, mail_to: mailTo } = rows[0]!;
  const finished = walked < batchSize;
  await client.query(
    'UPDATE video_events SET fanout_after = coalesce($2, fanout_after), fanned_out_at = CASE WHEN $3::boolean THEN now() END WHERE id = $1',
    [eventId, lastId, finished],
  );
  return { state: finished ? 'done' : 'more', told, mailTo };
}
