import crypto from 'node:crypto';

/**
 * Personal access tokens (issue 15): what a token may do, and what its secret looks like.
 * The secret starts with TOKEN_PREFIX so that secret scanners (GitHub's, gitleaks) can
 * recognise one pasted into a repository, then 32 random bytes in base62-safe base64url.
 */
export const TOKEN_PREFIX = 'tst_';
const SECRET_BYTES = 32;
/** The prefix and 43 base64url characters; anything else is refused before any lookup. */
export const TOKEN_PATTERN = /^tst_[A-Za-z0-9_-]{43}$/;
/** How much of a secret the settings page shows to tell tokens apart: the prefix and 4 characters. */
const SHOWN_START_CHARS = TOKEN_PREFIX.length + 4;

/**
 * Every scope, with what the settings page says of it. `anonymous`: the routes of this scope
 * also answer without a token (public data, read as a signed-out visitor would see it); a token
 * sent there must still carry the scope. `write`: a change, never made with a session cookie.
 */
export const SCOPES = {
  'videos:read': { label: 'Read videos, channels and playlists, your private ones included', anonymous: true, write: false },
  'videos:write': { label: 'Edit and delete your videos (and, for moderators, delete others\' as the site lets them)', anonymous: false, write: true },
  'videos:upload': { label: 'Upload videos', anonymous: false, write: true },
  'comments:write': { label: 'Post and delete comments', anonymous: false, write: true },
  'playlists:write': { label: 'Create, change and delete your playlists', anonymous: false, write: true },
  'notifications:read': { label: 'Read your notifications', anonymous: false, write: false },
  'account:read': { label: 'Read your profile and subscriptions', anonymous: false, write: false },
} as const;

export type Scope = keyof typeof SCOPES;
export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && Object.hasOwn(SCOPES, value);
}

/** A new secret and what is stored of it. */
export function newTokenSecret(): { secret: string; hash: Buffer; shownStart: string } {
  const secret = TOKEN_PREFIX + crypto.randomBytes(SECRET_BYTES).toString('base64url');
  return { secret, hash: hashTokenSecret(secret), shownStart: secret.slice(0, SHOWN_START_CHARS) };
}

/**
 * SHA-256, not a slow password hash: the secret is 256 random bits, so nothing is gained by
 * slowing a guess down, and every API request looks it up.
 */
export function hashTokenSecret(secret: string): Buffer {
  return crypto.createHash('sha256').update(secret).digest();
}
