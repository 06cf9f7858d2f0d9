import type { DurationFilter, SearchSort, UploadedFilter } from '../db/search.js';

// The site's video search as its page (/search) and the API (GET /api/v1/videos/search) read it:
// the same words, orders and filters, so that both find the same videos.

/** Longer queries are cut by the page (someone pasted a paragraph) and refused by the API. */
export const SEARCH_QUERY_MAX_CHARS = 200;
/** How deep a search goes: the page's 50 pages of 20 results; deeper pages rank noise. */
export const SEARCH_RESULTS_MAX = 1000;

export const SEARCH_SORTS: readonly SearchSort[] = ['relevance', 'date', 'views'];
export const SEARCH_DURATIONS: readonly DurationFilter[] = ['short', 'medium', 'long'];
export const SEARCH_UPLOADED: readonly UploadedFilter[] = ['day', 'week', 'month', 'year'];

/** The query as searched: control characters as spaces, trimmed; its length is the caller's rule. */
export function searchWords(raw: string): string {
  return raw.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
}

/** `value` if it is one of `allowed`, else null. */
export const pick = <T extends string>(value: unknown, allowed: readonly T[]): T | null => (allowed.includes(value as T) ? (value as T) : null);
