import crypto from 'node:crypto';

/**
 * Values the site signs with the session secret and reads back later: a device cookie, an
 * unsubscribe link. The purpose is signed first, so that no signature made for one use can be
 * passed off as another's (a device cookie as an unsubscribe link).
 */

/** HMAC-SHA256 under `secret` of the purpose and the parts, each NUL-separated; base64url. */
export function sign(secret: string, purpose: string, ...parts: (string | number)[]): string {
  return crypto.createHmac('sha256', secret).update([purpose, ...parts].join('\0')).digest('base64url');
}

/** Whether a signature someone sent is the expected one, compared in constant time. */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
