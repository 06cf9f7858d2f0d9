import type { Request, Response } from 'express';
import { listVideoFiles } from '../db/videos.js';
import type { RouteDeps } from './deps.js';
import { loadVisibleVideo } from './load-video.js';
import { describeVideo } from './video-view.js';

export function apiRoutes({ pool, storage, config }: RouteDeps) {
  return {
    /** GET /api/v1/videos/:id: a video's state, for whoever may see it (the upload page polls it). */
    async showVideo(req: Request, res: Response): Promise<void> {
      const video = await loadVisibleVideo(pool, req);
      const view = describeVideo(video, await listVideoFiles(pool, video.id), storage);
      const absolute = (path: string) => new URL(path, config.publicUrl).href;
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
  };
}
