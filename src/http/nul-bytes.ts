import type { NextFunction, Request, Response } from 'express';
import { badRequest } from './errors.js';

/** Whether a parsed body or query holds a NUL anywhere in its strings (keys included). */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, inner]) => key.includes('\u0000') || holdsNul(inner, depth + 1));
}

/**
 * Postgres text cannot hold U+0000, so a NUL in a form that reached any query would fail it
 * with a server error (a rate limiter's key, a sign-in name). No browser form sends one: the
 * request is malformed, and refused here once, with a 400, before any route can pass it on.
 * Query strings are each route's to read (search drops control characters, ids and handles
 * are matched against their patterns).
 */
export function refuseNulBytes(req: Request, _res: Response, next: NextFunction): void {
  if (holdsNul(req.body)) throw badRequest('This form holds a NUL character, which no field accepts. Remove it and try again.');
  next();
}
