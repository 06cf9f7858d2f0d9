import type { Request, Response } from 'express';
import { listVideoFiles } from '../db/video-files.js';
import { notFound, unauthorized } from '../http/errors.js';
import { loadedVideo } from '../http/guards.js';
import type { RouteDeps } from './deps.js';
import { describeVideo } from './video-view.js';

/** Handlers of the JSON API (`/api/v1`, its own router in index.ts): JSON in, JSON or problem details out. */
export function apiRoutes({ pool, storage, config }: RouteDeps) {
  const absolute = (path: string) => new URL(path, config.publicUrl).href;
  return {
    /** GET /api/v1/videos/:id: a video's state, for whoever may see it (the upload page polls it). */
    async showVideo(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const view = describeVideo(video, await listVideoFiles(pool, video.id), storage);
      res.set('Cache-Control', 'no-store').json({
        id: video.publicId,
        title: video.title,
        status: video.status,
        progress: video.progress,
        failureReason: video.status === 'failed' ? video.failureReason : null,
        durationSeconds: video.durationSeconds,
        visibility: video.visibility,
        watchUrl: absolute(`/watch/${video.publicId}`),
        thumbnailUrl: view.thumbnails ? absolute(view.thumbnails.poster) : null,
        renditions: view.renditions.map((r) => ({ label: r.label, width: r.width, height: r.height, bytes: r.bytes, url: absolute(r.url) })),
      });
    },

    /**
     * The session cookie is read without any CSRF check here, which is safe only for reading:
     * another site can make a browser send the cookie with a POST. Changes must come with an
     * access token, never the cookie alone.
     */
    readOnlyWithCookie(req: Request, _res: Response, next: () => void): void {
      if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) throw unauthorized('Changes through the API need an access token (Authorization: Bearer); a session cookie is accepted for reading only.');
      next();
    },

    /** Any other address under /api/v1. */
    noSuchEndpoint(req: Request): never {
      throw notFound(`There is no ${req.method} ${req.baseUrl}${req.path} in this API.`);
    },
  };
}
