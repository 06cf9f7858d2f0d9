import crypto from 'node:crypto';
import { sameSignature } from './signatures.js';
import type { Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';

/** One IPv6 subscriber is usually given a whole /64, so any address in it is the same viewer. */
const IPV6_VIEWER_PREFIX = 64;

/**
 * Who a view belongs to, for counting one per viewer per video per hour: the account, or for
 * signed-out viewers a hash of their address (IPv6 by /64) under a key that changes every day,
 * so no address is stored and yesterday's keys cannot be linked to today's. Not the user agent:
 * a client chooses it freely, so each new one would count again. The cost is that people
 * behind one address (a household, an office) count as one viewer an hour, unless signed in.
 */
export function viewerKey(req: Request, secret: string, now = new Date()): string {
  if (req.viewer) return `u:${req.viewer.id}`;
  const day = now.toISOString().slice(0, 10);
  const dailyKey = crypto.createHmac('sha256', secret).update(`views:${day}`).digest();
  const hash = crypto.createHmac('sha256', dailyKey).update(ipKeyGenerator(req.ip ?? '', IPV6_VIEWER_PREFIX)).digest('base64url');
  return `a:${hash}`;
}

const VIEW_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Reporting a view must come from our own watch page, but signed-out viewers have no session
 * to keep a CSRF token in (and giving every visitor, crawlers included, a session row would
 * cost more than the views are worth). The page carries this signed, expiring token instead;
 * another site cannot read it, so it cannot forge the report.
 */
export function viewToken(secret: string, publicId: string, now = Date.now()): string {
  const mac = crypto.createHmac('sha256', secret).update(`view:${publicId}:${now}`).digest('base64url');
  return `${now}.${mac}`;
}

export function isValidViewToken(secret: string, publicId: string, token: unknown, now = Date.now()): boolean {
  if (typeof token !== 'string' || token.length > 100) return false;
  const [issued, mac] = token.split('.');
  const issuedAt = Number(issued);
  if (!Number.isInteger(issuedAt) || !mac || now - issuedAt > VIEW_TOKEN_LIFETIME_MS || issuedAt > now + 60_000) return false;
  return sameSignature(mac, crypto.createHmac('sha256', secret).update(`view:${publicId}:${issuedAt}`).digest('base64url'));
}
