import { parseNotificationCursor, type NotificationCursor } from '../db/notification-listing.js';
import { EMAIL_CADENCES, type ChannelBell, type EmailCadence, type KindChoice } from '../db/notification-preferences.js';
import { NOTIFICATION_FILTERS, isNotificationKind, type NotificationFilter, type NotificationKind } from '../notifications/kinds.js';
import { field, result, type FormResult } from './fields.js';

/**
 * The notifications list's query and forms, and the preferences form. An unknown filter or a
 * cursor that is not one is refused (400), not read as the first page: a link that says one thing
 * and shows another would be worse than an error.
 */

export type ListFilter = NotificationFilter | 'all';
export const LIST_FILTERS: readonly ListFilter[] = ['all', ...NOTIFICATION_FILTERS];

/** What each filter's tab says. */
export const FILTER_LABELS: Record<ListFilter, string> = {
  all: 'All',
  videos: 'Videos',
  comments: 'Comments',
  'my-videos': 'My videos',
  subscribers: 'Subscribers',
  moderation: 'Moderation',
};

export interface ListPlace { filter: ListFilter; after: NotificationCursor | null }

/** `filter` and `after` from the list's query string; a message for a bad one. */
export function parseListPlace(query: unknown): { ok: true; place: ListPlace } | { ok: false; message: string } {
  const rawFilter = field(query, 'filter');
  const rawAfter = field(query, 'after');
  const present = (name: string) => !!query && typeof query === 'object' && (query as Record<string, unknown>)[name] !== undefined;
  if (present('filter') && !(LIST_FILTERS as readonly string[]).includes(rawFilter)) return { ok: false, message: 'There is no such filter of notifications.' };
  const after = rawAfter === '' ? null : parseNotificationCursor(rawAfter);
  if (present('after') && after === null) return { ok: false, message: 'That page of notifications does not exist. Go back to the newest.' };
  return { ok: true, place: { filter: (rawFilter || 'all') as ListFilter, after } };
}

/** The list's address at this filter (and cursor); defaults left out. */
export function listUrl(filter: ListFilter, after: string | null = null): string {
  const params = new URLSearchParams();
  if (filter !== 'all') params.set('filter', filter);
  if (after !== null) params.set('after', after);
  const query = params.toString();
  return query ? `/notifications?${query}` : '/notifications';
}

const MICROS = /^\d{1,17}$/;

/** "Mark all as read": the filter, and the newest time the page showed (`upTo`, optional). */
export function parseMarkAll(body: unknown): { ok: true; filter: ListFilter; upTo: string | null } | { ok: false; message: string } {
  const filter = field(body, 'filter') || 'all';
  const upTo = field(body, 'upTo');
  if (!(LIST_FILTERS as readonly string[]).includes(filter)) return { ok: false, message: 'There is no such filter of notifications.' };
  if (upTo !== '' && !MICROS.test(upTo)) return { ok: false, message: 'That form could not be understood. Reload the page and try again.' };
  return { ok: true, filter: filter as ListFilter, upTo: upTo || null };
}

/** The filter a mark-one form came from, to go back to it; an unknown one reads as all. */
export function returnFilter(body: unknown): ListFilter {
  const filter = field(body, 'filter');
  return (LIST_FILTERS as readonly string[]).includes(filter) ? (filter as ListFilter) : 'all';
}

const NOTIFICATION_ID = /^[1-9]\d{0,15}$/;

/** A notification id from the path, or null (the route answers 404). */
export function parseNotificationId(value: unknown): number | null {
  return typeof value === 'string' && NOTIFICATION_ID.test(value) ? Number(value) : null;
}

export interface PreferencesInput {
  choices: Partial<Record<NotificationKind, KindChoice>>;
  /** Null when the email column was not offered: mail choices and cadence stay as stored. */
  cadence: EmailCadence | null;
}

/** A ticked checkbox sends "on"; an unticked one sends nothing. */
const TICKED = 'on';

/**
 * The preferences matrix: `site-<kind>` and `email-<kind>` checkboxes for each kind `offered`,
 * and `cadence`. An unticked box is off. Without `emailOffered` (mail off, or no confirmed
 * address: the page shows that column disabled, and disabled boxes send nothing) the stored mail
 * choices are kept from `current`. A field naming an unknown kind, a kind not offered, or a value
 * a checkbox never sends is refused, as is a cadence not in the list: nothing is written then.
 */
export function parsePreferences(body: unknown, options: { offered: readonly NotificationKind[]; emailOffered: boolean; current: Record<NotificationKind, KindChoice> }): FormResult<PreferencesInput> {
  const errors: Record<string, string> = {};
  const values: Record<string, string> = {};
  const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  for (const [name, value] of Object.entries(fields)) {
    if (name === '_csrf' || name === 'cadence') continue;
    const m = /^(site|email)-(.+)$/.exec(name);
    if (!m) {
      errors.form = 'This form holds a field it does not have. Reload the page and try again.';
      continue;
    }
    const kind = m[2]!;
    if (!isNotificationKind(kind) || !options.offered.includes(kind)) errors.form = 'This form names a kind of notification it does not offer. Reload the page and try again.';
    else if (value !== TICKED) errors[name] = 'A checkbox is either ticked or not.';
    else if (m[1] === 'email' && !options.emailOffered) errors[name] = 'Mail cannot be chosen now.';
    else values[name] = TICKED;
  }
  const cadence = field(body, 'cadence');
  if (options.emailOffered) {
    values.cadence = cadence;
    if (!(EMAIL_CADENCES as readonly string[]).includes(cadence)) errors.cadence = 'Choose how mail is sent: at once, a daily digest or a weekly digest.';
  } else if (fields.cadence !== undefined) {
    errors.cadence = 'Mail cannot be chosen now.';
  }
  return result(errors, values, () => ({
    choices: Object.fromEntries(options.offered.map((kind) => [kind, {
      inSite: values[`site-${kind}`] === TICKED,
      byEmail: options.emailOffered ? values[`email-${kind}`] === TICKED : options.current[kind].byEmail,
    }])),
    cadence: options.emailOffered ? (cadence as EmailCadence) : null,
  }));
}

/** The bell of a followed channel: `notify` all or none; `next`, where to go back to. */
export function parseChannelBell(body: unknown): ChannelBell | null {
  const notify = field(body, 'notify');
  return notify === 'all' || notify === 'none' ? notify : null;
}
