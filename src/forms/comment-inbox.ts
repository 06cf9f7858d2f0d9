import { INBOX_FILTERS, type InboxFilter } from '../db/comment-inbox.js';
import { field } from './fields.js';

/** Most comments one bulk action takes: a page of the inbox (the site's forms take at most 100 fields). */
export const INBOX_BULK_MAX = 50;
const COMMENT_ID = /^[1-9]\d{0,15}$/;

export type InboxAction = 'approve' | 'reject';

/** Where the inbox was (its filter and cursor), to go back there after an action. */
export interface InboxPlace { filter: InboxFilter; after: number | null }

/** `state` and `after` from a query string or a form; anything unknown reads as the default. */
export function parseInboxPlace(source: unknown): InboxPlace {
  const state = field(source, 'state');
  const after = field(source, 'after');
  return {
    filter: (INBOX_FILTERS as readonly string[]).includes(state) ? (state as InboxFilter) : 'all',
    after: COMMENT_ID.test(after) ? Number(after) : null,
  };
}

/** The inbox's address at this place; defaults left out. */
export function inboxUrl(place: InboxPlace): string {
  const params = new URLSearchParams();
  if (place.filter !== 'all') params.set('state', place.filter);
  if (place.after !== null) params.set('after', String(place.after));
  const query = params.toString();
  return query ? `/studio/comments?${query}` : '/studio/comments';
}

/**
 * The bulk form: `action` (approve or reject) and the ticked `ids` (one field, or repeated).
 * Each id must look like one; whose it is, is checked against the owner when acting.
 */
export function parseInboxBulk(body: unknown): { ok: true; action: InboxAction; ids: number[] } | { ok: false; message: string } {
  const action = field(body, 'action');
  if (action !== 'approve' && action !== 'reject') return { ok: false, message: 'Choose approve or reject.' };
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>).ids : undefined;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return { ok: false, message: 'Tick the comments to approve or reject.' };
  if (list.length > INBOX_BULK_MAX) return { ok: false, message: `Choose at most ${INBOX_BULK_MAX} comments at once.` };
  if (!list.every((id) => typeof id === 'string' && COMMENT_ID.test(id))) return { ok: false, message: 'Those are not comments of this list.' };
  return { ok: true, action, ids: [...new Set(list.map(Number))] };
}
