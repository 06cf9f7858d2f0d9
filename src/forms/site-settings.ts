import type { SettingKey, SiteSettings } from '../settings/site-settings.js';
import { decimal, formatSize, SIZE_UNITS, sizeInUnits, UPLOAD_SIZE_RANGES, type SizeUnit } from './sizes.js';
import { field, hasForbiddenCharacters, length, type FormResult } from './fields.js';

/**
 * The site settings form of /admin/settings (issue 13, item 9): every field of SiteSettings,
 * checked with a message each. Sizes are typed as an amount and a unit (MB or GB, binary: 1 GB
 * is 1,024 MB, as the environment's byte values and the upload page count them) and shown back
 * the same way; a size shown and sent back unchanged keeps its exact bytes, so a form sent again
 * as it was shown changes nothing, even for a default in bytes no unit divides (an environment
 * value of 1000000000).
 */

export { formatSize, SIZE_UNITS, sizeInUnits, type SizeUnit } from './sizes.js';

export const SITE_NAME_MAX = 60;
export const SITE_DESCRIPTION_MAX = 300;
export const PAGE_TEXT_MAX = 20_000;
export const WATCHED_WORDS_MAX = 500;
export const WATCHED_WORD_MAX = 100;
export const UPLOADS_PER_DAY_MAX = 1_000_000;

export const REGISTRATION_MODES: Record<SiteSettings['registration'], string> = {
  open: 'Open: anyone can create an account',
  approval: 'Needing approval: new accounts wait until a moderator or admin approves them',
  closed: 'Closed: nobody can create an account',
};

export const NEW_UPLOAD_MODES: Record<SiteSettings['newUploads'], string> = {
  public: 'Public at once, with the visibility their owner chose',
  held: 'Held until a moderator approves them',
};

/** The size fields: what each is called, and its smallest and largest value in bytes. */
export const SIZE_FIELDS = {
  maxUploadBytes: { label: 'Largest upload', ...UPLOAD_SIZE_RANGES.maxUploadBytes },
  uploadBytesPerDay: { label: 'Bytes uploaded per account per day', ...UPLOAD_SIZE_RANGES.uploadBytesPerDay },
  storageQuotaBytes: { label: 'Storage per account', ...UPLOAD_SIZE_RANGES.storageQuotaBytes },
} as const;
type SizeKey = keyof typeof SIZE_FIELDS;
const SIZE_KEYS = Object.keys(SIZE_FIELDS) as SizeKey[];

/** The form's fields for these settings, as the page shows them. */
export function settingsFormValues(settings: SiteSettings): Record<string, string> {
  const values: Record<string, string> = {
    siteName: settings.siteName,
    siteDescription: settings.siteDescription,
    aboutText: settings.aboutText,
    rulesText: settings.rulesText,
    registration: settings.registration,
    newUploads: settings.newUploads,
    uploadsPerDay: String(settings.uploadsPerDay),
    watchedWords: settings.watchedWords.join('\n'),
  };
  for (const key of SIZE_KEYS) {
    const { amount, unit } = sizeInUnits(settings[key]);
    values[key] = amount;
    values[`${key}Unit`] = unit;
  }
  return values;
}

/** Line ends as the database keeps them ('\n'), and no trailing blanks. */
const normalized = (text: string) => text.replace(/\r\n?/g, '\n').trimEnd();

const AMOUNT = /^\d{1,10}(?:\.\d{1,3})?$/;
const WHOLE = /^\d{1,10}$/;

function checkText(text: string, max: number, what: string, oneLine: boolean): string | null {
  if (text.length > max || length(text) > max) return `${what}: use at most ${max.toLocaleString('en')} characters (this has ${length(text).toLocaleString('en')}).`;
  if (hasForbiddenCharacters(text) || (oneLine && /[\r\n\t]/.test(text))) return `${what}: use text only${oneLine ? ', on one line' : ''}: no control characters.`;
  return null;
}

/**
 * The form as sent, or its messages with what was typed (the page comes back with 422 and nothing
 * is written). `current` is what the page showed: a size sent back as shown keeps its bytes.
 */
export function parseSiteSettings(body: unknown, current: SiteSettings): FormResult<SiteSettings> {
  const raw = (name: string) => field(body, name);
  const values: Record<string, string> = {};
  for (const name of ['siteName', 'siteDescription', 'aboutText', 'rulesText', 'registration', 'newUploads', 'uploadsPerDay', 'watchedWords', ...SIZE_KEYS.flatMap((k) => [k, `${k}Unit`])]) {
    values[name] = raw(name);
  }
  const errors: Record<string, string> = {};

  const siteName = values.siteName!.trim();
  if (siteName === '') errors.siteName = 'Site name: enter the name shown in the header, titles and feeds.';
  else errors.siteName = checkText(siteName, SITE_NAME_MAX, 'Site name', true) ?? '';
  const siteDescription = normalized(values.siteDescription!).trim();
  errors.siteDescription = checkText(siteDescription, SITE_DESCRIPTION_MAX, 'Description', false) ?? '';
  const aboutText = normalized(values.aboutText!);
  errors.aboutText = checkText(aboutText, PAGE_TEXT_MAX, 'About text', false) ?? '';
  const rulesText = normalized(values.rulesText!);
  errors.rulesText = checkText(rulesText, PAGE_TEXT_MAX, 'Rules', false) ?? '';

  const registration = values.registration!;
  if (!Object.hasOwn(REGISTRATION_MODES, registration)) errors.registration = 'Registration: choose open, needing approval or closed.';
  const newUploads = values.newUploads!;
  if (!Object.hasOwn(NEW_UPLOAD_MODES, newUploads)) errors.newUploads = 'New uploads: choose public at once or held for approval.';

  const sizes: Partial<Record<SizeKey, number>> = {};
  for (const key of SIZE_KEYS) {
    const { label, min, max } = SIZE_FIELDS[key];
    const amount = values[key]!.trim();
    const unit = values[`${key}Unit`]!;
    const range = `from ${formatSize(min)} to ${formatSize(max)}`;
    if (!Object.hasOwn(SIZE_UNITS, unit)) errors[key] = `${label}: choose MB or GB.`;
    else if (!AMOUNT.test(amount)) errors[key] = `${label}: enter a number like 500 or 1.5 (${range}).`;
    else {
      const shown = sizeInUnits(current[key]);
      const bytes = decimal(Number(amount)) === shown.amount && unit === shown.unit ? current[key] : Math.round(Number(amount) * SIZE_UNITS[unit as SizeUnit]);
      if (bytes < min || bytes > max) errors[key] = `${label}: enter a size ${range}.`;
      else sizes[key] = bytes;
    }
  }

  const perDay = values.uploadsPerDay!.trim();
  const uploadsPerDay = Number(perDay);
  if (!WHOLE.test(perDay) || uploadsPerDay < 1 || uploadsPerDay > UPLOADS_PER_DAY_MAX) errors.uploadsPerDay = `Uploads per day: enter a whole number from 1 to ${UPLOADS_PER_DAY_MAX.toLocaleString('en')}.`;

  const watchedWords: string[] = [];
  // A Set for the repeats: a 1 MB form of short lines would otherwise be compared line by line.
  const seen = new Set<string>();
  for (const line of values.watchedWords!.split(/\r\n?|\n/)) {
    const word = line.trim().toLowerCase();
    if (word === '' || seen.has(word)) continue;
    seen.add(word);
    if (length(word) > WATCHED_WORD_MAX || word.length > WATCHED_WORD_MAX) errors.watchedWords ||= `Watched words: use at most ${WATCHED_WORD_MAX} characters a line (“${word.slice(0, 30)}…” is longer).`;
    else if (hasForbiddenCharacters(word) || word.includes('\t')) errors.watchedWords ||= 'Watched words: use text only, one word or phrase a line.';
    watchedWords.push(word);
  }
  if (watchedWords.length > WATCHED_WORDS_MAX) errors.watchedWords ||= `Watched words: at most ${WATCHED_WORDS_MAX} (this has ${watchedWords.length}).`;

  for (const [name, message] of Object.entries(errors)) if (!message) delete errors[name];
  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return {
    ok: true,
    value: {
      siteName, siteDescription, aboutText, rulesText,
      registration: registration as SiteSettings['registration'],
      newUploads: newUploads as SiteSettings['newUploads'],
      maxUploadBytes: sizes.maxUploadBytes!,
      uploadsPerDay,
      uploadBytesPerDay: sizes.uploadBytesPerDay!,
      storageQuotaBytes: sizes.storageQuotaBytes!,
      watchedWords,
    },
  };
}

/** The settings `next` changes from `current`, each with its new value: nothing when the form was sent as shown. */
export function changedSettings(current: SiteSettings, next: SiteSettings): Partial<SiteSettings> {
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(next) as SettingKey[]) {
    if (JSON.stringify(next[key]) !== JSON.stringify(current[key])) changes[key] = next[key];
  }
  return changes as Partial<SiteSettings>;
}
