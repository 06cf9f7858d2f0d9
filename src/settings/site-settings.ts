import type { Config } from '../config.js';
import { findStoredSettings, storeSettings } from '../db/site-settings.js';
import type { PoolClient, Queryable } from '../db/pool.js';

/**
 * The site's settings that administrators change in the browser (issue 13, item 9) and that
 * apply without a restart. Each has a default (some from the environment, which keeps what must
 * be known at start), a check for what is stored, and is read through one cached object per
 * process: one query when a change was made, none otherwise.
 *
 * A process forgets its copy when it changes a setting, and when any process says its pages are
 * stale (db/page-events.ts: every successful change by a signed-in account says so, saving
 * settings included), so every web process applies a change at once. `MAX_AGE_MS` is the
 * backstop for a notification lost with the listening connection.
 */
export interface SiteSettings {
  /** Shown in the header, titles, feeds and mails. */
  siteName: string;
  /** One or two sentences: the home page's meta description and the about page's lead. */
  siteDescription: string;
  /** The about page's text (plain text, paragraphs split on blank lines). */
  aboutText: string;
  /** The rules everyone agrees to (plain text), at /rules and linked from sign-up and reports. */
  rulesText: string;
  /** Sign-up: open to all, waiting for an administrator's approval, or closed. */
  registration: 'open' | 'approval' | 'closed';
  /** New uploads: public as their owner chose, or held until a moderator approves them. */
  newUploads: 'public' | 'held';
  /** Largest upload in bytes (the default is MAX_UPLOAD_BYTES). */
  maxUploadBytes: number;
  /** Uploads per account per 24 hours (UPLOADS_PER_DAY). */
  uploadsPerDay: number;
  /** Bytes uploaded per account per 24 hours (UPLOAD_BYTES_PER_DAY). */
  uploadBytesPerDay: number;
  /** Bytes stored per account: originals and everything made from them (STORAGE_QUOTA_BYTES). */
  storageQuotaBytes: number;
  /** Words that hold a comment for review anywhere on the site, lower case. */
  watchedWords: string[];
}

export type SettingKey = keyof SiteSettings;

/** A stored value is used only if it passes its check; otherwise the default (and the admin page shows it). */
type Check = (value: unknown) => boolean;

const isText = (max: number): Check => (v) => typeof v === 'string' && v.length <= max;
const isWholeNumber = (min: number, max: number): Check => (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const isOneOf = (...options: string[]): Check => (v) => typeof v === 'string' && options.includes(v);

/** What each stored value must be. Forms (src/forms/) give people messages; this guards what is read. */
export const SETTING_CHECKS: { [K in SettingKey]: Check } = {
  siteName: (v) => isText(60)(v) && (v as string).trim().length > 0,
  siteDescription: isText(300),
  aboutText: isText(20_000),
  rulesText: isText(20_000),
  registration: isOneOf('open', 'approval', 'closed'),
  newUploads: isOneOf('public', 'held'),
  maxUploadBytes: isWholeNumber(1024, 1024 ** 4),
  uploadsPerDay: isWholeNumber(1, 1_000_000),
  uploadBytesPerDay: isWholeNumber(1024, 1024 ** 5),
  storageQuotaBytes: isWholeNumber(1024, 1024 ** 5),
  watchedWords: (v) => Array.isArray(v) && v.length <= 500 && v.every((w) => typeof w === 'string' && w.length > 0 && w.length <= 100),
};

export function defaultSettings(config: Config): SiteSettings {
  return {
    siteName: config.siteName,
    siteDescription: '',
    aboutText: '',
    rulesText: '',
    registration: 'open',
    newUploads: 'public',
    maxUploadBytes: config.maxUploadBytes,
    uploadsPerDay: config.uploadsPerDay,
    uploadBytesPerDay: config.uploadBytesPerDay,
    storageQuotaBytes: config.storageQuotaBytes,
    watchedWords: [],
  };
}

/** The defaults with every stored value that passes its check. */
export function applyStored(defaults: SiteSettings, stored: Map<string, unknown>): SiteSettings {
  const settings: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(SETTING_CHECKS) as SettingKey[]) {
    if (stored.has(key) && SETTING_CHECKS[key](stored.get(key))) settings[key] = stored.get(key);
  }
  return settings as unknown as SiteSettings;
}

const MAX_AGE_MS = 60_000;

export interface SiteSettingsStore {
  /** The settings now: from memory, or one query after a change. */
  get(db?: Queryable): Promise<SiteSettings>;
  /** Forget the kept copy (another process changed something). */
  forget(): void;
  /**
   * Stores `changes` with the client of the caller's transaction (which writes the audit row
   * too); the values before, for that row. The kept copy is forgotten after commit by the
   * caller's `forget()` — call it once the transaction is committed.
   */
  save(client: PoolClient, changes: Partial<SiteSettings>, actorId: number | null): Promise<Partial<SiteSettings>>;
}

export function createSiteSettings(db: Queryable, config: Config, now: () => number = Date.now): SiteSettingsStore {
  const defaults = defaultSettings(config);
  let kept: { settings: Promise<SiteSettings>; at: number } | null = null;
  return {
    get() {
      if (!kept || now() - kept.at > MAX_AGE_MS) {
        const settings = findStoredSettings(db).then((stored) => applyStored(defaults, stored));
        const entry = { settings, at: now() };
        kept = entry;
        // A failed read is not kept: the next request asks again.
        settings.catch(() => { if (kept === entry) kept = null; });
      }
      return kept.settings;
    },
    forget() {
      kept = null;
    },
    async save(client, changes, actorId) {
      for (const [key, value] of Object.entries(changes)) {
        if (!(key in SETTING_CHECKS) || !SETTING_CHECKS[key as SettingKey](value)) throw new Error(`site setting ${key}: value refused`);
      }
      const before = await storeSettings(client, changes, actorId);
      const current = applyStored(defaults, before);
      const old: Partial<SiteSettings> = {};
      for (const key of Object.keys(changes) as SettingKey[]) (old as Record<string, unknown>)[key] = current[key];
      return old;
    },
  };
}
