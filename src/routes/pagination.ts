import type { Request } from 'express';
import { PUBLIC_ID_PATTERN } from './public-id.js';

/** `?after=<public id>`: keyset pagination from the last video of the previous page (no OFFSET scans). */
export function afterParam(req: Request): string | null {
  const after = req.query.after;
  return typeof after === 'string' && PUBLIC_ID_PATTERN.test(after) ? after : null;
}

/**
 * A keyset page from a query asked for one more row than `perPage`: that extra row only tells
 * whether a next page exists, and the page's last item is the next page's cursor.
 */
export function keysetPage<T>(rows: T[], perPage: number, cursorOf: (item: T) => string): { items: T[]; nextAfter: string | null } {
  const items = rows.slice(0, perPage);
  return { items, nextAfter: rows.length > perPage ? cursorOf(items.at(-1)!) : null };
}
