import type { Visibility } from '../db/visibility.js';
import { field, type FormResult } from './fields.js';
import { parseVideoDetails, type VideoDetails } from './upload.js';
import { VIDEO_CATEGORIES, VIDEO_LANGUAGES } from './video-choices.js';

/** What the edit page may set a video to: the upload's choices and scheduling. */
export const EDIT_VISIBILITIES: readonly Visibility[] = ['public', 'unlisted', 'private', 'scheduled'];
/** How far ahead a video may be scheduled: a year, with a day's slack for time zones. */
export const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 60 * 60 * 1000;
/** Without the page's script, which sends the browser's zone, dates are read as UTC (the page says so). */
export const DEFAULT_TIME_ZONE = 'UTC';

export interface VideoEdit extends VideoDetails {
  category: string | null;
  language: string | null;
  /** When a scheduled video becomes public; null unless visibility is 'scheduled'. */
  publishAt: Date | null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
/** Longer than any IANA name ("America/Argentina/ComodRivadavia" is 32). */
const ZONE_NAME_MAX = 64;
const DAY_MS = 24 * 60 * 60 * 1000;

// The zones a form may name, found without regard to case ("europe/paris" is Europe/Paris), built
// once. Intl accepts any spelling of a name, so formatters are cached under the canonical name
// only: the cache holds at most one per zone, whatever is sent (each spelling cached as sent once
// grew it without bound, ~28 kB a spelling).
const CANONICAL_ZONES = new Map<string, string>([...Intl.supportedValuesOf('timeZone'), 'UTC'].map((zone) => [zone.toLowerCase(), zone]));
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The canonical name of `zone`, or null for a zone not in Intl.supportedValuesOf('timeZone').
 * That list has one name per zone, and not always the one browsers send (Node 20 lists
 * Asia/Calcutta, browsers send Asia/Kolkata): a name missing from it is looked up through Intl,
 * which maps links to their zone, and accepted as that zone; nothing is cached for it.
 */
export function canonicalTimeZone(zone: string): string | null {
  if (zone.length === 0 || zone.length > ZONE_NAME_MAX) return null;
  const listed = CANONICAL_ZONES.get(zone.toLowerCase());
  if (listed) return listed;
  try {
    return CANONICAL_ZONES.get(new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone.toLowerCase()) ?? null;
  } catch {
    return null;
  }
}

/** A formatter that reads instants as wall-clock time in `zone`, or null for a zone not accepted (canonicalTimeZone). */
function wallClock(zone: string): Intl.DateTimeFormat | null {
  const canonical = canonicalTimeZone(zone);
  if (!canonical) return null;
  let formatter = formatters.get(canonical);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: canonical, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(canonical, formatter);
  }
  return formatter;
}

/** How many formatters are kept: one per zone used, at most one per supported zone (tests check it). */
export const cachedTimeZoneCount = (): number => formatters.size;

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in ms. */
function offsetAt(formatter: Intl.DateTimeFormat, instant: number): number {
  const parts = Object.fromEntries(formatter.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock date and time in `zone` names, as a phone's clock app reads it (and
 * Temporal's "compatible" choice). The offsets a day before and a day after are those on either
 * side of any daylight-saving change near the time (changes are months apart). A time that one
 * of them gives back is real; when both do (01:30 on a fall-back night) the earlier wins. When
 * neither does, the time was skipped (02:30 on a spring-forward night) and it is read with the
 * offset from before the change, which lands it as much later as the clocks jumped: 03:30 in New
 * York as in Paris, Sydney or Auckland (02:45 on Lord Howe, whose clocks move 30 minutes).
 */
export function zonedTimeToUtc(date: string, time: string, zone: string): Date | null {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  const formatter = wallClock(zone);
  if (!d || !t || !formatter) return null;
  const [year, month, day, hour, minute, second] = [d[1], d[2], d[3], t[1], t[2], t[3] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  // 2026-02-30 or 25:00 would roll over into another day or hour: refused instead.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  const before = wall - offsetAt(formatter, wall - DAY_MS);
  const after = wall - offsetAt(formatter, wall + DAY_MS);
  const real = [before, after].filter((instant) => instant + offsetAt(formatter, instant) === wall);
  return new Date(real.length > 0 ? Math.min(...real) : before);
}

/** `instant` as the date and time inputs show it in `zone`: ['2026-12-24', '18:30']. */
export function utcToZonedInputs(instant: Date, zone: string): [string, string] {
  const formatter = wallClock(zone) ?? wallClock(DEFAULT_TIME_ZONE)!;
  const wall = new Date(instant.getTime() + offsetAt(formatter, instant.getTime()));
  const iso = wall.toISOString();
  return [iso.slice(0, 10), iso.slice(11, 16)];
}

/**
 * The edit page's form: the upload's rules for title, description, tags (parseVideoDetails),
 * plus category, language and, for a scheduled video, its date and time in the creator's zone.
 * `now` is the clock the schedule is checked against (tests pass their own); `scheduled` is the
 * time the video is already scheduled for, which a form sent back unchanged may keep even when
 * it has just passed (the worker publishes it within moments).
 */
export function parseVideoEdit(body: unknown, now: Date, scheduled: Date | null = null): FormResult<VideoEdit> {
  const details = parseVideoDetails(body, undefined, EDIT_VISIBILITIES);
  const category = field(body, 'category');
  const language = field(body, 'language');
  const publishDate = field(body, 'publishDate').trim();
  const publishTime = field(body, 'publishTime').trim();
  const timeZone = field(body, 'timeZone').trim() || DEFAULT_TIME_ZONE;
  // Only a scheduled video's time is read in it: for the others an unknown zone is no error.
  const zone = canonicalTimeZone(timeZone);
  const visibility = field(body, 'visibility') || 'public';
  const errors: Record<string, string> = details.ok ? {} : { ...details.errors };

  if (category !== '' && !VIDEO_CATEGORIES.has(category)) errors.category = 'Choose a category from the list.';
  if (language !== '' && !VIDEO_LANGUAGES.has(language)) errors.language = 'Choose a language from the list.';
  let publishAt: Date | null = null;
  if (visibility === 'scheduled') {
    publishAt = zonedTimeToUtc(publishDate, publishTime, timeZone);
    if (!publishDate || !publishTime) errors.publishDate = 'Enter the date and time to publish the video.';
    else if (!zone) errors.publishDate = 'Your time zone was not recognised; check the date and time, and save again.';
    else if (!publishAt) errors.publishDate = 'Enter a real date (year-month-day) and time (hours:minutes).';
    else if (publishAt.getTime() <= now.getTime() && publishAt.getTime() !== scheduled?.getTime()) errors.publishDate = 'Choose a time in the future.';
    else if (publishAt.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS) errors.publishDate = 'Schedule the video at most a year ahead.';
  }

  if (!details.ok || Object.keys(errors).length > 0) {
    return {
      ok: false,
      errors,
      values: { title: field(body, 'title'), description: field(body, 'description'), tags: field(body, 'tags'), visibility, category, language, publishDate, publishTime,
        // An unknown zone goes back as UTC (the page's script puts the browser's in), not as sent.
        timeZone: zone ?? DEFAULT_TIME_ZONE },
    };
  }
  return { ok: true, value: { ...details.value, category: category || null, language: language || null, publishAt } };
}
