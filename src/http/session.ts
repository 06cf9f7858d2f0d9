import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import type { Pool } from '../db/pool.js';
import type { ViewerRow } from '../db/roles.js';
import { findSession, updateSession } from '../db/sessions.js';

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

const REMEMBERED_EXPIRIES = 10_000;
const STORED_ROUNDING_MS = 1_000;
/**
 * How long a session that is not signed in is kept: one signed out by the absolute lifetime
 * or a ban, which lives on only to show its flash message. Signed-out visitors otherwise get
 * no session at all (their CSRF token needs none, see csrf.ts).
 */
export const SIGNED_OUT_SESSION_MS = HOUR_MS;

/** The session as it is to be stored: one that is not signed in expires within the hour. */
function capSignedOut(sess: session.SessionData): session.SessionData {
  if (sess.userId) return sess;
  const cap = Date.now() + SIGNED_OUT_SESSION_MS;
  const expires = sess.cookie.expires ? new Date(sess.cookie.expires).getTime() : Infinity;
  return expires <= cap ? sess : ({ ...sess, cookie: { ...sess.cookie, expires: new Date(cap) } } as session.SessionData);
}

/**
 * connect-pg-simple, except that a request which changes nothing in its session moves the
 * expiry in Postgres only when it would move by more than `touchStepMs`. Without this every
 * page a signed-in viewer opens writes the session row (and waits for the write to reach the
 * disk) just to push the expiry back by a few seconds. The idle timeout is thus honoured to
 * within `touchStepMs`.
 */
export interface SessionStore extends session.Store {
  /**
   * The account of the session `sid` as read with it a moment ago (null: none, or deleted),
   * once; undefined when it was not read here. loadViewer takes it instead of asking again.
   */
  takeViewer(sid: string): ViewerRow | null | undefined;
}

export function createSessionStore(pool: Pool, touchStepMs: number): SessionStore {
  const PgStore = connectPgSimple(session);
  // The expiry each live session has in Postgres, as last read or written here; the oldest go first.
  const storedExpiry = new Map<string, number>();
  const remember = (sid: string, expire: number) => {
    storedExpiry.delete(sid);
    storedExpiry.set(sid, expire);
    if (storedExpiry.size > REMEMBERED_EXPIRIES) storedExpiry.delete(storedExpiry.keys().next().value!);
  };
  // Read with each session (one query, db/sessions.ts) and taken by the same request's loadViewer.
  // A request that ends before taking its own leaves an entry; the oldest go beyond the bound.
  const readViewers = new Map<string, ViewerRow | null>();
  class ThrottledTouchStore extends PgStore implements SessionStore {
    takeViewer(sid: string): ViewerRow | null | undefined {
      const viewer = readViewers.get(sid);
      readViewers.delete(sid);
      return viewer;
    }

    override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
      findSession(pool, sid).then(
        (row) => {
          let data: session.SessionData | null = null;
          try {
            data = row ? ((typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess) as session.SessionData) : null;
          } catch {
            // Unreadable: as connect-pg-simple does, the row goes and the visitor starts afresh.
            return this.destroy(sid, (err) => process.nextTick(callback, err, null));
          }
          if (row && data) {
            remember(sid, row.expire.getTime());
            readViewers.delete(sid);
            readViewers.set(sid, row.viewer);
            if (readViewers.size > REMEMBERED_EXPIRIES) readViewers.delete(readViewers.keys().next().value!);
          }
          // Outside the promise, so that whatever the callback throws is not swallowed.
          process.nextTick(callback, null, data);
        },
        (err) => process.nextTick(callback, err),
      );
    }

    override touch(sid: string, original: session.SessionData, callback?: (err?: unknown) => void): void {
      const sess = capSignedOut(original);
      const next = sess.cookie.expires ? new Date(sess.cookie.expires).getTime() : null;
      const stored = storedExpiry.get(sid);
      // connect-pg-simple stores the expiry rounded up to the second: one computed later in the
      // same second is below it, and must not count as moving it.
      if (next !== null && stored !== undefined && next > stored - STORED_ROUNDING_MS && next - stored < touchStepMs) return void callback?.();
      if (next !== null) remember(sid, next);
      super.touch(sid, sess, callback);
    }

    /**
     * connect-pg-simple's set is an upsert. A request that loaded a session before it was ended
     * (signed out, or by a password change elsewhere) and then changes it (a flash shown, a
     * first CSRF token) would write the row back, signed in again. A session read from the
     * database carries `persisted` and is only ever updated, so once its row is gone it stays gone.
     */
    override set(sid: string, original: session.SessionData, callback?: (err?: unknown) => void): void {
      const sess = capSignedOut(original);
      const wanted = sess.cookie.expires ? new Date(sess.cookie.expires).getTime() : Date.now() + touchStepMs * 10;
      if (!sess.persisted) {
        remember(sid, wanted);
        return super.set(sid, { ...sess, persisted: true } as session.SessionData, callback);
      }
      const stored = storedExpiry.get(sid);
      // As for touch: the expiry moves later only by more than a step (earlier, at once: signed out).
      const expire = new Date(stored !== undefined && wanted >= stored && wanted - stored < touchStepMs ? stored : wanted);
      remember(sid, expire.getTime());
      updateSession(pool, sid, sess, expire).then(
        () => process.nextTick(() => callback?.()),
        (err) => process.nextTick(() => callback?.(err)),
      );
    }

    override destroy(sid: string, callback?: (err?: unknown) => void): void {
      storedExpiry.delete(sid);
      super.destroy(sid, callback);
    }
  }
  return new ThrottledTouchStore({ pool, tableName: 'sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 });
}

/** The session middleware, and its store's takeViewer for loadViewer. */
export function createSessions(pool: Pool, settings: SessionSettings) {
  // A tenth of the idle timeout, at most an hour.
  const store = createSessionStore(pool, Math.min(HOUR_MS, (settings.idleHours * HOUR_MS) / 10));
  const middleware = session({
    name: sessionCookieName(settings.secure),
    secret: settings.secret,
    store,
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
  return { middleware, takeViewer: (sid: string) => store.takeViewer(sid) };
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

/**
 * Starts a signed-in session under a new id, so an id planted before sign-in is worthless.
 * `banned`: the account is banned, and the session is the limited one that shows the ban notice.
 */
export function beginSession(req: Request, userId: number, options: { banned?: boolean } = {}): Promise<void> {
  const flash = req.session.flash;
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.userId = userId;
      req.session.signedInAt = Date.now();
      if (options.banned) req.session.bannedSignIn = true;
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

/**
 * A redirect that carries a flash message waits for the session to be saved: otherwise the
 * browser may ask for the next page before the write that holds the message has landed, and
 * the message shows one page late (or never).
 */
export function saveFlashBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const redirect = res.redirect;
  res.redirect = function redirectAfterSave(this: Response, ...args: unknown[]) {
    const send = () => (redirect as (...a: unknown[]) => void).apply(this, args);
    if (!req.session?.flash?.length) return send();
    req.session.save((err) => (err ? next(err) : send()));
  } as Response['redirect'];
  next();
}

export function flash(req: Request, kind: 'success' | 'error' | 'info', text: string): void {
  (req.session.flash ??= []).push({ kind, text });
}
