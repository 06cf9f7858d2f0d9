// How numbers, sizes, durations and dates are written for people, everywhere on the site: pages,
// messages of refused uploads, feeds. One place, so "1.2K views" and "4 GiB" read the same.

const COMPACT = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
// One formatter, made once: Number#toLocaleString builds one per call (about 40 µs here), which
// a page with hundreds of figures (a video's statistics) pays hundreds of times.
const EXACT = new Intl.NumberFormat('en');
const DATE = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600], ['month', 30 * 24 * 3600], ['week', 7 * 24 * 3600], ['day', 24 * 3600], ['hour', 3600], ['minute', 60],
];
const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

/** "1:05", "1:02:03": a video's length as players show it. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** "4 GiB", "1.5 MiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** "45 min", "3 h", "3 h 12 min": a wait or a time limit, rounded up to the minute (at least one). */
export function formatMinutes(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const rest = minutes % 60;
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}` : `${minutes} min`;
}

/** "1.2K", as counts are shown next to views, likes and subscribers. */
export const formatCount = (n: number): string => COMPACT.format(n);

/** "1,234,567": an exact count, as tables of figures show it. */
export const formatNumber = (n: number): string => EXACT.format(n);

/** "1 view", "2 views", "1.2K views". */
export const plural = (n: number, one: string, many: string): string => `${COMPACT.format(n)} ${n === 1 ? one : many}`;

/** "Mar 4, 2026" (UTC). */
export const formatDate = (date: Date): string => DATE.format(date);

const DATE_TIME = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
/** "Mar 4, 2026, 3:05 PM UTC": where two moments of one day must be told apart (a comment's versions). */
export const formatDateTime = (date: Date): string => `${DATE_TIME.format(date)} UTC`;

/** "3 days ago", as video cards show the age of a video. */
export function timeAgo(date: Date, now = Date.now()): string {
  const seconds = Math.max(0, (now - date.getTime()) / 1000);
  for (const [unit, size] of STEPS) if (seconds >= size) return RELATIVE.format(-Math.floor(seconds / size), unit);
  return 'just now';
}

/** The first `max` characters (code points) of `text`: a cut never splits an emoji into a lone surrogate. */
export function firstCharacters(text: string, max: number): string {
  return text.length <= max ? text : Array.from(text).slice(0, max).join('');
}
