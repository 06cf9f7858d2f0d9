import type { Pool, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import { insertAccount, type CreateAccountResult, type NewAccount } from './users.js';

// Serialises the claims of the setup address, so two requests with it cannot both make an admin.
const SETUP_LOCK = 7_105_302;
/** A setup address works this long after it was printed: one found later in an old log is useless. */
export const SETUP_TOKEN_HOURS = 24;

/** Whether a live (not deleted) account holds the admin role (user_roles_role_idx). */
export async function hasAdmin(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.role = 'admin' AND u.deleted_at IS NULL AND u.pending_at IS NULL) AS found`,
  );
  return rows[0]!.found;
}

/** Makes `tokenHash` the only setup token: the address printed at the last start is the one that works. */
export async function replaceSetupToken(pool: Pool, tokenHash: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query('DELETE FROM setup_tokens');
    await client.query('INSERT INTO setup_tokens (token_hash) VALUES ($1)', [tokenHash]);
  });
}

export async function isSetupTokenValid(db: Queryable, tokenHash: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM setup_tokens WHERE token_hash = $1 AND created_at > now() - make_interval(hours => $2)) AS found`,
    [tokenHash, SETUP_TOKEN_HOURS],
  );
  return rows[0]!.found;
}

/** Under the lock: whether setup is still open to `tokenHash` (no admin yet, and the token is the current one). */
async function setupIsOpen(client: Queryable, tokenHash: string): Promise<boolean> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [SETUP_LOCK]);
  return !(await hasAdmin(client)) && (await isSetupTokenValid(client, tokenHash));
}

/** Ends setup: the token is used up. */
async function closeSetup(client: Queryable): Promise<void> {
  await client.query('DELETE FROM setup_tokens');
}

/** Makes an existing account the admin through the setup address; false when setup is no longer open. */
export async function claimSetupForUser(pool: Pool, tokenHash: string, userId: number): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    if (!(await setupIsOpen(client, tokenHash))) return false;
    await client.query(`INSERT INTO user_roles (user_id, role) VALUES ($1, 'admin') ON CONFLICT DO NOTHING`, [userId]);
    await closeSetup(client);
    return true;
  });
}

/**
 * Creates the admin account through the setup address, in one transaction: a handle already
 * taken, or a setup closed meanwhile, writes nothing and leaves the token as it was.
 */
export async function createSetupAdmin(pool: Pool, account: NewAccount, tokenHash: string): Promise<CreateAccountResult | { ok: false; taken: 'setup' }> {
  return withTransaction(pool, async (client) => {
    if (!(await setupIsOpen(client, tokenHash))) return { ok: false, taken: 'setup' } as const;
    const created = await insertAccount(client, account, ['user', 'admin']);
    if (created.ok) await closeSetup(client);
    return created;
  });
}
