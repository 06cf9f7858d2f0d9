import type { NextFunction, Request, Response } from 'express';
import { canSeeVideo } from '../auth/permissions.js';
import { findServableFile, type ServableFile } from '../db/video-files.js';
import { isListed } from '../db/visibility.js';
import { notFound } from '../http/errors.js';
import type { RouteDeps } from './deps.js';
import { PUBLIC_ID_PATTERN } from './public-id.js';

const FILE_NAME = /^[a-z0-9-]{1,64}\.(mp4|webp|jpg)$/;
const YEAR_SECONDS = 365 * 24 * 60 * 60;
/** Read size for media files: larger than Node's 64 KiB default, so fewer reads and writes per range. */
export const MEDIA_READ_CHUNK_BYTES = 256 * 1024;

export function mediaRoutes({ pool, storage }: RouteDeps) {
  async function load(req: Request): Promise<ServableFile | null> {
    const publicId = String(req.params.id ?? '');
    const name = String(req.params.name ?? '');
    if (!PUBLIC_ID_PATTERN.test(publicId) || !FILE_NAME.test(name)) return null;
    return findServableFile(pool, publicId, name);
  }

  /**
   * Sends a recorded file with Range, HEAD, ETag and Last-Modified (Express's send). The name is
   * looked up among the video's recorded files, so no path built from the request reaches the
   * file system.
   */
  async function send(res: Response, file: ServableFile): Promise<void> {
    const location = storage.localPath(file.storageKey);
    if (!location) throw notFound('No such file.');
    // File names change with every processing run, so a listed video's file never changes in place.
    const cacheControl = isListed(file.video) ? `public, max-age=${YEAR_SECONDS}, immutable` : 'private, no-cache';
    await new Promise<void>((resolve, reject) => {
      // send passes unknown options on to fs.createReadStream, highWaterMark among them.
      // Feed readers and oEmbed consumers show thumbnails from other origins; video bytes stay same-origin.
      const crossOrigin = file.mimeType.startsWith('image/') && canSeeVideo(null, file.video) ? { 'Cross-Origin-Resource-Policy': 'cross-origin' } : {};
      const options = { headers: { 'Content-Type': file.mimeType, 'Cache-Control': cacheControl, ...crossOrigin }, cacheControl: false, dotfiles: 'deny' as const, highWaterMark: MEDIA_READ_CHUNK_BYTES };
      res.sendFile(location, options, (err) => {
        if (!err) return resolve();
        // A client that stops reading (a player seeking elsewhere) is normal, not a server error.
        if ((err as NodeJS.ErrnoException).code === 'ECONNABORTED' || res.headersSent) return resolve();
        reject((err as { status?: number }).status === 404 ? notFound('No such file.') : err);
      });
    });
  }

  return {
    /**
     * Before sessions are loaded: a file anyone may see (a ready public or unlisted video) is
     * sent straight away; players fetch many ranges, and this spares each a session lookup.
     * Anything else goes on to `videoFile`, which knows the viewer.
     */
    async openVideoFile(req: Request, res: Response, next: NextFunction): Promise<void> {
      const file = await load(req);
      if (!file || !canSeeVideo(null, file.video)) return next();
      await send(res, file);
    },

    /** With the viewer: private and unfinished videos' files, for their owner and moderators. */
    async videoFile(req: Request, res: Response): Promise<void> {
      const file = await load(req);
      if (!file || !canSeeVideo(req.viewer, file.video)) throw notFound('No such file.');
      await send(res, file);
    },
  };
}
