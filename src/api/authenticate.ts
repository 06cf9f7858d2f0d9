import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { SCOPES, TOKEN_PATTERN, hashTokenSecret, type Scope } from '../auth/api-tokens.js';
import type { Viewer } from '../auth/permissions.js';
import { viewerOf } from '../http/viewer.js';
import { findTokenHolder, touchApiToken, type TokenHolder } from '../db/api-tokens.js';
import type { Pool } from '../db/pool.js';
import { HttpError } from '../http/errors.js';

/**
 * Who an /api/v1 request comes from (issue 15):
 * - `Authorization: Bearer tst_…`: the token's account, for what its scopes allow. A token is
 *   not sent by a browser on its own, so it needs no CSRF token. Any other Authorization header
 *   is refused rather than ignored: a client that believes it is signed in must hear it is not.
 * - no Authorization header: the session cookie if there is one, for reading only (another
 *   site can make a browser send the cookie with a POST; nothing checks CSRF here), else nobody.
 * Tokens are read here only: pages never look at the Authorization header.
 */
export function authenticate(pool: Pool, sessionViewer: RequestHandler[]) {
  const sessions = Router().use(sessionViewer);
  return async function authenticateApiRequest(req: Request, res: Response, next: NextFunction): Promise<void> {
    const header = req.get('authorization');
    if (header === undefined) {
      sessions(req, res, (err?: unknown) => {
        if (err) return next(err);
        // An account that signed in while banned sees only its ban notice on pages; here it is nobody.
        if (req.viewer?.banned) req.viewer = null;
        if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
        next(unauthenticated('Changes through the API need an access token (Authorization: Bearer); a session cookie is accepted for reading only.'));
      });
      return;
    }
    req.viewer = null;
    const { viewer, token } = await bearerHolder(pool, header, req.ip ?? null);
    req.viewer = viewer;
    req.apiToken = token;
    next();
  };
}

/**
 * The account and token of an `Authorization` header, or a 401 saying what is wrong with it
 * (src/api/authenticate.ts for /api/v1; the resumable uploads read it the same way). Records
 * the token's last use.
 */
export async function bearerHolder(pool: Pool, header: string, ip: string | null): Promise<{ viewer: Viewer; token: TokenHolder['token'] }> {
  const secret = /^Bearer +(\S+) *$/i.exec(header)?.[1];
  if (!secret) throw invalidToken('The Authorization header must be "Bearer" and a personal access token.');
  const holder = TOKEN_PATTERN.test(secret) ? await findTokenHolder(pool, hashTokenSecret(secret)) : null;
  if (!holder) throw invalidToken('This access token is not valid: it was revoked, or never existed. Create a new one under Settings → Access tokens.');
  if (holder.token.expiresAt && holder.token.expiresAt.getTime() <= Date.now()) throw invalidToken('This access token has expired. Create a new one under Settings → Access tokens.');
  if (holder.viewer.bannedAt) throw invalidToken('The account this access token belongs to is suspended.');
  await touchApiToken(pool, holder.token.id, ip);
  return { viewer: viewerOf(holder.viewer), token: holder.token };
}

/**
 * The route needs `scope`:
 * - with a token, the token must carry it (403 insufficient_scope);
 * - with a session cookie, reading is allowed (a person reads what their pages show them);
 * - with nobody, only the scopes that serve public data answer (401 otherwise).
 */
export function needs(scope: Scope) {
  const { anonymous, write } = SCOPES[scope];
  return function checkScope(req: Request, _res: Response, next: NextFunction): void {
    if (req.apiToken) {
      refuseWithoutScope(req.apiToken, scope);
      return next();
    }
    if (write) throw unauthenticated(`This needs an access token with the "${scope}" scope (Authorization: Bearer).`);
    if (!anonymous && !req.viewer) throw unauthenticated(`This needs an access token with the "${scope}" scope (Authorization: Bearer), or a signed-in session.`);
    next();
  };
}

/** A token without `scope`: 403 insufficient_scope (RFC 6750). The resumable uploads ask it too. */
export function refuseWithoutScope(token: Pick<TokenHolder['token'], 'scopes'>, scope: Scope): void {
  if (!token.scopes.includes(scope)) {
    throw new HttpError(403, `This access token lacks the "${scope}" scope. Create a token with it under Settings → Access tokens.`, { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"` });
  }
}

/** 401 with the challenge RFC 6750 asks for. */
function unauthenticated(message: string): HttpError {
  return new HttpError(401, message, { 'WWW-Authenticate': 'Bearer realm="api"' });
}

function invalidToken(message: string): HttpError {
  return new HttpError(401, message, { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' });
}
