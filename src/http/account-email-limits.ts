import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import { field } from '../forms/fields.js';
import { tooManyRequests } from './errors.js';
import { PostgresStore } from './rate-limit.js';

/**
 * Limits on the forms that send account mail (issue 14, item 6): each request may put a mail
 * in someone's inbox, so a loop of them would make the site a spammer and its mail server
 * blocked. Counted in Postgres like the other limits (src/http/rate-limit.ts).
 */

const ONE_HOUR_MS = 60 * 60_000;
/** Reset links asked for one address an hour, whoever asks: enough for a lost first mail and a typo'd second. */
export const RESET_REQUESTS_PER_ADDRESS_PER_HOUR = 3;
/** Forgot-password requests from one client address for each sign-up it may make: each may send one mail, as a sign-up does. */
const RESET_REQUESTS_PER_SIGNUP = 4;
/** Confirmation links one account may have sent in an hour (a new address, or the same again). */
export const CONFIRMATION_MAILS_PER_HOUR = 5;

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
    /**
     * Forgot-password requests for one email address, counted by what was typed (lowercased,
     * as the database compares addresses), whether or not an account has it: the 429 says
     * nothing about accounts, and nobody can flood an inbox with reset links.
     */
    resetRequestsByEmail: rateLimit({
      ...common,
      limit: RESET_REQUESTS_PER_ADDRESS_PER_HOUR,
      skip: (req) => field(req.body, 'email').trim() === '',
      keyGenerator: (req) => field(req.body, 'email').trim().toLowerCase().slice(0, 254),
      handler: refuseSaying('A reset link was asked for this address several times in the last hour. Please look for the mail already sent (and in the spam folder), or wait and try again.'),
      store: new PostgresStore(pool, 'reset-email:'),
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
