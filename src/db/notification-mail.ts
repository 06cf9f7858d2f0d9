import { NOTIFICATION_KINDS, type NotificationKind } from '../notifications/kinds.js';
import { NOTIFICATION_VIEW_FROM, toNotificationView, type NotificationView, type NotificationViewRow } from './notification-views.js';
import { isKindFor } from '../notifications/access.js';
import { findViewerById } from './roles.js';
import { hasConfirmedAddress } from './notifications.js';
import { findNotificationChoices, type EmailCadence } from './notification-preferences.js';
import type { PoolClient, Queryable } from './pool.js';
import { channelLive } from './visibility.js';

/**
 * What notification mail reads and writes (src/jobs/handlers/notification-mail.ts and
 * notification-digests.ts). A row is mailed once: it is taken under its row lock, SKIP LOCKED,
 * and marked 'sent' in the same transaction that queues the message, so two jobs never mail it
 * twice and a rolled-back job mails nothing. Rows stay 'due' while the person cannot be mailed.
 */

export interface MailRecipient {
  id: number;
  email: string;
  cadence: EmailCadence;
}

/** How long after the last digest the next one is due. */
export const DIGEST_PERIOD_DAYS: Record<Exclude<EmailCadence, 'instant'>, number> = { daily: 1, weekly: 7 };

/** Only a live account with a confirmed address is mailed (as insertNotification decides 'due'). */
const MAILABLE = `${channelLive('u')} AND ${hasConfirmedAddress('u')}`;
/** A digest person whose last digest went a period or more before $now. */
const DIGEST_DUE = `u.email_cadence IN ('daily', 'weekly')
  AND (u.last_digest_at IS NULL OR u.last_digest_at <= $2::timestamptz - make_interval(days => CASE u.email_cadence WHEN 'daily' THEN ${DIGEST_PERIOD_DAYS.daily} ELSE ${DIGEST_PERIOD_DAYS.weekly} END))`;

/** The person to mail now, or null: not live, no confirmed address. */
export async function findMailRecipient(db: Queryable, userId: number): Promise<MailRecipient | null> {
  const { rows } = await db.query<{ id: number; email: string; email_cadence: EmailCadence }>(
    `SELECT u.id, u.email, u.email_cadence FROM users u WHERE u.id = $1 AND ${MAILABLE}`,
    [userId],
  );
  return rows[0] ? { id: rows[0].id, email: rows[0].email, cadence: rows[0].email_cadence } : null;
}

/**
 * The person, locked, when their digest is due at `now` (a day or a week after the last one)
 * and they may be mailed; else null. The lock makes a second digest job wait, then find the
 * digest already sent (last_digest_at moved).
 */
export async function lockDigestRecipient(client: PoolClient, userId: number, now: Date): Promise<MailRecipient | null> {
  const { rows } = await client.query<{ id: number; email: string; email_cadence: EmailCadence }>(
    `SELECT u.id, u.email, u.email_cadence FROM users u WHERE u.id = $1 AND ${MAILABLE} AND ${DIGEST_DUE} FOR NO KEY UPDATE`,
    [userId, now],
  );
  return rows[0] ? { id: rows[0].id, email: rows[0].email, cadence: rows[0].email_cadence } : null;
}

/**
 * The people with rows due by mail after `afterUserId`, up to `limit` of them in id order, and
 * whether their digest is due at `now`. Driven from notifications_email_due_idx one index probe
 * per person (a loose index scan), so it costs what is due, not the number of accounts.
 */
export async function listPeopleWithMailDue(db: Queryable, afterUserId: number, now: Date, limit: number): Promise<{ userId: number; digestDue: boolean }[]> {
  const { rows } = await db.query<{ user_id: number; digest_due: boolean }>(
    `WITH RECURSIVE due (user_id, depth) AS (
       (SELECT n.user_id, 1 FROM notifications n WHERE n.email_state = 'due' AND n.user_id > $1 ORDER BY n.user_id LIMIT 1)
       UNION ALL
       SELECT (SELECT n.user_id FROM notifications n WHERE n.email_state = 'due' AND n.user_id > due.user_id ORDER BY n.user_id LIMIT 1), due.depth + 1
       FROM due WHERE due.user_id IS NOT NULL AND due.depth < $3
     )
     SELECT due.user_id, coalesce(${MAILABLE} AND ${DIGEST_DUE}, false) AS digest_due
     FROM due LEFT JOIN users u ON u.id = due.user_id
     WHERE due.user_id IS NOT NULL
     ORDER BY due.user_id`,
    [afterUserId, now, limit],
  );
  return rows.map((r) => ({ userId: r.user_id, digestDue: r.digest_due }));
}

/** A person's rows due by mail, split by what to do with each. */
export interface TakenMail {
  /** Still visible to their reader and of a kind they still want by mail: to be mailed, oldest first. */
  mail: NotificationView[];
  /** Rows no longer available (made private, taken down, deleted): marked sent, never mailed. */
  gone: number[];
  /** Rows of a kind whose mail they have since turned off: marked 'none'. */
  unwanted: number[];
}

/**
 * Takes a person's due rows under their row locks (SKIP LOCKED: rows another job holds are
 * its to mail) and looks each up again as it would be shown, so that what its reader may no
 * longer see is not mailed. Call markMailed in the same transaction.
 */
export async function takeDueMail(client: PoolClient, userId: number): Promise<TakenMail> {
  // Uses notifications_email_due_idx.
  const locked = await client.query<{ id: number }>(
    `SELECT n.id FROM notifications n WHERE n.user_id = $1 AND n.email_state = 'due' ORDER BY n.id FOR UPDATE SKIP LOCKED`,
    [userId],
  );
  const taken: TakenMail = { mail: [], gone: [], unwanted: [] };
  if (locked.rows.length === 0) return taken;
  const { rows } = await client.query<NotificationViewRow>(`${NOTIFICATION_VIEW_FROM} WHERE n.id = ANY($1::bigint[]) ORDER BY n.id`, [locked.rows.map((r) => r.id)]);
  const wanted = await kindsWantedByMail(client, userId);
  // A kind given with a permission (new reports) is mailed only while its reader still holds it,
  // as the list shows it (src/notifications/access.ts): a moderator demoted before a weekly digest
  // is told nothing more about the queue.
  const reader = await findViewerById(client, userId);
  const readerNow = reader ? { ...reader, permissions: new Set(reader.permissions), banned: reader.bannedAt !== null } : null;
  for (const row of rows) {
    const view = toNotificationView(row);
    if (!wanted.has(view.kind)) taken.unwanted.push(view.id);
    else if (!view.available || !readerNow || !isKindFor(readerNow, view.kind)) taken.gone.push(view.id);
    else taken.mail.push(view);
  }
  return taken;
}

/** The kinds a person wants by mail: their preference rows over the kinds' defaults. */
async function kindsWantedByMail(db: Queryable, userId: number): Promise<Set<NotificationKind>> {
  const choices = await findNotificationChoices(db, userId);
  return new Set(NOTIFICATION_KINDS.filter((kind) => choices[kind].byEmail));
}

/**
 * Marks what was taken: mailed and gone rows 'sent', unwanted ones 'none'; and, for a digest
 * that went (`digestAt`), when it went. A digest with nothing to say leaves last_digest_at
 * where it was: the next item then goes at the next check instead of a period later, and no
 * period passes with two digests.
 */
export async function markMailed(client: PoolClient, userId: number, taken: TakenMail, digestAt: Date | null): Promise<void> {
  const sent = [...taken.mail.map((v) => v.id), ...taken.gone];
  if (sent.length > 0) await client.query(`UPDATE notifications SET email_state = 'sent' WHERE id = ANY($1::bigint[]) AND user_id = $2`, [sent, userId]);
  if (taken.unwanted.length > 0) await client.query(`UPDATE notifications SET email_state = 'none' WHERE id = ANY($1::bigint[]) AND user_id = $2`, [taken.unwanted, userId]);
  if (digestAt && taken.mail.length > 0) await client.query('UPDATE users SET last_digest_at = $2 WHERE id = $1', [userId, digestAt]);
}
