import type { Request, Response } from 'express';
import { findVideoFile } from '../db/videos.js';
import { notFound } from '../http/errors.js';
import type { RouteDeps } from './deps.js';
import { loadVisibleVideo } from './load-video.js';

const FILE_NAME = /^[a-z0-9-]{1,64}\.(mp4|webp|jpg)$/;
const YEAR_SECONDS = 365 * 24 * 60 * 60;

export function mediaRoutes({ pool, storage }: RouteDeps) {
  return {
    /**
     * A video's rendition, thumbnail or storyboard, with Range, HEAD, ETag and Last-Modified
     * (Express's send). The name is looked up among the video's recorded files, so no path built
     * from the request reaches the file system; access follows the watch page's rules.
     */
    async videoFile(req: Request, res: Response): Promise<void> {
      const name = String(req.params.name ?? '');
      if (!FILE_NAME.test(name)) throw notFound('No such file.');
      const video = await loadVisibleVideo(pool, req);
      const file = await findVideoFile(pool, video.id, name);
      const location = file ? storage.localPath(file.storageKey) : null;
      if (!file || !location) throw notFound('No such file.');
      // File names change with every processing run, so a public file never changes in place.
      const cacheControl = video.visibility === 'public' && video.status === 'ready' ? `public, max-age=${YEAR_SECONDS}, immutable` : 'private, no-cache';
      await new Promise<void>((resolve, reject) => {
        res.sendFile(location, { headers: { 'Content-Type': file.mimeType, 'Cache-Control': cacheControl }, cacheControl: false, dotfiles: 'deny' }, (err) => {
          if (!err) return resolve();
          const status = (err as { status?: number }).status;
          // A client that stops reading (seeking away in a video) is normal, not a server error.
          if ((err as NodeJS.ErrnoException).code === 'ECONNABORTED' || res.headersSent) return resolve();
          reject(status === 404 ? notFound('No such file.') : err);
        });
      });
    },
  };
}
