import type { NextFunction, Request, Response } from 'express';
import type { Viewer } from '../auth/permissions.js';
import type { Pool } from '../db/pool.js';
import { findViewerById, type ViewerRow } from '../db/roles.js';

/**
 * Loads the signed-in user on every request. An account deleted or banned since it signed in
 * is signed out here, so the change takes effect on its next request (a ban also deletes the
 * account's sessions, src/db/bans.ts; this covers a ban written otherwise).
 *
 * An account that signed in while banned (the session's `bannedSignIn`) stays signed in, as a
 * viewer that is `banned` and may do nothing (permissions.ts `can`); every page then shows it
 * the ban notice (routes/bans.ts showBanToBanned). This costs the other requests nothing: the
 * viewer row already carried banned_at, and the ban's reason and end are read only for the
 * notice. Once the ban is lifted the same session is an ordinary one again.
 */
/**
 * The viewer of an account's row: a session's (above) or an access token's (src/api/authenticate.ts).
 * `limited`: signed in while banned, allowed nothing.
 */
export function viewerOf(row: ViewerRow, limited = false): Viewer {
  return {
    id: row.id,
    handle: row.handle,
    displayName: row.displayName,
    avatarKey: row.avatarKey,
    permissions: limited ? new Set() : new Set(row.permissions),
    banned: limited,
    warned: row.warned,
    unread: row.unread,
  };
}

export function loadViewer(pool: Pool, takeViewer: (sid: string) => ViewerRow | null | undefined) {
  return async function viewer(req: Request, _res: Response, next: NextFunction): Promise<void> {
    req.viewer = null;
    // Usually read with the session in the same query (session.ts); asked for when it was not.
    const taken = req.session ? takeViewer(req.sessionID) : undefined;
    const userId = req.session?.userId;
    if (!userId) return next();
    const row = taken === null || taken?.id === userId ? taken : await findViewerById(pool, userId);
    const limited = !!row?.bannedAt && req.session.bannedSignIn === true;
    if (!row || (row.bannedAt && !limited)) {
      delete req.session.userId;
      delete req.session.signedInAt;
      if (row?.bannedAt) (req.session.flash ??= []).push({ kind: 'error', text: 'Your account has been suspended. Sign in to see why and until when.' });
      return next();
    }
    if (!limited && req.session.bannedSignIn) delete req.session.bannedSignIn;
    req.viewer = viewerOf(row, limited);
    next();
  };
}
