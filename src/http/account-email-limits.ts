import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Config } from '../config.js';
import type { Pool, Queryable } from '../db/pool.js';
import { hitRateLimit } from '../db/rate-limits.js';
import { tooManyRequests } from './errors.js';
import { PostgresStore } from './rate-limit.js';

/**
 * Limits on the forms that send account mail (issue 14, item 6): each request may put a mail
 * in someone's inbox, so a loop of them would make the site a spammer and its mail server
 * blocked. Counted in Postgres like the other limits (src/http/rate-limit.ts).
 */

const ONE_HOUR_MS = 60 * 60_000;
/** Reset links mailed to one address an hour, whoever asks: enough for a lost first mail and a typo'd second. */
export const RESET_MAILS_PER_ADDRESS_PER_HOUR = 3;
/** Forgot-password requests from one client address for each sign-up it may make: each may send one mail, as a sign-up does. */
const RESET_REQUESTS_PER_SIGNUP = 4;
/** Confirmation links one account may have sent in an hour (a new address, or the same again). */
export const CONFIRMATION_MAILS_PER_HOUR = 5;
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

function refuseSaying(message: string) {
  return function refuse(req: Request, _res: Response, next: NextFunction): void {
    const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
    next(tooManyRequests(resetTime ? (resetTime.getTime() - Date.now()) / 1000 : 60, message));
  };
}

export function createAccountEmailLimits(pool: Pool, config: Pick<Config, 'signupMaxPerHour'>) {
  const common = { standardHeaders: 'draft-7', legacyHeaders: false, windowMs: ONE_HOUR_MS } as const;
  return {
    /** Every forgot-password request from one client address (IPv6: per /56), refused forms too. */
    resetRequestsByClient: rateLimit({
      ...common,
      limit: config.signupMaxPerHour * RESET_REQUESTS_PER_SIGNUP,
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
      handler: refuseSaying('Too many password reset requests from your network. Please wait and try again.'),
      store: new PostgresStore(pool, 'reset-client:'),
    }),
    /** Confirmation mails one account asks for; a refused form (4xx) does not count. After requireUser. */
    confirmationsByAccount: rateLimit({
      ...common,
      limit: CONFIRMATION_MAILS_PER_HOUR,
      skipFailedRequests: true,
      keyGenerator: (req) => String(req.viewer?.id ?? 'nobody'),
      handler: refuseSaying(`You asked for ${CONFIRMATION_MAILS_PER_HOUR} confirmation mails in the last hour, the most an account may. Please look for the mails already sent (and in the spam folder), or wait and try again.`),
      store: new PostgresStore(pool, 'confirm-account:'),
    }),
  };
}
