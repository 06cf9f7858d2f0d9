import { STUDIO_SORTS, type StudioFilter, type StudioSort } from '../db/studio-videos.js';
import type { BulkActionKind } from '../db/bulk-actions.js';
import type { VideoStatus, Visibility } from '../db/visibility.js';
import { PUBLIC_ID_PATTERN } from '../routes/public-id.js';
import { hasForbiddenCharacters, length } from './fields.js';
import { TAG_MAX_CHARS, VISIBILITIES, parseTags } from './upload.js';

// The studio list's query (filters, sort, search, cursor) and the bulk action form.

export const STATES: readonly VideoStatus[] = ['uploaded', 'processing', 'ready', 'failed'];
/** Longer than any title (100): a longer search can match nothing. */
export const SEARCH_MAX = 100;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** A query value as one string: absent is '', a repeated parameter (an array) is refused. */
function one(query: Record<string, unknown>, name: string): string | null {
  const value = query[name];
  if (value === undefined) return '';
  return typeof value === 'string' ? value : null;
}

/** The filter of the studio list or of a bulk action ("all matching"), from a query or a form body. */
export function parseStudioFilter(source: unknown): Parsed<StudioFilter> {
  const query = (source && typeof source === 'object' ? source : {}) as Record<string, unknown>;
  const visibility = one(query, 'visibility');
  const state = one(query, 'state');
  const search = one(query, 'q');
  if (visibility === null || state === null || search === null) return { ok: false, message: 'Give each filter once.' };
  if (visibility && !VISIBILITIES.includes(visibility as Visibility)) return { ok: false, message: 'Filter by public, unlisted or private visibility.' };
  if (state && !STATES.includes(state as VideoStatus)) return { ok: false, message: 'Filter by the state uploaded, processing, ready or failed.' };
  const words = search.replace(/\s+/g, ' ').trim();
  if (length(words) > SEARCH_MAX) return { ok: false, message: `Search with at most ${SEARCH_MAX} characters.` };
  if (hasForbiddenCharacters(words)) return { ok: false, message: 'Remove the invisible control characters from the search.' };
  return { ok: true, value: { visibility: (visibility || null) as Visibility | null, status: (state || null) as VideoStatus | null, search: words || null } };
}

/** The whole list query: the filter, a sort (newest unless told) and a cursor (`after`; one not like an id is no cursor). */
export function parseStudioQuery(query: unknown): Parsed<StudioFilter & { sort: StudioSort; after: string | null }> {
  const filter = parseStudioFilter(query);
  if (!filter.ok) return filter;
  const q = (query ?? {}) as Record<string, unknown>;
  const sort = one(q, 'sort');
  if (sort === null || (sort && !STUDIO_SORTS.includes(sort as StudioSort))) return { ok: false, message: 'Sort by newest, oldest or views.' };
  const after = one(q, 'after');
  return { ok: true, value: { ...filter.value, sort: (sort || 'newest') as StudioSort, after: after && PUBLIC_ID_PATTERN.test(after) ? after : null } };
}

/** What the action menu offers, and what each does. */
const ACTIONS: Record<string, { kind: BulkActionKind; argument?: Visibility }> = {
  'make-public': { kind: 'visibility', argument: 'public' },
  'make-unlisted': { kind: 'visibility', argument: 'unlisted' },
  'make-private': { kind: 'visibility', argument: 'private' },
  'add-tag': { kind: 'add-tag' },
  'remove-tag': { kind: 'remove-tag' },
  delete: { kind: 'delete' },
};

/** At most this many ids in one form (the page shows 50; the form parser accepts 100 fields). */
export const SELECTED_MAX = 90;

export interface BulkForm {
  kind: BulkActionKind;
  argument: string;
  /** 'selected': the ids; 'all': every video of mine the filter matches. */
  scope: 'selected' | 'all';
  ids: string[];
  filter: StudioFilter;
}

/**
 * One tag by the upload form's rules (src/forms/upload.ts): spaces squeezed, a leading # dropped,
 * at most TAG_MAX_CHARS characters, no control characters; a comma would make two tags.
 */
export function parseOneTag(raw: string): Parsed<string> {
  if (raw.includes(',')) return { ok: false, message: 'Add or remove one tag at a time (no commas).' };
  const [tag] = parseTags(raw);
  if (!tag) return { ok: false, message: 'Type the tag to add or remove.' };
  if (length(tag) > TAG_MAX_CHARS) return { ok: false, message: `Keep the tag to ${TAG_MAX_CHARS} characters.` };
  if (hasForbiddenCharacters(tag)) return { ok: false, message: 'Remove the invisible control characters from the tag.' };
  return { ok: true, value: tag };
}

export function parseBulkForm(body: unknown): Parsed<BulkForm> {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const actionName = one(form, 'action');
  const action = actionName ? ACTIONS[actionName] : undefined;
  if (!action || !Object.hasOwn(ACTIONS, actionName!)) return { ok: false, message: 'Choose what to do with the videos.' };
  let argument = action.argument ?? '';
  if (action.kind === 'add-tag' || action.kind === 'remove-tag') {
    const tag = parseOneTag(one(form, 'tag') ?? '');
    if (!tag.ok) return tag;
    argument = tag.value;
  }
  const scope = one(form, 'scope') || 'selected';
  if (scope !== 'selected' && scope !== 'all') return { ok: false, message: 'Apply it to the selected videos or to all matching.' };
  const filter = parseStudioFilter(form);
  if (!filter.ok) return filter;
  const raw = form.ids === undefined ? [] : Array.isArray(form.ids) ? form.ids : [form.ids];
  if (raw.length > SELECTED_MAX) return { ok: false, message: `Select at most ${SELECTED_MAX} videos, or apply it to all matching.` };
  if (raw.some((id) => typeof id !== 'string' || !PUBLIC_ID_PATTERN.test(id))) return { ok: false, message: 'One of the selected videos is not a video id.' };
  const ids = [...new Set(raw as string[])];
  if (scope === 'selected' && ids.length === 0) return { ok: false, message: 'Select at least one video.' };
  return { ok: true, value: { kind: action.kind, argument, scope, ids, filter: filter.value } };
}
