import { KIND_INFO, isNotificationKind, type NotificationKind } from '../notifications/kinds.js';
import { prepared, withTransaction, type Pool, type Queryable } from './pool.js';
import { channelLive } from './visibility.js';

/**
 * A person's notification choices (/settings/notifications): per kind, in the site and by mail;
 * how mail is sent (users.email_cadence); and per followed channel, its bell
 * (subscriptions.notify, read by the new-video fan-out).
 *
 * Only choices that differ from a kind's default are stored (notification_preferences): a person
 * who never changed a kind follows its default, also when a later release changes it, and
 * insertNotification reads one row at most per notification either way.
 */

export type EmailCadence = 'instant' | 'daily' | 'weekly';
export const EMAIL_CADENCES: readonly EmailCadence[] = ['instant', 'daily', 'weekly'];

export interface KindChoice { inSite: boolean; byEmail: boolean }

export interface NotificationSettings {
  choices: Record<NotificationKind, KindChoice>;
  cadence: EmailCadence;
  /** The account's address, and whether it was confirmed: only a confirmed one gets mail. */
  email: string | null;
  emailConfirmed: boolean;
}

/** Every kind's choice for this person: their row, or the kind's default (src/notifications/kinds.ts). */
export async function findNotificationChoices(db: Queryable, userId: number): Promise<Record<NotificationKind, KindChoice>> {
  const { rows } = await db.query<{ kind: string; in_site: boolean; by_email: boolean }>(prepared('notification-preferences', 'SELECT kind, in_site, by_email FROM notification_preferences WHERE user_id = $1', [userId]));
  const choices = Object.fromEntries(Object.entries(KIND_INFO).map(([kind, info]) => [kind, { inSite: info.inSite, byEmail: info.byEmail }])) as Record<NotificationKind, KindChoice>;
  for (const row of rows) if (isNotificationKind(row.kind)) choices[row.kind] = { inSite: row.in_site, byEmail: row.by_email };
  return choices;
}

/** Every kind's choice for this person, their cadence and address. */
export async function findNotificationSettings(db: Queryable, userId: number): Promise<NotificationSettings> {
  const [choices, user] = await Promise.all([
    findNotificationChoices(db, userId),
    db.query<{ email: string | null; email_confirmed_at: Date | null; email_cadence: EmailCadence }>(
      prepared('notification-account', 'SELECT email, email_confirmed_at, email_cadence FROM users WHERE id = $1', [userId]),
    ),
  ]);
  const account = user.rows[0];
  return {
    choices,
    cadence: account?.email_cadence ?? 'instant',
    email: account?.email ?? null,
    emailConfirmed: !!account?.email && !!account.email_confirmed_at,
  };
}

/**
 * Stores the choices given (only the kinds in `choices`: a kind the page did not offer keeps its
 * row) and the cadence, when given (null: mail is off or the address unconfirmed, so the page
 * could not change it). One transaction: the page is saved whole or not at all.
 */
export async function saveNotificationSettings(pool: Pool, userId: number, choices: Partial<Record<NotificationKind, KindChoice>>, cadence: EmailCadence | null): Promise<void> {
  const changed = Object.entries(choices).filter(([kind, c]) => c.inSite !== KIND_INFO[kind as NotificationKind].inSite || c.byEmail !== KIND_INFO[kind as NotificationKind].byEmail);
  await withTransaction(pool, async (client) => {
    await client.query('DELETE FROM notification_preferences WHERE user_id = $1 AND kind = ANY($2::text[])', [userId, Object.keys(choices)]);
    if (changed.length > 0) {
      await client.query(
        `INSERT INTO notification_preferences (user_id, kind, in_site, by_email)
         SELECT $1, k.kind, k.in_site, k.by_email FROM unnest($2::text[], $3::boolean[], $4::boolean[]) AS k (kind, in_site, by_email)`,
        [userId, changed.map(([k]) => k), changed.map(([, c]) => c.inSite), changed.map(([, c]) => c.byEmail)],
      );
    }
    if (cadence) await client.query('UPDATE users SET email_cadence = $2 WHERE id = $1', [userId, cadence]);
  });
}

export type ChannelBell = 'all' | 'none';

export interface FollowedChannelBell {
  handle: string;
  displayName: string;
  notify: ChannelBell;
}

/** The bell of one followed channel, or null when the person does not follow it (subscriptions_pkey). */
export async function findChannelBell(db: Queryable, subscriberId: number, channelId: number): Promise<ChannelBell | null> {
  const { rows } = await db.query<{ notify: ChannelBell }>(prepared('find-channel-bell', 'SELECT notify FROM subscriptions WHERE subscriber_id = $1 AND channel_id = $2', [subscriberId, channelId]));
  return rows[0]?.notify ?? null;
}

/** Sets the bell of a channel the person follows; false when they do not follow it (nothing written). */
export async function setChannelBell(db: Queryable, subscriberId: number, channelId: number, notify: ChannelBell): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE subscriptions SET notify = $3 WHERE subscriber_id = $1 AND channel_id = $2', [subscriberId, channelId, notify]);
  return rowCount === 1;
}

/** The live channels a person follows with each one's bell, by name, at most `limit` (subscriptions_pkey). */
export async function listChannelBells(db: Queryable, subscriberId: number, limit: number): Promise<FollowedChannelBell[]> {
  const { rows } = await db.query<{ handle: string; display_name: string; notify: ChannelBell }>(prepared(
    'list-channel-bells',
    `SELECT u.handle, u.display_name, s.notify FROM subscriptions s JOIN users u ON u.id = s.channel_id
     WHERE s.subscriber_id = $1 AND ${channelLive()}
     ORDER BY lower(u.display_name), u.id LIMIT $2`,
    [subscriberId, limit],
  ));
  return rows.map((r) => ({ handle: r.handle, displayName: r.display_name, notify: r.notify }));
}
