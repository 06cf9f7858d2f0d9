import type { NextFunction, Request, Response } from 'express';
import type { Viewer } from '../auth/permissions.js';
import { findPersonByHandle, type Person } from '../db/people.js';
import type { Queryable } from '../db/pool.js';
import { findRole, type Role } from '../db/role-admin.js';
import { forbidden, notFound } from '../http/errors.js';
import { ROLE_NAME_PATTERN } from '../forms/role.js';

const HANDLE_IN_URL = /^[a-zA-Z0-9_.-]{1,30}$/;

/**
 * Loading and authorization steps of the people and roles pages (issue 13, item 5), in the route
 * table's style: `requirePermission('role.assign'), loadRole, allowRole(canGiveRole), save`.
 */
export function peopleLoaders(pool: Queryable) {
  return {
    /** `:name`'s role, or 404. */
    async loadRole(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const name = String(req.params.name ?? '');
      const role = ROLE_NAME_PATTERN.test(name) ? await findRole(pool, name) : null;
      if (!role) throw notFound('There is no role with this name.');
      req.adminRole = role;
      next();
    },

    /** `:handle`'s account, deleted ones included (their page says so), or 404. */
    async loadPerson(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const handle = String(req.params.handle ?? '');
      const person = HANDLE_IN_URL.test(handle) ? await findPersonByHandle(pool, handle) : null;
      if (!person) throw notFound('There is no account with this handle.');
      req.person = person;
      next();
    },
  };
}

export function loadedRole(req: Request): Role {
  if (!req.adminRole) throw new Error(`${req.method} ${req.route?.path}: no loadRole before this step`);
  return req.adminRole;
}

export function loadedPerson(req: Request): Person {
  if (!req.person) throw new Error(`${req.method} ${req.route?.path}: no loadPerson before this step`);
  return req.person;
}

/** 403 unless `rule(viewer, role's permissions)` holds for the loaded role. */
export function allowRole(rule: (viewer: Viewer | null, permissions: readonly string[]) => boolean, refusal: string) {
  return function allowedOnRole(req: Request, _res: Response, next: NextFunction): void {
    if (!rule(req.viewer, loadedRole(req).permissions)) throw forbidden(refusal);
    next();
  };
}

/** Signed out → the sign-in page (as requirePermission); signed in without `rule` → 403. */
export function requireViewer(rule: (viewer: Viewer | null) => boolean, refusal: string) {
  return function viewerAllowed(req: Request, res: Response, next: NextFunction): void {
    if (!req.viewer) return void res.redirect(303, `/login?next=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/')}`);
    if (!rule(req.viewer)) throw forbidden(refusal);
    next();
  };
}
