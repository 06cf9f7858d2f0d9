import type { Request } from 'express';

const PUBLIC_ID = /^[A-Za-z0-9_-]{11}$/;

/** `?after=<public id>`: keyset pagination from the last video of the previous page (no OFFSET scans). */
export function afterParam(req: Request): string | null {
  const after = req.query.after;
  return typeof after === 'string' && PUBLIC_ID.test(after) ? after : null;
}
