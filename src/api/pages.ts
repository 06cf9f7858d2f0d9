import type { Request } from 'express';
import { unprocessable } from '../http/errors.js';

/** Items on one API page unless `limit` says otherwise, and the most `limit` may ask for. */
export const API_PAGE_DEFAULT = 20;
export const API_PAGE_MAX = 100;
/** A cursor is opaque to clients; ours are short ids or base64url keys, never longer than this. */
const CURSOR_MAX_CHARS = 200;
const CURSOR_PATTERN = /^[A-Za-z0-9_.:-]+$/;
const BAD_CURSOR = 'cursor must be the "next" cursor of a previous page, unchanged.';

export interface PageParams {
  limit: number;
  /** The previous page's `next` cursor; null for the first page. */
  cursor: string | null;
}

/**
 * `?limit=` (1–API_PAGE_MAX) and `?cursor=` of a listing. A bad one is refused with the field's
 * message (422), as a page's form would be, not quietly replaced by the default.
 */
export function parsePageParams(req: Request): PageParams {
  const { limit, cursor } = req.query;
  const errors: Record<string, string> = {};
  let pageSize = API_PAGE_DEFAULT;
  if (limit !== undefined) {
    pageSize = typeof limit === 'string' && /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(pageSize >= 1 && pageSize <= API_PAGE_MAX)) errors.limit = `limit must be a whole number from 1 to ${API_PAGE_MAX}.`;
  }
  if (cursor !== undefined && !(typeof cursor === 'string' && cursor.length <= CURSOR_MAX_CHARS && CURSOR_PATTERN.test(cursor))) {
    errors.cursor = BAD_CURSOR;
  }
  if (Object.keys(errors).length) throw unprocessable(errors);
  return { limit: pageSize, cursor: typeof cursor === 'string' ? cursor : null };
}

/**
 * A listing's own reading of its cursor (a public id, a position, a key of several parts): null
 * without one; `read` answers null for one it does not recognise, which is refused as
 * parsePageParams refuses a malformed one (422), never taken for the first page.
 */
export function readCursor<T>(cursor: string | null, read: (cursor: string) => T | null): T | null {
  if (cursor === null) return null;
  const value = read(cursor);
  if (value === null) throw unprocessable({ cursor: BAD_CURSOR });
  return value;
}

/** A cursor that is `pattern`, as it is. */
export const matching = (pattern: RegExp) => (cursor: string): string | null => (pattern.test(cursor) ? cursor : null);
/** A cursor that is a whole number under `pattern` (an id, a position, an offset). */
export const numbered = (pattern: RegExp) => (cursor: string): number | null => (pattern.test(cursor) ? Number(cursor) : null);

/**
 * One page of a listing whose query was asked for `limit + 1` rows: the extra row only says a
 * next page exists. `next` is the absolute address of that page: this request's address with
 * the last item's cursor, every other parameter kept.
 */
export function apiPage<T, J>(req: Request, publicUrl: URL | string, rows: T[], limit: number, cursorOf: (item: T) => string, toJson: (item: T) => J): { items: J[]; next: string | null } {
  const items = rows.slice(0, limit);
  let next: string | null = null;
  if (rows.length > limit) {
    const url = new URL(req.originalUrl, publicUrl);
    url.searchParams.set('cursor', cursorOf(items.at(-1)!));
    next = url.href;
  }
  return { items: items.map(toJson), next };
}
