import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type { Pool } from '../db/pool.js';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

export interface SessionSettings {
  secret: string;
  secure: boolean;
  idleHours: number;
  maxDays: number;
}

/**
 * Sessions live in Postgres (connect-pg-simple, table created by a migration). The cookie
 * expires after `idleHours` without a request (every request renews it); signing in again is
 * required `maxDays` after the last sign-in whatever the activity (see enforceAbsoluteLifetime).
 * Behind HTTPS the cookie is Secure and `__Host-` prefixed: bound to this exact origin.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-tubestead' : 'tubestead';
}

export function createSessionMiddleware(pool: Pool, settings: SessionSettings) {
  const PgStore = connectPgSimple(session);
  return session({
    name: sessionCookieName(settings.secure),
    secret: settings.secret,
    store: new PgStore({ pool, tableName: 'sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: settings.secure,
      path: '/',
      maxAge: settings.idleHours * HOUR_MS,
    },
  });
}

export function enforceAbsoluteLifetime(maxDays: number) {
  return function absoluteLifetime(req: Request, _res: Response, next: NextFunction): void {
    const signedInAt = req.session?.signedInAt;
    if (req.session?.userId && (!signedInAt || Date.now() - signedInAt > maxDays * DAY_MS)) {
      delete req.session.userId;
      delete req.session.signedInAt;
    }
    next();
  };
}

/** Starts a signed-in session under a new id, so an id planted before sign-in is worthless. */
export function beginSession(req: Request, userId: number): Promise<void> {
  const flash = req.session.flash;
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = userId;
      req.session.signedInAt = Date.now();
      if (flash) req.session.flash = flash;
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    });
  });
}

/** Destroys the session row and tells the browser to forget the cookie. */
export function endSession(req: Request, res: Response, secure: boolean): Promise<void> {
  res.clearCookie(sessionCookieName(secure), { path: '/', httpOnly: true, sameSite: 'lax', secure });
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
}

export function flash(req: Request, kind: 'success' | 'error' | 'info', text: string): void {
  (req.session.flash ??= []).push({ kind, text });
}
