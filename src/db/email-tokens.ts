import crypto from 'node:crypto';
import type { Queryable } from './pool.js';

/**
 * Links mailed to confirm an address or to reset a password (table email_tokens). The link
 * carries 32 random bytes; only their SHA-256 is stored, so a copy of the database cannot be
 * used to take over an account. Times are the caller's clock (RouteDeps.now), for issuing and
 * for checking alike, so that tests can move time.
 */

export type EmailTokenPurpose = 'confirm' | 'reset';

/** How long a confirmation link works: a day, time to find the mail in another inbox. */
export const CONFIRM_LINK_LIFETIME_MS = 24 * 60 * 60_000;
/** How long a reset link works: within an hour, as the issue asks; a stolen old mail is worth nothing. */
export const RESET_LINK_LIFETIME_MS = 60 * 60_000;

const TOKEN_BYTES = 32;
/** What a link's token looks like: 32 bytes in base64url, 43 characters. Anything else is not looked up. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface EmailToken {
  userId: number;
  purpose: EmailTokenPurpose;
  /** The address the link went to; for 'confirm', the one it confirms. */
  email: string;
  expiresAt: Date;
  usedAt: Date | null;
}

interface EmailTokenRow {
  user_id: number;
  purpose: EmailTokenPurpose;
  email: string;
  expires_at: Date;
  used_at: Date | null;
}

const COLUMNS = 'user_id, purpose, email, expires_at, used_at';

function toEmailToken(row: EmailTokenRow): EmailToken {
  return { userId: Number(row.user_id), purpose: row.purpose, email: row.email, expiresAt: row.expires_at, usedAt: row.used_at };
}

const hashOf = (token: string) => crypto.createHash('sha256').update(token).digest();

export function isWellFormedToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/**
 * A new link for `userId`: the token to put in the mail (never stored). A new confirmation
 * link retires the unused ones for other addresses, so that only the address asked for last can
 * be confirmed; links for the same address (a "send it again") all keep working.
 */
export async function insertEmailToken(db: Queryable, input: { userId: number; purpose: EmailTokenPurpose; email: string; now: Date }): Promise<string> {
  const token = crypto.randomBytes(TOKEN_BYTES).toString('base64url');
  const lifetime = input.purpose === 'confirm' ? CONFIRM_LINK_LIFETIME_MS : RESET_LINK_LIFETIME_MS;
  if (input.purpose === 'confirm') {
    await db.query(`DELETE FROM email_tokens WHERE user_id = $1 AND purpose = 'confirm' AND used_at IS NULL AND lower(email) <> lower($2)`, [input.userId, input.email]);
  }
  await db.query(
    'INSERT INTO email_tokens (user_id, purpose, token_hash, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [input.userId, input.purpose, hashOf(token), input.email, input.now, new Date(input.now.getTime() + lifetime)],
  );
  return token;
}

/** A link as it stands, used or expired or not (email_tokens_hash_key); null when unknown. GET pages read it without using it. */
export async function findEmailToken(db: Queryable, token: string, purpose: EmailTokenPurpose): Promise<EmailToken | null> {
  if (!isWellFormedToken(token)) return null;
  const { rows } = await db.query<EmailTokenRow>(`SELECT ${COLUMNS} FROM email_tokens WHERE token_hash = $1 AND purpose = $2`, [hashOf(token), purpose]);
  return rows[0] ? toEmailToken(rows[0]) : null;
}

/** Why a link no longer works, for its page: 'gone' (used or expired, 410) or 'unknown' (404). */
export function tokenState(token: EmailToken | null, now: Date): 'valid' | 'used' | 'expired' | 'unknown' {
  if (!token) return 'unknown';
  if (token.usedAt) return 'used';
  return token.expiresAt.getTime() > now.getTime() ? 'valid' : 'expired';
}

/**
 * Uses the link, once: of two requests with the same link at the same moment, the row lock
 * lets one UPDATE through and the other finds used_at set and gets null. Call it inside the
 * transaction that does what the link allows, so that a refused change leaves it unused.
 */
export async function consumeEmailToken(db: Queryable, token: string, purpose: EmailTokenPurpose, now: Date): Promise<EmailToken | null> {
  if (!isWellFormedToken(token)) return null;
  const { rows } = await db.query<EmailTokenRow>(
    `UPDATE email_tokens SET used_at = $3
     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
     RETURNING ${COLUMNS}`,
    [hashOf(token), purpose, now],
  );
  return rows[0] ? toEmailToken(rows[0]) : null;
}

/** After a reset, a change of password or of address, the account's other reset links stop working (email_tokens_user_idx). */
export async function deleteUnusedEmailTokens(db: Queryable, userId: number, purpose: EmailTokenPurpose): Promise<void> {
  await db.query('DELETE FROM email_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL', [userId, purpose]);
}

/**
 * The address waiting for its owner to follow the link: the newest unused confirmation link's,
 * expired or not (it can be sent again); null when none (email_tokens_user_idx).
 */
export async function findPendingEmail(db: Queryable, userId: number): Promise<{ email: string; sentAt: Date } | null> {
  const { rows } = await db.query<{ email: string; created_at: Date }>(
    `SELECT email, created_at FROM email_tokens WHERE user_id = $1 AND purpose = 'confirm' AND used_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1`,
    [userId],
  );
  return rows[0] ? { email: rows[0].email, sentAt: rows[0].created_at } : null;
}
