import { KIND_INFO, NOTIFICATION_KINDS, type NotificationKind } from '../notifications/kinds.js';
import type { UnsubscribeScope } from '../notifications/unsubscribe-tokens.js';
import { withTransaction, type Pool, type Queryable } from './pool.js';

/** Who a one-click unsubscribe link is for: an account that still exists. */
export interface UnsubscribeAccount {
  id: number;
  handle: string;
}

export async function findUnsubscribeAccount(db: Queryable, userId: number): Promise<UnsubscribeAccount | null> {
  const { rows } = await db.query<UnsubscribeAccount>('SELECT id, handle FROM users WHERE id = $1 AND deleted_at IS NULL', [userId]);
  return rows[0] ?? null;
}

/**
 * Turns off mail about a kind (or every kind): its preference row says by_email false, keeping
 * in_site as the person chose it or as the kind's default. What was still due by mail of those
 * kinds is not mailed either. Doing it twice changes nothing the second time.
 */
export async function turnOffNotificationMail(pool: Pool, userId: number, scope: UnsubscribeScope): Promise<void> {
  const kinds: NotificationKind[] = scope === 'all' ? [...NOTIFICATION_KINDS] : [scope];
  await withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO notification_preferences (user_id, kind, in_site, by_email)
       SELECT $1, k.kind, k.in_site, false FROM unnest($2::text[], $3::boolean[]) AS k (kind, in_site)
       ON CONFLICT (user_id, kind) DO UPDATE SET by_email = false`,
      [userId, kinds, kinds.map((kind) => KIND_INFO[kind].inSite)],
    );
    // Uses notifications_email_due_idx.
    await client.query(`UPDATE notifications SET email_state = 'none' WHERE user_id = $1 AND email_state = 'due' AND kind = ANY($2::text[])`, [userId, kinds]);
  });
}
