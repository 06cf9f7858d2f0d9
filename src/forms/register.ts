import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, isCommonPassword } from '../auth/passwords.js';
import { checkDisplayName, field, hasForbiddenCharacters, length, result, type FormResult } from './fields.js';

export const HANDLE_PATTERN = /^[a-z0-9_.-]{3,30}$/;

/**
 * Handles that would collide with a URL, or pass for the site speaking. Compared after
 * removing '.', '-' and '_' so that "ad.min" or "log_in" are refused too.
 */
export const RESERVED_HANDLES = new Set([
  'about', 'account', 'accounts', 'admin', 'administrator', 'anonymous', 'api', 'app', 'assets', 'auth',
  'channel', 'channels', 'contact', 'dashboard', 'delete', 'edit', 'embed', 'explore', 'favicon', 'feed',
  'feeds', 'help', 'healthz', 'home', 'index', 'login', 'logout', 'me', 'media', 'mod', 'moderator',
  'moderators', 'new', 'notifications', 'oembed', 'official', 'owner', 'playlist', 'playlists', 'privacy',
  'public', 'register', 'report', 'reports', 'robots', 'root', 'search', 'security', 'settings', 'signin',
  'signout', 'signup', 'sitemap', 'staff', 'static', 'studio', 'support', 'system', 'terms', 'trending',
  'tubestead', 'upload', 'uploads', 'user', 'users', 'video', 'videos', 'watch', 'webmaster', 'www',
]);

export function isReservedHandle(handle: string): boolean {
  return RESERVED_HANDLES.has(handle.replace(/[._-]/g, ''));
}

export function checkHandle(handle: string): string | null {
  if (handle === '') return 'Choose a handle.';
  if (!HANDLE_PATTERN.test(handle)) return 'Use 3 to 30 characters: letters a–z, digits, and _ . -';
  if (isReservedHandle(handle)) return 'This handle is reserved. Choose another.';
  return null;
}

export function checkNewPassword(password: string, handle: string): string | null {
  const n = length(password);
  if (n < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (n > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (isCommonPassword(password)) return 'This password is one of the most common ones and is easily guessed. Choose another.';
  if (handle && password.toLowerCase().includes(handle)) return 'Your password must not contain your handle.';
  return null;
}

/**
 * An address: no spaces, controls or invisible format characters (a right-to-left override could
 * disguise it), and none of the characters of RFC 5322's address lists and quoting: nodemailer
 * reads `x<victim@example.org>` as a mail to the victim and `a@b.c,postmaster` as two, so a link
 * meant for the typed address would go to someone else.
 */
export const EMAIL_PATTERN = /^[^\s@\p{Cc}\p{Cf}<>,;:"()[\]\\]+@[^\s@\p{Cc}\p{Cf}<>,;:"()[\]\\]+\.[^\s@\p{Cc}\p{Cf}<>,;:"()[\]\\]+$/u;

export interface Registration {
  handle: string;
  displayName: string;
  email: string | null;
  password: string;
}

export function parseRegistration(body: unknown): FormResult<Registration> {
  const typedHandle = field(body, 'handle').trim();
  const handle = typedHandle.toLowerCase();
  const displayName = field(body, 'displayName').trim();
  const email = field(body, 'email').trim();
  const password = field(body, 'password');
  const errors: Record<string, string> = {};

  const handleError = checkHandle(handle);
  if (handleError) errors.handle = handleError;
  const nameError = checkDisplayName(displayName);
  if (nameError) errors.displayName = nameError;
  if (email && (email.length > 254 || !EMAIL_PATTERN.test(email) || hasForbiddenCharacters(email))) errors.email = 'Enter an email address like name@example.org, or leave it empty.';
  const passwordError = checkNewPassword(password, handleError ? '' : handle);
  if (passwordError) errors.password = passwordError;

  return result(errors, { handle: typedHandle, displayName, email }, () => ({ handle, displayName, email: email || null, password }));
}
