import type { NextFunction, Request, Response } from 'express';
import { findVideoByPublicId } from '../db/videos.js';
import { isDeletionKeyOf } from '../db/video-deletion-keys.js';
import { notFound } from '../http/errors.js';
import { loadedVideo } from '../http/guards.js';
import { removeVideo } from './video-changes.js';
import { DELETION_KEY_PATTERN, hashDeletionKey } from '../uploads/deletion-keys.js';
import type { RouteDeps } from './deps.js';
import { PUBLIC_ID_PATTERN } from './public-id.js';

const NO_LINK = 'This deletion link does not work: the video has been deleted already, or the link was cut short.';

/**
 * The deletion address of an API upload (/delete/:id/:key, issue 15): the key is the authority,
 * as the owner's, so no sign-in is asked. GET asks, the button (POST, with the page's CSRF token)
 * deletes: link checkers and chat previews open links. A wrong key, and a video whose owner is
 * suspended or deleted, is a 404: the link acts for its owner and no longer than the owner may.
 * The route table marks these pages as a secret link's (no Referer, no cache, no key in logs).
 */
export function deletionLinkRoutes({ pool, storage }: RouteDeps) {
  return {
    async loadByKey(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const publicId = String(req.params.id ?? '');
      const key = String(req.params.key ?? '');
      const video = PUBLIC_ID_PATTERN.test(publicId) && DELETION_KEY_PATTERN.test(key) ? await findVideoByPublicId(pool, publicId) : null;
      if (!video || !video.ownerLive || !(await isDeletionKeyOf(pool, video.id, hashDeletionKey(key)))) throw notFound(NO_LINK);
      req.video = video;
      next();
    },

    show(req: Request, res: Response): void {
      const video = loadedVideo(req);
      res.render('videos/delete-link', { title: `Delete “${video.title}”?`, video, action: `/delete/${video.publicId}/${String(req.params.key)}` });
    },

    /** The site's own deletion (the studio's): the row, then its files. */
    async remove(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      await removeVideo({ pool, storage }, video);
      res.render('videos/deleted-by-link', { title: 'Video deleted', videoTitle: video.title });
    },
  };
}
