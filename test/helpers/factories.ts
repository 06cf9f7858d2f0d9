import crypto from 'node:crypto';
import { hashPassword } from '../../src/auth/passwords.js';
import { grantRole } from '../../src/db/roles.js';
import { createAccount, softDeleteAccount, type User } from '../../src/db/users.js';
import { testPool } from './database.js';

export const DEFAULT_PASSWORD = 'correct horse battery staple';

const hashes = new Map<string, Promise<string>>();
let sequence = 0;

/** A handle no other test uses. */
export function uniqueHandle(prefix = 'user'): string {
  sequence += 1;
  return `${prefix}${sequence}_${crypto.randomBytes(3).toString('hex')}`.slice(0, 30);
}

/** An account straight in the database (argon2 hashes are cached per password to keep tests quick). */
export async function createUser(options: { handle?: string; displayName?: string; email?: string; password?: string; roles?: string[] } = {}): Promise<User & { password: string }> {
  const password = options.password ?? DEFAULT_PASSWORD;
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const handle = options.handle ?? uniqueHandle();
  const created = await createAccount(testPool(), {
    handle,
    displayName: options.displayName ?? `Test ${handle}`,
    email: options.email ?? null,
    passwordHash: await hashes.get(password)!,
    avatarKey: null,
  });
  if (!created.ok) throw new Error(`createUser: ${created.taken} taken`);
  for (const role of options.roles ?? []) await grantRole(testPool(), created.user.id, role);
  return { ...created.user, password };
}

let videoSequence = 0;

/** A video row straight in the database (no media files), ready and public unless told otherwise. */
export async function createVideo(owner: { id: number }, options: { title?: string; description?: string; tags?: string[]; visibility?: 'public' | 'unlisted' | 'private'; status?: string; durationSeconds?: number; publishedAt?: Date } = {}) {
  videoSequence += 1;
  const publicId = `v${String(videoSequence).padStart(4, '0')}${crypto.randomBytes(5).toString('base64url')}`.slice(0, 11).replace(/[^A-Za-z0-9_-]/g, 'x');
  const status = options.status ?? 'ready';
  const { rows } = await testPool().query(
    `INSERT INTO videos (public_id, owner_id, title, description, tags, visibility, status, progress, duration_seconds, width, height, published_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 100, $8, 1280, 720, $9) RETURNING id, public_id`,
    [publicId, owner.id, options.title ?? `Video ${videoSequence}`, options.description ?? '', options.tags ?? [], options.visibility ?? 'public', status, options.durationSeconds ?? 60, status === 'ready' ? (options.publishedAt ?? new Date()) : null],
  );
  return { id: rows[0].id as number, publicId: rows[0].public_id as string };
}

/**
 * Bans the account as a moderator would. A single UPDATE for now: the moderation issue brings
 * the data function (with its audit row), and this factory should call it then.
 */
export async function banUser(user: { id: number }): Promise<void> {
  await testPool().query('UPDATE users SET banned_at = now() WHERE id = $1', [user.id]);
}

/** Deletes the account as its owner does from /settings/delete (the soft delete, sessions ended). */
export async function deleteUser(user: { id: number }): Promise<void> {
  await softDeleteAccount(testPool(), user.id);
}
