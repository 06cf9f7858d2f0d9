import { sameSignature, sign } from '../http/signatures.js';
import { isNotificationKind, KIND_INFO, type NotificationKind } from './kinds.js';

/**
 * The one-click unsubscribe links of notification mail (RFC 8058): `<user id>.<kind>.<mac>`,
 * the mac an HMAC-SHA256 under the session secret, so that a link works without signing in and
 * cannot be made for someone else or another kind. They do not expire: a mail read months
 * later must still stop the mail it came with. `all` (a digest, or a message of several kinds)
 * stops every kind's mail.
 */
export type UnsubscribeScope = NotificationKind | 'all';

export interface UnsubscribeRequest {
  userId: number;
  scope: UnsubscribeScope;
}

const TOKEN = /^([1-9][0-9]{0,15})\.([a-z_]{1,40})\.([A-Za-z0-9_-]{43})$/;

// The purpose is part of what is signed: no other HMAC of the session secret (CSRF tokens,
// view tokens, device cookies) can be passed off as one of these.
const mac = (secret: string, userId: number, scope: UnsubscribeScope) => sign(secret, 'unsubscribe', userId, scope);

export function unsubscribeToken(secret: string, userId: number, scope: UnsubscribeScope): string {
  return `${userId}.${scope}.${mac(secret, userId, scope)}`;
}

/** The request a token carries, or null when it is malformed or was not made with this secret. */
export function readUnsubscribeToken(secret: string, token: unknown): UnsubscribeRequest | null {
  if (typeof token !== 'string') return null;
  const match = TOKEN.exec(token);
  if (!match) return null;
  const userId = Number(match[1]);
  const scope = match[2]!;
  if (scope !== 'all' && !isNotificationKind(scope)) return null;
  return sameSignature(match[3]!, mac(secret, userId, scope)) ? { userId, scope } : null;
}

/** What a scope's mail is about, for "Stop mail about …" in the mail and on the page. */
export function scopeLabel(scope: UnsubscribeScope): string {
  return scope === 'all' ? 'any notification' : `“${KIND_INFO[scope].label}”`;
}
