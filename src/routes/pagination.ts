import type { Request } from 'express';
import { PUBLIC_ID_PATTERN } from './public-id.js';

/** `?after=<public id>`: keyset pagination from the last video of the previous page (no OFFSET scans). */
export function afterParam(req: Request): string | null {
  const after = req.query.after;
  return typeof after === 'string' && PUBLIC_ID_PATTERN.test(after) ? after : null;
}
