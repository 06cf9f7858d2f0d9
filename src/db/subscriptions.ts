import type { Pool, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';
import { channelLive } from './visibility.js';
import { tellNobody, type Tell } from '../notifications/tell.js';

/**
 * Subscribes (once; again changes nothing); the channel's counter moves with the row, and the
 * channel is told (`tell`), new subscribers grouped while unread. Leaving and coming back is
 * the same person again in the group, not one more (the group counts distinct people).
 */
export async function subscribe(pool: Pool, subscriberId: number, channelId: number, tell: Tell = tellNobody): Promise<void> {
  await withTransaction(pool, async (client) => {
    const { rowCount } = await client.query('INSERT INTO subscriptions (subscriber_id, channel_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [subscriberId, channelId]);
    if (rowCount !== 1) return;
    await client.query('UPDATE users SET subscriber_count = subscriber_count + 1 WHERE id = $1', [channelId]);
    await tell(client, { userId: channelId, kind: 'new_subscriber', groupKey: 'new_subscriber', actorId: subscriberId });
  });
}

export async function unsubscribe(pool: Pool, subscriberId: number, channelId: number): Promise<void> {
  await withTransaction(pool, async (client) => {
    const { rowCount } = await client.query('DELETE FROM subscriptions WHERE subscriber_id = $1 AND channel_id = $2', [subscriberId, channelId]);
    if (rowCount === 1) await client.query('UPDATE users SET subscriber_count = subscriber_count - 1 WHERE id = $1', [channelId]);
  });
}

/** Whether one account follows a channel (subscriptions_pkey). */
export async function isSubscribed(db: Queryable, subscriberId: number, channelId: number): Promise<boolean> {
  const { rowCount } = await db.query(prepared('is-subscribed', 'SELECT 1 FROM subscriptions WHERE subscriber_id = $1 AND channel_id = $2', [subscriberId, channelId]));
  return rowCount === 1;
}

export interface FollowedChannel {
  handle: string;
  displayName: string;
  avatarKey: string | null;
}

/** The live channels a user follows, by name (for the account menu and the feed page; subscriptions_pkey, users_pkey). */
export async function listFollowedChannels(db: Queryable, subscriberId: number, limit: number): Promise<FollowedChannel[]> {
  const { rows } = await db.query<{ handle: string; display_name: string; avatar_key: string | null }>(prepared(
    'list-followed-channels',
    `SELECT u.handle, u.display_name, u.avatar_key FROM subscriptions s JOIN users u ON u.id = s.channel_id
     WHERE s.subscriber_id = $1 AND ${channelLive()}
     ORDER BY lower(u.display_name) LIMIT $2`,
    [subscriberId, limit],
  ));
  return rows.map((r) => ({ handle: r.handle, displayName: r.display_name, avatarKey: r.avatar_key }));
}
