import { SCOPES, isScope, type Scope } from '../auth/api-tokens.js';
import { field, hasForbiddenCharacters, length, result, type FormResult } from './fields.js';

export const TOKEN_NAME_MAX = 100;
/** The expiry choices of the form, in days; 'never' and 'date' (a day of the person's choosing) besides. */
export const EXPIRY_DAYS = { 7: '7 days', 30: '30 days', 90: '90 days', 365: '1 year' } as const;
export const EXPIRY_CHOICES = ['never', '7', '30', '90', '365', 'date'] as const;
/** A date further ahead than this is a typing mistake (year 20205) more often than a wish. */
const MAX_EXPIRY_YEARS = 10;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface NewTokenForm {
  name: string;
  scopes: Scope[];
  expiresAt: Date | null;
}

/**
 * The checked boxes of a field: one box sends a string, several an array (urlencoded, not
 * extended), anything else (an object from a JSON body) is nothing.
 */
function checkedValues(body: unknown, name: string): string[] {
  if (!body || typeof body !== 'object') return [];
  const value = (body as Record<string, unknown>)[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The "create a token" form of /settings/tokens: a name (1–100 characters), at least one known
 * scope, and an expiry: never, a number of days from `now`, or a day (YYYY-MM-DD): the token
 * works through that day, UTC, and stops at the midnight after it. Typed values come back for
 * the form; `scopes` as a comma-separated list.
 */
export function parseApiToken(body: unknown, now: Date): FormResult<NewTokenForm> {
  const name = field(body, 'name').trim();
  const sent = checkedValues(body, 'scopes');
  const scopes = Object.keys(SCOPES).filter((s): s is Scope => isScope(s) && sent.includes(s));
  const expiry = field(body, 'expiry') || 'never';
  const expiresOn = field(body, 'expiresOn').trim();
  const errors: Record<string, string> = {};

  if (name === '') errors.name = 'Give the token a name, such as the tool that will use it.';
  else if (length(name) > TOKEN_NAME_MAX) errors.name = `Use at most ${TOKEN_NAME_MAX} characters (this is ${length(name)}).`;
  else if (hasForbiddenCharacters(name) || /[\r\n\t]/.test(name)) errors.name = 'Use letters, digits, spaces and punctuation only.';
  if (sent.some((s) => !isScope(s))) errors.scopes = 'Choose among the scopes listed.';
  else if (scopes.length === 0) errors.scopes = 'Choose at least one thing this token may do.';

  let expiresAt: Date | null = null;
  if (!(EXPIRY_CHOICES as readonly string[]).includes(expiry)) {
    errors.expiry = 'Choose when the token expires.';
  } else if (expiry === 'date') {
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expiresOn);
    const start = day ? new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))) : null;
    // Date.UTC rolls 2025-02-30 over to March: a date that does not read back the same is not one.
    if (!start || start.toISOString().slice(0, 10) !== expiresOn) errors.expiresOn = 'Enter the date as YYYY-MM-DD, such as 2030-01-31.';
    else if (start.getTime() + DAY_MS <= now.getTime()) errors.expiresOn = 'Choose a day that has not passed yet.';
    else if (start.getTime() > now.getTime() + MAX_EXPIRY_YEARS * 365 * DAY_MS) errors.expiresOn = `Choose a day within ${MAX_EXPIRY_YEARS} years.`;
    else expiresAt = new Date(start.getTime() + DAY_MS);
  } else if (expiresOn !== '') {
    // A day typed under another choice would be dropped without a word: ask which was meant.
    errors.expiresOn = 'To expire on this day, choose “On a day of your choosing”; otherwise clear the day.';
  } else if (expiry !== 'never') {
    expiresAt = new Date(now.getTime() + Number(expiry) * DAY_MS);
  }

  return result(errors, { name, scopes: scopes.join(','), expiry, expiresOn }, () => ({ name, scopes, expiresAt }));
}
