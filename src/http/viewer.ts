import type { NextFunction, Request, Response } from 'express';
import type { Viewer } from '../auth/permissions.js';
import type { Pool } from '../db/pool.js';
import { findViewerById, type ViewerRow } from '../db/roles.js';

/**
 * Loads the signed-in user on every request. An account deleted or banned since it signed in
 * is signed out here, so the change takes effect on its next request.
 */
export function loadViewer(pool: Pool, takeViewer: (sid: string) => ViewerRow | null | undefined) {
  return async function viewer(req: Request, _res: Response, next: NextFunction): Promise<void> {
    req.viewer = null;
    // Usually read with the session in the same query (session.ts); asked for when it was not.
    const taken = req.session ? takeViewer(req.sessionID) : undefined;
    const userId = req.session?.userId;
    if (!userId) return next();
    const row = taken === null || taken?.id === userId ? taken : await findViewerById(pool, userId);
    if (!row || row.bannedAt) {
      delete req.session.userId;
      delete req.session.signedInAt;
      if (row?.bannedAt) (req.session.flash ??= []).push({ kind: 'error', text: 'Your account has been suspended.' });
      return next();
    }
    const viewer: Viewer = {
      id: row.id,
      handle: row.handle,
      displayName: row.displayName,
      avatarKey: row.avatarKey,
      permissions: new Set(row.permissions),
      banned: false,
    };
    req.viewer = viewer;
    next();
  };
}
