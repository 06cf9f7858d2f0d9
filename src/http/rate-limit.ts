import type { NextFunction, Request, Response } from 'express';
import { rateLimit, ipKeyGenerator, type Options, type Store, type ClientRateLimitInfo } from 'express-rate-limit';
import { isHttps, type Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import { findRateLimit, hitRateLimit, resetRateLimit, unhitRateLimit } from '../db/rate-limits.js';
import { tooManyRequests } from './errors.js';
import { parseLogin } from '../forms/login.js';
import { findCredentials, lowercaseAsStored } from '../db/users.js';
import { knownDeviceId } from './known-device.js';

/** express-rate-limit's store, kept in Postgres so that every web process sees the same counts. */
export class PostgresStore implements Store {
  windowMs = 60_000;
  readonly localKeys = false;

  constructor(
    private readonly pool: Pool,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const window = await findRateLimit(this.pool, this.prefix + key);
    return window ? { totalHits: window.hits, resetTime: window.resetAt } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const window = await hitRateLimit(this.pool, this.prefix + key, this.windowMs);
    return { totalHits: window.hits, resetTime: window.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await unhitRateLimit(this.pool, this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await resetRateLimit(this.pool, this.prefix + key);
  }
}

const ONE_MINUTE_MS = 60_000;
const FIFTEEN_MINUTES_MS = 15 * 60_000;
const ONE_HOUR_MS = 60 * 60_000;
const ONE_DAY_MS = 24 * ONE_HOUR_MS;
/** Sign-up attempts an address may make for each account it may create: room for typos and taken handles. */
const SIGNUP_ATTEMPTS_PER_ACCOUNT = 4;

// Refusals go through the one error handler, so a limited form shows the 429 page.
function refuse(req: Request, _res: Response, next: NextFunction): void {
  const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  const retryAfterSeconds = resetTime ? (resetTime.getTime() - Date.now()) / 1000 : 60;
  next(tooManyRequests(retryAfterSeconds));
}

/** As `refuse`, with a message that says which limit was reached. */
const refuseSaying = (message: string) => function refuseWithMessage(req: Request, _res: Response, next: NextFunction): void {
  const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  next(tooManyRequests(resetTime ? (resetTime.getTime() - Date.now()) / 1000 : 60, message));
};

/** Forgot-password requests one client address may make for each sign-up it may make. */
const RESET_REQUESTS_PER_SIGNUP = 4;
/** Confirmation links one account may have sent in an hour. */
export const CONFIRMATION_MAILS_PER_HOUR = 5;

const byAddress = (req: Request): string => ipKeyGenerator(req.ip ?? 'unknown');
/** After requireUser in the chain; a request without a viewer never gets here. */
const byAccount = (req: Request): string => String(req.viewer?.id ?? 'nobody');

export interface RateLimitSettings {
  loginMaxFailures: number;
  loginMaxFailuresPerAddress: number;
  signupMaxPerHour: number;
  viewsPerHour: number;
  searchesPerMinute: number;
  avatarUploadsPerHour: number;
  commentsPerMinute: number;
  commentsPerDay: number;
  reportsPerHour: number;
  reportsPerDay: number;
  apiRequestsPerMinute: number;
}

export function createRateLimiters(pool: Pool, settings: RateLimitSettings & Pick<Config, 'publicUrl'>, secret: string) {
  const common = { standardHeaders: 'draft-7', legacyHeaders: false, handler: refuse } as const;
  /** At most `limit` requests per client address (IPv6: per /56) in `windowMs`, counted under `prefix`. */
  const perAddress = (prefix: string, windowMs: number, limit: number, counting: Pick<Partial<Options>, 'skipSuccessfulRequests' | 'skipFailedRequests'> = {}, message?: string) =>
    rateLimit({ ...common, ...(message ? { handler: refuseSaying(message) } : {}), windowMs, limit, ...counting, keyGenerator: byAddress, store: new PostgresStore(pool, prefix) });
  /** At most `limit` requests per signed-in account in `windowMs`; refused forms (4xx) do not count. */
  const perAccount = (prefix: string, windowMs: number, limit: number, message?: string) =>
    rateLimit({ ...common, ...(message ? { handler: refuseSaying(message) } : {}), windowMs, limit, skipFailedRequests: true, keyGenerator: byAccount, store: new PostgresStore(pool, prefix) });
  return {
    /**
     * Every /api/v1 request (issue 15), per account for requests with an access token (all its
     * tokens together), or per client address for requests without one. The answers carry the IETF draft's `RateLimit` and `RateLimit-Policy` headers
     * (draft 8), so a script can slow down before it is refused.
     */
    apiRequests: rateLimit({
      ...common,
      standardHeaders: 'draft-8',
      identifier: 'api',
      windowMs: ONE_MINUTE_MS,
      limit: settings.apiRequestsPerMinute,
      // Per account, not per token: an account may hold many tokens, and make new ones.
      keyGenerator: (req) => (req.apiToken && req.viewer ? `account:${req.viewer.id}` : `address:${byAddress(req)}`),
      store: new PostgresStore(pool, 'api:'),
    }),
    /** Failed sign-ins from one address (a successful one takes its hit back). */
    loginByAddress: perAddress('login-address:', FIFTEEN_MINUTES_MS, settings.loginMaxFailuresPerAddress, { skipSuccessfulRequests: true }),
    /**
     * Failed sign-ins against one account, from anywhere: guessing spread over many addresses.
     * Counted per account, however the handle was typed (handle, @handle, any case), and apart
     * for each browser that has signed in to it before (known-device.ts): failures from
     * strangers lock out strangers, not the owner at home. The account is found exactly as the
     * sign-in handler finds it (parseLogin, then findCredentials, which lowercases in Postgres),
     * so no spelling that signs in escapes its count.
     *
     * Nothing here may tell which accounts exist. A login that matches no account is counted by
     * what was typed and locks the same way. And the email address and the handle count apart:
     * if they shared one count, locking an address and then trying a public handle would show
     * (429 or 401) whether that address is this handle's. The price is twice the guesses.
     */
    loginByAccount: rateLimit({
      ...common,
      windowMs: FIFTEEN_MINUTES_MS,
      limit: settings.loginMaxFailures,
      skipSuccessfulRequests: true,
      skip: (req) => typeof req.body?.login !== 'string' || req.body.login.trim() === '',
      keyGenerator: async (req) => {
        const form = parseLogin(req.body);
        const login = form.ok ? form.value.login : String(req.body.login).trim().slice(0, 254);
        const account = form.ok ? await findCredentials(pool, login) : null;
        // Lowercased as the database lowercases, so a name that does not exist shares its count
        // across spellings exactly as an account's does (JavaScript and Postgres differ on İ).
        if (!account) return `nobody:${await lowercaseAsStored(pool, login)}`;
        const typed = login.includes('@') ? 'email' : 'handle';
        const device = knownDeviceId(req, secret, isHttps(settings), account.id);
        return device ? `${account.id}:${typed}:browser:${device}` : `${account.id}:${typed}:others`;
      },
      store: new PostgresStore(pool, 'login-account:'),
    }),
    /**
     * Every sign-up attempt from one address, refused ones included: without it a loop of
     * sign-ups with a taken handle would be free.
     */
    signupAttemptsByAddress: perAddress('signup-attempt-address:', ONE_HOUR_MS, settings.signupMaxPerHour * SIGNUP_ATTEMPTS_PER_ACCOUNT),
    /** Accounts created from one address; a form sent back with errors does not count here. */
    signupByAddress: perAddress('signup-address:', ONE_HOUR_MS, settings.signupMaxPerHour, { skipFailedRequests: true }),
    /**
     * View reports from one address, counted or not. A view counts once per address per video
     * an hour already; this caps how many videos one address can add a view to.
     */
    viewsByAddress: perAddress('views-address:', ONE_HOUR_MS, settings.viewsPerHour),
    /**
     * Searches from one address that the page cache did not answer: the cache serves its pages
     * before the router, so this limiter, placed after `cacheable` in the route table, only
     * sees the searches that reach the database.
     */
    searchesByAddress: perAddress('search-address:', ONE_MINUTE_MS, settings.searchesPerMinute),
    /** Avatar uploads from one address, refused ones too: each is received to disk and decoded. */
    avatarUploadsByAddress: perAddress('avatar-address:', ONE_HOUR_MS, settings.avatarUploadsPerHour),
    /**
     * Comments and replies one account posts, a minute and a day. A resubmitted form answered
     * with the comment it already made counts too: it is rare, and the limits leave room for it.
     */
    commentsPerMinuteByAccount: perAccount('comments-minute:', ONE_MINUTE_MS, settings.commentsPerMinute),
    commentsPerDayByAccount: perAccount('comments-day:', ONE_DAY_MS, settings.commentsPerDay),
    /**
     * Forgot-password requests from one client address, refused forms too (issue 14): each may
     * mail a reset link, as a sign-up mails a confirmation, so RESET_REQUESTS_PER_SIGNUP for each
     * sign-up the address may make. The per-recipient limit is silent (account-email-limits.ts).
     */
    resetRequestsByAddress: perAddress('reset-client:', ONE_HOUR_MS, settings.signupMaxPerHour * RESET_REQUESTS_PER_SIGNUP, {}, 'Too many password reset requests from your network. Please wait and try again.'),
    /** Confirmation mails one account asks for (a new address, or the same again); a refused form does not count. */
    confirmationsByAccount: perAccount('confirm-account:', ONE_HOUR_MS, CONFIRMATION_MAILS_PER_HOUR, `You asked for ${CONFIRMATION_MAILS_PER_HOUR} confirmation mails in the last hour, the most an account may. Please look for the mails already sent (and in the spam folder), or wait and try again.`),
    /**
     * Reports one account sends, an hour and a day (issue 13), updates of an open report
     * included: each is a moderator's time. Refused before the form is read, so nothing is
     * written; a form sent back with errors (422) does not count.
     */
    reportsPerHourByAccount: perAccount('reports-hour:', ONE_HOUR_MS, settings.reportsPerHour, `You have sent ${settings.reportsPerHour} report${settings.reportsPerHour === 1 ? '' : 's'} in the last hour, the most an account may send. Please wait before reporting more; moderators will look at the ones you sent.`),
    reportsPerDayByAccount: perAccount('reports-day:', ONE_DAY_MS, settings.reportsPerDay, `You have sent ${settings.reportsPerDay} report${settings.reportsPerDay === 1 ? '' : 's'} today, the most an account may send in a day. Please wait before reporting more; moderators will look at the ones you sent.`),
  };
}
