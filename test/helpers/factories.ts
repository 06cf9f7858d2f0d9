import crypto from 'node:crypto';
import { hashPassword } from '../../src/auth/passwords.js';
import { grantRole } from '../../src/db/roles.js';
import { createAccount, type User } from '../../src/db/users.js';
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
