import type { Pool, PoolClient, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';

export interface User {
  id: number;
  handle: string;
  displayName: string;
  email: string | null;
  bio: string;
  avatarKey: string | null;
  createdAt: Date;
  bannedAt: Date | null;
  deletedAt: Date | null;
  subscriberCount: number;
}

interface UserRow {
  id: number;
  handle: string;
  display_name: string;
  email: string | null;
  bio: string;
  avatar_key: string | null;
  created_at: Date;
  banned_at: Date | null;
  deleted_at: Date | null;
  subscriber_count: number;
}

export const USER_COLUMNS = 'id, handle, display_name, email, bio, avatar_key, created_at, banned_at, deleted_at, subscriber_count';

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    handle: row.handle,
    displayName: row.display_name,
    email: row.email,
    bio: row.bio,
    avatarKey: row.avatar_key,
    createdAt: row.created_at,
    bannedAt: row.banned_at,
    deletedAt: row.deleted_at,
    subscriberCount: row.subscriber_count,
  };
}

/** A live (not deleted) account by id, banned or not. */
export async function findUserById(db: Queryable, id: number): Promise<User | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL`, [id]);
  return rows[0] ? toUser(rows[0]) : null;
}

/** A live account by handle, in any case. Uses users_handle_key. */
export async function findUserByHandle(db: Queryable, handle: string): Promise<User | null> {
  const { rows } = await db.query<UserRow>(prepared('find-user-by-handle', `SELECT ${USER_COLUMNS} FROM users WHERE handle = lower($1) AND deleted_at IS NULL`, [handle]));
  return rows[0] ? toUser(rows[0]) : null;
}

export interface Credentials {
  id: number;
  passwordHash: string;
  bannedAt: Date | null;
  /** A sign-up waiting for approval (src/db/registrations.ts): no session until approved. */
  pendingAt: Date | null;
}

/**
 * The password hash of the live account whose handle or email is `login`. An email address
 * counts only once confirmed (issue 14): an address anyone may type into a sign-up form proves
 * nothing until its owner follows the link mailed to it.
 */
export async function findCredentials(db: Queryable, login: string): Promise<Credentials | null> {
  const match = login.includes('@') ? 'lower(email) = lower($1) AND email_confirmed_at IS NOT NULL' : 'handle = lower($1)';
  const { rows } = await db.query<{ id: number; password_hash: string; banned_at: Date | null; pending_at: Date | null }>(
    `SELECT id, password_hash, banned_at, pending_at FROM users WHERE ${match} AND deleted_at IS NULL`,
    [login],
  );
  const row = rows[0];
  return row ? { id: row.id, passwordHash: row.password_hash, bannedAt: row.banned_at, pendingAt: row.pending_at } : null;
}

/** `text` lowercased by the database's rules, which findCredentials compares with. */
export async function lowercaseAsStored(db: Queryable, text: string): Promise<string> {
  const { rows } = await db.query<{ lowered: string }>('SELECT lower($1) AS lowered', [text]);
  return rows[0]!.lowered;
}

export async function findPasswordHash(db: Queryable, userId: number): Promise<string | null> {
  const { rows } = await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1 AND deleted_at IS NULL', [userId]);
  return rows[0]?.password_hash ?? null;
}

/**
 * Whether `handle` (deleted accounts included, their handles are never reused) and `email`
 * (any case) belong to an account. Two index lookups (users_handle_key, users_email_key).
 */
export async function findTakenIdentity(db: Queryable, handle: string, email: string | null): Promise<{ handle: boolean; email: boolean }> {
  const { rows } = await db.query<{ handle_taken: boolean; email_taken: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM users WHERE handle = lower($1)) AS handle_taken,
            $2::text IS NOT NULL AND EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($2) AND email IS NOT NULL) AS email_taken`,
    [handle, email],
  );
  return { handle: rows[0]!.handle_taken, email: rows[0]!.email_taken };
}

export interface NewAccount {
  handle: string;
  displayName: string;
  email: string | null;
  passwordHash: string;
  avatarKey: string | null;
}

export type CreateAccountResult =
  | { ok: true; user: User }
  | { ok: false; taken: 'handle' | 'email' };

/**
 * Inserts the account with the given roles, inside the caller's transaction. A handle or email
 * already in use (in any case, deleted accounts included) comes back as `taken` and writes
 * nothing.
 */
export async function insertAccount(client: Queryable, account: NewAccount, roles: string[]): Promise<CreateAccountResult> {
  const inserted = await client.query<UserRow>(
    `INSERT INTO users (handle, display_name, email, password_hash, avatar_key)
     VALUES (lower($1), $2, $3, $4, $5)
     ON CONFLICT DO NOTHING
     RETURNING ${USER_COLUMNS}`,
    [account.handle, account.displayName, account.email, account.passwordHash, account.avatarKey],
  );
  const row = inserted.rows[0];
  if (!row) {
    const { rows } = await client.query<{ handle_taken: boolean }>('SELECT EXISTS (SELECT 1 FROM users WHERE handle = lower($1)) AS handle_taken', [account.handle]);
    return { ok: false, taken: rows[0]?.handle_taken ? 'handle' : 'email' };
  }
  await client.query(`INSERT INTO user_roles (user_id, role) SELECT $1, unnest($2::text[])`, [row.id, roles]);
  return { ok: true, user: toUser(row) };
}

/**
 * A new account with the `user` role. No account becomes admin by being first: on a public
 * site that would be whoever signs up first. The admin comes from the setup address printed
 * at start (db/setup.ts) or from `npm run create-admin`.
 */
export async function createAccount(pool: Pool, account: NewAccount, also?: AfterInsert): Promise<CreateAccountResult> {
  return withTransaction(pool, async (client) => {
    const created = await insertAccount(client, account, ['user']);
    if (created.ok && also) await also(client, created.user);
    return created;
  });
}

/** What else a sign-up writes in the account's transaction (the confirmation link and its mail, issue 14). */
export type AfterInsert = (client: PoolClient, user: User) => Promise<void>;

export async function updateProfile(db: Queryable, userId: number, profile: { displayName: string; bio: string }): Promise<void> {
  await db.query('UPDATE users SET display_name = $2, bio = $3 WHERE id = $1 AND deleted_at IS NULL', [userId, profile.displayName, profile.bio]);
}

export async function updatePasswordHash(db: Queryable, userId: number, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, passwordHash]);
}

/** Points the account at a new avatar and returns the key it replaced. */
export async function replaceAvatarKey(db: Queryable, userId: number, avatarKey: string): Promise<string | null> {
  const { rows } = await db.query<{ old_key: string | null }>(
    `UPDATE users SET avatar_key = $2 FROM users AS old
     WHERE users.id = $1 AND old.id = users.id AND users.deleted_at IS NULL
     RETURNING old.avatar_key AS old_key`,
    [userId, avatarKey],
  );
  return rows[0]?.old_key ?? null;
}

/**
 * Soft delete: the row stays so the handle is never reused; the email is released, the
 * password can no longer match, and every session of the account ends.
 * Returns the avatar key whose files the caller should delete.
 */
export async function softDeleteAccount(pool: Pool, userId: number): Promise<string | null> {
  return withTransaction(pool, async (client) => (await markAccountDeleted(client, userId))?.avatarKey ?? null);
}

/**
 * The soft delete itself, in the caller's transaction (the owner's own, or an admin's with its
 * audit row, src/db/bans.ts). Null when the account was already deleted; else the avatar key
 * it had (its files are the caller's to delete).
 */
export async function markAccountDeleted(client: Queryable, userId: number): Promise<{ avatarKey: string | null } | null> {
  const { rows } = await client.query<{ avatar_key: string | null }>(
    `UPDATE users SET deleted_at = now(), email = NULL, password_hash = '', bio = '', avatar_key = NULL
     FROM users AS old
     WHERE users.id = $1 AND old.id = users.id AND users.deleted_at IS NULL
     RETURNING old.avatar_key`,
    [userId],
  );
  await client.query(`DELETE FROM sessions WHERE sess ->> 'userId' = $1`, [String(userId)]);
  return rows[0] ? { avatarKey: rows[0].avatar_key } : null;
}
