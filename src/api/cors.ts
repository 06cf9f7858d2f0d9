import type { NextFunction, Request, Response } from 'express';

/** How long a browser may keep the answer to a preflight. */
const PREFLIGHT_MAX_AGE_SECONDS = 24 * 60 * 60;
/** What another site's script may read of an answer besides the simple headers. */
const EXPOSED = 'Link, Location, Retry-After, RateLimit, RateLimit-Policy';

/**
 * CORS for reading public data from any site (issue 15): GET and HEAD answers carry
 * `Access-Control-Allow-Origin: *`. With the wildcard a browser never sends cookies (nor reads
 * an answer to a request that had them), and the preflight below allows no Authorization
 * header, so another site's script only ever reads what a signed-out visitor sees. Changes are
 * not offered to other sites at all: the preflight names GET and HEAD only.
 */
export function corsForPublicReads(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'OPTIONS') {
    res.set({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, HEAD',
      'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
      Allow: 'GET, HEAD, POST, PATCH, PUT, DELETE, OPTIONS',
    });
    res.status(204).end();
    return;
  }
  if (req.method === 'GET' || req.method === 'HEAD') res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSED });
  next();
}
