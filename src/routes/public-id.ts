import crypto from 'node:crypto';

/** 11 URL-safe characters from 64 random bits, like YouTube's ids: unguessable, never sequential. */
export const newPublicId = () => crypto.randomBytes(8).toString('base64url');

/** What a public id looks like; anything else in its place in a URL is a 404 without a query. */
export const PUBLIC_ID_PATTERN = /^[A-Za-z0-9_-]{11}$/;
