import type { Pool, PoolClient, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import { consumeEmailToken, deleteUnusedEmailTokens, findEmailToken, findPendingEmail } from './email-tokens.js';

/**
 * An account's address as the account-email pages and mails need it (issue 14, item 6). Only
 * a confirmed address gets mail or signs in (findCredentials); an unconfirmed one is shown to
 * its owner with a way to confirm it.
 */
export interface AccountEmail {
  id: number;
  handle: string;
  displayName: string;
  email: string | null;
  confirmedAt: Date | null;
  /** The address a confirmation link went to last and that is not yet confirmed; null when none. */
  pending: { email: string; sentAt: Date } | null;
}

/** A live account's address and the one waiting for confirmation; null for a deleted or unknown account. */
export async function findAccountEmail(db: Queryable, userId: number): Promise<AccountEmail | null> {
  const { rows } = await db.query<{ id: number; handle: string; display_name: string; email: string | null; email_confirmed_at: Date | null }>(
    'SELECT id, handle, display_name, email, email_confirmed_at FROM users WHERE id = $1 AND deleted_at IS NULL',
    [userId],
  );
  const row = rows[0];
  if (!row) return null;
  let pending = await findPendingEmail(db, userId);
  // A sign-up made while mail was off left its address unconfirmed with no link: it waits too.
  if (!pending && row.email && !row.email_confirmed_at) pending = { email: row.email, sentAt: new Date(0) };
  // A link to the address already confirmed (sent again before following the first) waits for nothing.
  if (pending && row.email_confirmed_at && row.email?.toLowerCase() === pending.email.toLowerCase()) pending = null;
  return { id: Number(row.id), handle: row.handle, displayName: row.display_name, email: row.email, confirmedAt: row.email_confirmed_at, pending };
}

/**
 * The account a reset link may be mailed to: the live one whose CONFIRMED address this is, not
 * banned and not waiting for approval (users_email_key). Null for anything else, which the
 * forgot-password page answers exactly as it answers an account that does.
 */
export async function findResettableAccount(db: Queryable, email: string): Promise<{ id: number; handle: string; email: string } | null> {
  const { rows } = await db.query<{ id: number; handle: string; email: string }>(
    `SELECT id, handle, email FROM users
     WHERE lower(email) = lower($1) AND email IS NOT NULL AND email_confirmed_at IS NOT NULL
       AND deleted_at IS NULL AND banned_at IS NULL AND pending_at IS NULL`,
    [email],
  );
  const row = rows[0];
  return row ? { id: Number(row.id), handle: row.handle, email: row.email } : null;
}

export type ConfirmResult =
  | { ok: true; email: string; handle: string; previous: { email: string; confirmed: boolean } | null }
  /** gone: used or expired meanwhile; unknown: the account was deleted; taken: another account confirmed the address. */
  | { ok: false; reason: 'gone' | 'unknown' | 'taken' };

/**
 * Follows a confirmation link in one transaction: the link is used, the account's address
 * becomes the link's, confirmed at `now`, the account's unused reset links are retired, and
 * `then` runs (the mail to the old address) in the same transaction. An address another
 * account has confirmed meanwhile writes nothing and leaves the link as it was ('taken'); one
 * that another account only typed, never confirmed, is taken from it: an unconfirmed address is
 * a claim, the link followed is proof.
 */
export async function confirmEmailAddress(pool: Pool, token: string, now: Date, then: (client: PoolClient, result: Extract<ConfirmResult, { ok: true }>, userId: number) => Promise<void>): Promise<ConfirmResult> {
  try {
    return await withTransaction(pool, async (client) => {
      const link = await findEmailToken(client, token, 'confirm');
      if (!link) return { ok: false, reason: 'gone' } as const;
      if (await isConfirmedElsewhere(client, link.email, link.userId)) return { ok: false, reason: 'taken' } as const;
      const used = await consumeEmailToken(client, token, 'confirm', now);
      if (!used) return { ok: false, reason: 'gone' } as const;
      await client.query('UPDATE users SET email = NULL WHERE lower(email) = lower($1) AND id <> $2 AND email_confirmed_at IS NULL', [used.email, used.userId]);
      const { rows } = await client.query<{ handle: string; old_email: string | null; old_confirmed_at: Date | null }>(
        `UPDATE users SET email = $2, email_confirmed_at = $3 FROM users AS old
         WHERE users.id = $1 AND old.id = users.id AND users.deleted_at IS NULL
         RETURNING users.handle, old.email AS old_email, old.email_confirmed_at AS old_confirmed_at`,
        [used.userId, used.email, now],
      );
      const row = rows[0];
      if (!row) throw new TokenGone();
      // A reset link mailed to the old address must not outlive it.
      await deleteUnusedEmailTokens(client, used.userId, 'reset');
      const result = { ok: true as const, email: used.email, handle: row.handle, previous: row.old_email ? { email: row.old_email, confirmed: row.old_confirmed_at !== null } : null };
      await then(client, result, used.userId);
      return result;
    });
  } catch (err) {
    if (err instanceof TokenGone) return { ok: false, reason: 'unknown' };
    // Two accounts confirming the same address at the same moment: users_email_key lets one through.
    if ((err as { code?: string }).code === '23505') return { ok: false, reason: 'taken' };
    throw err;
  }
}

/** Rolls back a confirmation whose account was deleted after the link was sent. */
class TokenGone extends Error {}

async function isConfirmedElsewhere(db: Queryable, email: string, userId: number): Promise<boolean> {
  const { rows } = await db.query<{ taken: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1) AND email IS NOT NULL AND id <> $2 AND email_confirmed_at IS NOT NULL) AS taken',
    [email, userId],
  );
  return rows[0]!.taken;
}

/**
 * Sets a new password from a reset link, in one transaction: the link is used, the hash
 * replaced, every session of the account ended (sessions_user_idx) and its other reset links
 * retired, and `then` runs (the announcement) in the same transaction. Null when the link was
 * used or expired meanwhile, the account deleted, or its confirmed address is no longer the
 * link's: nothing is written then.
 */
export async function resetPasswordWithToken(pool: Pool, token: string, passwordHash: string, now: Date, then: (client: PoolClient, userId: number) => Promise<void>): Promise<{ userId: number; sessionsEnded: number } | null> {
  try {
    return await withTransaction(pool, async (client) => {
      const used = await consumeEmailToken(client, token, 'reset', now);
      if (!used) return null;
      // Only while the link's address is still the account's confirmed one (a link that outlived
      // a change of address goes to someone who no longer owns the account's mail).
      const updated = await client.query(
        'UPDATE users SET password_hash = $2 WHERE id = $1 AND deleted_at IS NULL AND email_confirmed_at IS NOT NULL AND lower(email) = lower($3)',
        [used.userId, passwordHash, used.email],
      );
      if (updated.rowCount !== 1) throw new TokenGone();
      const ended = await client.query(`DELETE FROM sessions WHERE sess ->> 'userId' = $1`, [String(used.userId)]);
      await deleteUnusedEmailTokens(client, used.userId, 'reset');
      await then(client, used.userId);
      return { userId: used.userId, sessionsEnded: ended.rowCount ?? 0 };
    });
  } catch (err) {
    if (err instanceof TokenGone) return null;
    throw err;
  }
}

/**
 * A new password set by its owner (/settings/password), with the account's unused reset links
 * retired: a link asked for before, by whoever, must not undo the change. `then` (the
 * announcement) runs in the same transaction.
 */
export async function changePasswordHash(pool: Pool, userId: number, passwordHash: string, then: (client: PoolClient) => Promise<void>): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, passwordHash]);
    await deleteUnusedEmailTokens(client, userId, 'reset');
    await then(client);
  });
}
