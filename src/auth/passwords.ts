import argon2 from 'argon2';
import common from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * argon2id at OWASP's recommended minimum cost (19 MiB, 2 passes, 1 lane). Raising any of
 * these makes every older hash get rehashed at its owner's next sign-in.
 */
export const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

// The zxcvbn-ts list is ordered by how often each password appears in breach corpora;
// its head is the 10,000 most common.
const BREACHED_LIST_SIZE = 10_000;
const breached = new Set(common.dictionary.passwords.slice(0, BREACHED_LIST_SIZE).map((p) => p.toLowerCase()));

export function isCommonPassword(password: string): boolean {
  return breached.has(password.toLowerCase());
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

// Verifying against this when no account matches makes "no such user" take as long as
// "wrong password", so response times do not reveal which handles exist.
const decoyHash = hashPassword('decoy password that matches nothing');

export interface Verification {
  ok: boolean;
  /** A fresh hash at today's cost, when the stored one was made at a lower cost. */
  rehash?: string;
}

export async function verifyPassword(storedHash: string | null, password: string): Promise<Verification> {
  if (!storedHash || !storedHash.startsWith('$argon2')) {
    await argon2.verify(await decoyHash, password).catch(() => false);
    return { ok: false };
  }
  const ok = await argon2.verify(storedHash, password).catch(() => false);
  if (!ok) return { ok: false };
  const { type: _type, ...cost } = HASH_OPTIONS;
  return argon2.needsRehash(storedHash, cost) ? { ok: true, rehash: await hashPassword(password) } : { ok: true };
}
