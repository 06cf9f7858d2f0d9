import type { Request } from 'express';

/** The client asked for JSON rather than a page (the upload and engagement scripts send Accept: application/json). */
export function prefersJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}
