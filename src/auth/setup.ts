import crypto from 'node:crypto';
import type { Pool } from '../db/pool.js';
import { hasAdmin, replaceSetupToken } from '../db/setup.js';

const SETUP_TOKEN_BYTES = 32;

/** What the database keeps of a setup token (setup_tokens.token_hash). */
export function hashSetupToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/**
 * At start, while no account is admin: a new one-time setup address (PUBLIC_URL/setup?token=…),
 * replacing the one printed at the previous start; null once an admin exists. The first admin
 * is whoever holds this address (the operator, who sees the console), not whoever signs up
 * first.
 */
export async function prepareSetupAddress(pool: Pool, publicUrl: URL): Promise<URL | null> {
  if (await hasAdmin(pool)) return null;
  const token = crypto.randomBytes(SETUP_TOKEN_BYTES).toString('base64url');
  await replaceSetupToken(pool, hashSetupToken(token));
  const address = new URL('/setup', publicUrl);
  address.searchParams.set('token', token);
  return address;
}
