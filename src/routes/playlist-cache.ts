import type { Request, Response } from 'express';
import type { PlaylistPrivacy } from '../db/playlists.js';
import type { PageCache } from '../http/page-cache.js';

/**
 * A private playlist's details, items and order are its owner's alone to see: a change to one
 * (Watch later above all: saving to it, reordering it) alters no page a signed-out visitor sees,
 * so the page cache keeps its pages, as for a like (keepsPages). A public or unlisted one's
 * change empties them (its page, the channel tab, search), as any other change by an account
 * does (src/http/page-cache.ts).
 */
export function keepPagesIfPrivate(pageCache: PageCache, req: Request, res: Response, privacy: PlaylistPrivacy): void {
  if (privacy === 'private') pageCache.keepsPages(req, res, () => {});
}
