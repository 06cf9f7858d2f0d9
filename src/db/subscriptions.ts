import type { Pool, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';
import { channelLive } from './visibility.js';
import { USER_COLUMNS, toUser, type User } from './users.js';
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

/** Where a page of subscriptions starts: after the one of this time (microseconds since 1970) and channel id. */
export interface SubscriptionCursor { micros: string; channelId: number }

const SUBSCRIPTION_CURSOR = /^(\d{1,17})-([1-9]\d{0,15})$/;

/** `micros-channelId`, or null when the value is not one. */
export function parseSubscriptionCursor(value: string): SubscriptionCursor | null {
  const m = SUBSCRIPTION_CURSOR.exec(value);
  return m ? { micros: m[1]!, channelId: Number(m[2]) } : null;
}

export interface Subscription {
  channel: User;
  /** The bell: 'all' tells of each new video (src/db/notification-preferences.ts). */
  notify: 'all' | 'none';
  subscribedAt: Date;
  /** This row's keyset cursor: its time in microseconds and the channel's id. */
  cursor: string;
}

/**
 * A page of the live channels an account follows, last followed first, after `after`; ask for
 * one more than a page. Reads the subscriber's rows by subscriptions_pkey and sorts them: an
 * account follows hundreds of channels, not millions.
 */
export async function listSubscriptions(db: Queryable, subscriberId: number, options: { after: SubscriptionCursor | null; limit: number }): Promise<Subscription[]> {
  const { rows } = await db.query<Parameters<typeof toUser>[0] & { notify: 'all' | 'none'; subscribed_at: Date; micros: string }>(prepared(
    'list-subscriptions',
    `SELECT ${USER_COLUMNS.split(', ').map((c) => `u.${c}`).join(', ')}, s.notify, s.subscribed_at,
            (extract(epoch FROM s.subscribed_at) * 1000000)::bigint::text AS micros
     FROM subscriptions s JOIN users u ON u.id = s.channel_id
     WHERE s.subscriber_id = $1 AND ${channelLive()}
       AND ($2::bigint IS NULL OR (s.subscribed_at, s.channel_id) < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::bigint))
     ORDER BY s.subscribed_at DESC, s.channel_id DESC LIMIT $4`,
    [subscriberId, options.after?.micros ?? null, options.after?.channelId ?? null, options.limit],
  ));
  return rows.map((r) => ({ channel: toUser(r), notify: r.notify, subscribedAt: r.subscribed_at, cursor: `${r.micros}-${Number(r.id)}` }));
}
