import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { readCookie } from './cookies.js';
import { forbidden } from './errors.js';

export const CSRF_FAILURE_MESSAGE = 'This form has expired or did not come from this site. Go back, reload the page and try again.';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const NONCE_BYTES = 32;
const NONCE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function csrfCookieName(secure: boolean): string {
  return secure ? '__Host-tubestead-csrf' : 'tubestead-csrf';
}

const isMultipart = (req: Request): boolean => req.is('multipart/form-data') === 'multipart/form-data';

function tokenFromRequest(req: Request): string | undefined {
  const fromBody = typeof req.body?._csrf === 'string' ? req.body._csrf : undefined;
  const fromHeader = req.get('x-csrf-token');
  const fromQuery = isMultipart(req) && typeof req.query._csrf === 'string' ? req.query._csrf : undefined;
  return fromBody ?? fromHeader ?? fromQuery;
}

/**
 * CSRF tokens that need no stored state: a token is the HMAC, under the session secret, of
 * what the request is bound to (OWASP's "signed double-submit cookie").
 * - Signed in: the session id. It changes at sign-in and at a password change, so older
 *   tokens stop working with it.
 * - Signed out: a random value in a cookie of its own, set the first time a form is shown.
 *   A visitor who only opens the sign-in or sign-up form costs no session row: a loop of
 *   GETs writes nothing, and a session exists only once someone signs in.
 * Another site can neither read a token nor set our cookies (behind HTTPS the cookie is
 * `__Host-` prefixed, so not even a sibling subdomain can plant one), so it cannot send a
 * pair that matches. Every unsafe method needs the token: forms send it as the hidden `_csrf`
 * field, scripts as the X-CSRF-Token header. A multipart form's body is not parsed until its
 * route's upload handler runs, which is after this check, so multipart forms carry the token
 * in their action's query string instead; it is accepted there for multipart requests only,
 * and the request logger strips it.
 *
 * Mounted after the session and the viewer are loaded; templates get the token from
 * `res.locals.csrfToken()`.
 */
export function csrfProtection(secret: string, secure: boolean) {
  const cookieName = csrfCookieName(secure);
  const sign = (binding: string) => crypto.createHmac('sha256', secret).update(`csrf\0${binding}`).digest('base64url');

  /** What this request's token is bound to, or null for a signed-out visitor without the cookie. */
  function bindingOf(req: Request): string | null {
    if (req.session?.userId) return `session:${req.sessionID}`;
    const nonce = readCookie(req, cookieName);
    return nonce && NONCE_PATTERN.test(nonce) ? `visitor:${nonce}` : null;
  }

  return function csrf(req: Request, res: Response, next: NextFunction): void {
    let token: string | null = null;
    res.locals.csrfToken = () => {
      // A page holding a visitor's token is that visitor's: the page cache must never keep it.
      res.locals.pageCacheable = false;
      if (token) return token;
      let binding = bindingOf(req);
      if (!binding) {
        const nonce = crypto.randomBytes(NONCE_BYTES).toString('base64url');
        // No Max-Age: it lasts as long as the browser session, like the form it serves.
        res.cookie(cookieName, nonce, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
        binding = `visitor:${nonce}`;
      }
      token = sign(binding);
      return token;
    };

    // A view report carries its own signed token (see viewer-key.ts).
    if (SAFE_METHODS.has(req.method) || (req.method === 'POST' && /^\/watch\/[A-Za-z0-9_-]{11}\/view$/.test(req.path))) return next();
    const binding = bindingOf(req);
    const sent = tokenFromRequest(req);
    const expected = binding ? Buffer.from(sign(binding)) : null;
    const given = Buffer.from(sent ?? '');
    if (!expected || expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return next(forbidden(CSRF_FAILURE_MESSAGE));
    next();
  };
}
