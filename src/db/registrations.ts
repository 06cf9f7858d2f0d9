import { insertAuditEntry } from './audit-log.js';
import type { Pool, PoolClient } from './pool.js';
import { withTransaction } from './pool.js';
import { insertAccount, markAccountDeleted, type AfterInsert, type CreateAccountResult, type NewAccount } from './users.js';

/**
 * Sign-ups waiting for an administrator's approval (issue 13, item 9; the site setting
 * `registration` is 'approval'). The account is made as any other, with the `user` role, and
 * `pending_at` set (sql/migrations/1763683202700_pending-accounts.sql): its handle is taken at
 * once, it cannot sign in until approved (routes/accounts.ts), and its channel is hidden
 * (channelLive). Approving clears the mark; rejecting is the ordinary soft delete (handle never
 * reused). Each decision writes its audit row in its own transaction.
 */

/** A new account with the `user` role, waiting for approval. */
export async function createPendingAccount(pool: Pool, account: NewAccount, also?: AfterInsert): Promise<CreateAccountResult> {
  return withTransaction(pool, async (client) => {
    const created = await insertAccount(client, account, ['user']);
    if (!created.ok) return created;
    await client.query('UPDATE users SET pending_at = now() WHERE id = $1', [created.user.id]);
    if (also) await also(client, created.user);
    return created;
  });
}

/** The account locked for the decision: what it is now, whatever the page showed. */
async function lockAccount(client: PoolClient, userId: number): Promise<{ handle: string; displayName: string; email: string | null; pendingAt: Date | null } | null> {
  const { rows } = await client.query<{ handle: string; display_name: string; email: string | null; pending_at: Date | null }>(
    'SELECT handle, display_name, email, pending_at FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE',
    [userId],
  );
  const row = rows[0];
  return row ? { handle: row.handle, displayName: row.display_name, email: row.email, pendingAt: row.pending_at } : null;
}

export type Decision = { actorId: number; userId: number };

/**
 * Lets the account in: pending_at cleared, 'user.approve' recorded. An account no longer waiting
 * (a second click, or another moderator first) changes nothing: 'not_pending'.
 */
export async function approveAccount(pool: Pool, decision: Decision): Promise<'approved' | 'not_pending' | 'gone'> {
  return withTransaction(pool, async (client) => {
    const account = await lockAccount(client, decision.userId);
    if (!account) return 'gone';
    if (!account.pendingAt) return 'not_pending';
    await client.query('UPDATE users SET pending_at = NULL WHERE id = $1', [decision.userId]);
    await insertAuditEntry(client, {
      actorId: decision.actorId, action: 'user.approve', targetKind: 'user', targetId: decision.userId, subjectUserId: decision.userId,
      reason: null, note: null,
      before: { pending: true, pendingSince: account.pendingAt.toISOString() },
      after: { pending: false },
    });
    return 'approved';
  });
}

/**
 * Turns the sign-up down: the ordinary soft delete (users.ts markAccountDeleted: email released,
 * password unusable, the handle kept so it is never given again) and 'user.reject'. Only an
 * account still waiting; the avatar key whose files the caller removes.
 */
export async function rejectAccount(pool: Pool, decision: Decision): Promise<{ avatarKey: string | null } | 'not_pending' | 'gone'> {
  return withTransaction(pool, async (client) => {
    const account = await lockAccount(client, decision.userId);
    if (!account) return 'gone';
    if (!account.pendingAt) return 'not_pending';
    const deleted = await markAccountDeleted(client, decision.userId);
    if (!deleted) return 'gone';
    await client.query('UPDATE users SET pending_at = NULL WHERE id = $1', [decision.userId]);
    await insertAuditEntry(client, {
      actorId: decision.actorId, action: 'user.reject', targetKind: 'user', targetId: decision.userId, subjectUserId: decision.userId,
      reason: null, note: null,
      before: { pending: true, pendingSince: account.pendingAt.toISOString(), handle: account.handle, displayName: account.displayName, deleted: false },
      after: { pending: false, deleted: true },
    });
    return deleted;
  });
}
