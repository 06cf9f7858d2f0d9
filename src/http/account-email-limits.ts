import type { Queryable } from '../db/pool.js';
import { hitRateLimit } from '../db/rate-limits.js';
import { tooManyRequests } from './errors.js';

/**
 * Limits per recipient on the account mail (issue 14, item 6): each request may put a mail in
 * someone's inbox, so a loop of them would make the site a spammer and its mail server blocked.
 * Counted in Postgres like the other limits; the limits per client address and per account on
 * the same forms are with the others (src/http/rate-limit.ts resetRequestsByAddress,
 * confirmationsByAccount).
 */

const ONE_HOUR_MS = 60 * 60_000;
/** Reset links mailed to one address an hour, whoever asks: enough for a lost first mail and a typo'd second. */
export const RESET_MAILS_PER_ADDRESS_PER_HOUR = 3;
/** Confirmation links mailed to one address an hour, whichever accounts ask (sign-up and settings). */
export const CONFIRMATION_MAILS_PER_ADDRESS_PER_HOUR = 3;

export interface AddressWindow {
  /** Whether this mail is within the limit. */
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * Counts one mail to `email` (lowercased, as the database compares addresses) against `limit`
 * an hour. Called by the handler, not as a middleware: what happens past the limit depends on
 * who would learn something from a 429 (see the callers).
 */
async function hitAddress(db: Queryable, prefix: string, email: string, limit: number): Promise<AddressWindow> {
  const window = await hitRateLimit(db, prefix + email.trim().toLowerCase().slice(0, 254), ONE_HOUR_MS);
  return { allowed: window.hits <= limit, retryAfterSeconds: (window.resetAt.getTime() - Date.now()) / 1000 };
}

/**
 * A reset link for the typed address, whether or not an account has it. Past the limit the
 * mail is silently not sent, never refused: a 429 would let anyone block someone's reset by
 * asking for their address three times (the client's own limit answers 429 instead).
 */
export const hitResetMailTo = (db: Queryable, email: string) => hitAddress(db, 'reset-email:', email, RESET_MAILS_PER_ADDRESS_PER_HOUR);

/** A confirmation link to `email`: nobody floods an inbox by typing it in many accounts. Pass the transaction that sends it. */
export const hitConfirmationMailTo = (db: Queryable, email: string) => hitAddress(db, 'confirm-email:', email, CONFIRMATION_MAILS_PER_ADDRESS_PER_HOUR);

/** The settings' answer past CONFIRMATION_MAILS_PER_ADDRESS_PER_HOUR: only the account's owner sees it, who typed the address. */
export const tooManyConfirmationsTo = (window: AddressWindow) =>
  tooManyRequests(window.retryAfterSeconds, 'Several confirmation links were sent to this address in the last hour. Please look for them (and in the spam folder), or wait and try again.');
