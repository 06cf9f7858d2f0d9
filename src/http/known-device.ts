import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { readCookie } from './cookies.js';
import { sameSignature, sign } from './signatures.js';

/**
 * "This browser has signed in to this account before", as a signed cookie (OWASP's device
 * cookies against lockout). Set at every successful sign-in or sign-up; it holds the account
 * id, a random id for the browser and an HMAC of both under the session secret, so it cannot
 * be made up or moved to another account. The sign-in limiter counts failures from a known
 * browser apart from everyone else's, so guesses from strangers cannot lock out the owner.
 */
const DEVICE_COOKIE_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;
const DEVICE_ID_BYTES = 16;

export function deviceCookieName(secure: boolean): string {
  return secure ? '__Host-tubestead-device' : 'tubestead-device';
}

const mac = (secret: string, userId: number, deviceId: string) => sign(secret, 'device', userId, deviceId);

/** Marks this browser as known to `userId` (replacing the account it was known to before). */
export function rememberDevice(res: Response, secret: string, secure: boolean, userId: number): void {
  const deviceId = crypto.randomBytes(DEVICE_ID_BYTES).toString('base64url');
  res.cookie(deviceCookieName(secure), `${userId}.${deviceId}.${mac(secret, userId, deviceId)}`, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: DEVICE_COOKIE_MAX_AGE_MS,
  });
}

/** The id of this browser when it has signed in to `userId` before; null otherwise. */
export function knownDeviceId(req: Request, secret: string, secure: boolean, userId: number): string | null {
  const [id, deviceId, signature, ...rest] = (readCookie(req, deviceCookieName(secure)) ?? '').split('.');
  if (rest.length > 0 || id !== String(userId) || !deviceId || !signature) return null;
  return sameSignature(signature, mac(secret, userId, deviceId)) ? deviceId : null;
}
