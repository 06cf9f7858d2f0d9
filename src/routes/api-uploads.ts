import fs from 'node:fs';
import type { Request, Response } from 'express';
import type { Video } from '../db/videos.js';
import { insertDeletionKey } from '../db/video-deletion-keys.js';
import { field } from '../forms/fields.js';
import { parseVideoDetails } from '../forms/upload.js';
import { unprocessable } from '../http/errors.js';
import { loadedVideo } from '../http/guards.js';
import { MediaRejected } from '../media/index.js';
import { acceptVideoFile } from '../uploads/intake.js';
import { deletionUrl, newDeletionKey } from '../uploads/deletion-keys.js';
import type { RouteDeps } from './deps.js';
import { thumbnailsOf } from './video-view.js';

/**
 * What an upload through the API is when the request does not say: unlisted. ShareX and scripts
 * like it share a clip by its link; public would also put every screen recording on the home
 * page, in search, in the feeds and in the subscribers' notifications.
 */
export const API_UPLOAD_VISIBILITY = 'unlisted';

/** The answer to an upload (the `Upload` schema, src/api/openapi/uploads.ts): what ShareX reads. */
export function uploadJson(publicUrl: URL, video: Pick<Video, 'publicId'>, deletionKey: string) {
  const absolute = (path: string) => new URL(path, publicUrl).href;
  return {
    id: video.publicId,
    url: absolute(`/watch/${video.publicId}`),
    // Stable from the start: the thumbnail's own file is named only once processing has made it.
    thumbnail_url: absolute(`/watch/${video.publicId}/thumbnail`),
    deletion_url: deletionUrl(publicUrl, video.publicId, deletionKey),
  };
}

/**
 * POST /api/v1/uploads (issue 15): one video as multipart form data (the file in `file`; title,
 * description, tags and visibility optional), as the upload form takes it: the same limits before
 * and after the bytes (uploadGuards in the route table), the same form parser and the same intake.
 * The answer carries a deletion address with a key of its own, for ShareX's "Delete" action.
 */
export function apiUploadRoutes(deps: RouteDeps) {
  const { storage, config } = deps;

  async function accept(req: Request, file: Express.Multer.File | undefined): Promise<ReturnType<typeof uploadJson>> {
    const body = { ...(req.body as Record<string, unknown> | undefined) };
    if (!field(body, 'visibility')) body.visibility = API_UPLOAD_VISIBILITY;
    const form = parseVideoDetails(body, file?.originalname);
    if (!file) throw unprocessable({ file: 'Send the video file as the multipart form field "file".', ...(form.ok ? {} : form.errors) });
    if (!form.ok) throw unprocessable(form.errors);
    // The key is stored with the video, in its transaction: an upload is never kept without a
    // way for the client to delete it.
    const { key, hash } = newDeletionKey();
    let video: Video;
    try {
      video = await acceptVideoFile(deps, req.viewer!.id, { path: file.path, originalName: file.originalname, size: file.size }, form.value, (client, made) => insertDeletionKey(client, made.id, hash));
    } catch (err) {
      if (err instanceof MediaRejected) throw unprocessable({ file: err.message });
      throw err;
    }
    return uploadJson(config.publicUrl, video, key);
  }

  return {
    async upload(req: Request, res: Response): Promise<void> {
      const file = req.file;
      let answer: ReturnType<typeof uploadJson>;
      try {
        answer = await accept(req, file);
      } finally {
        // Copied into storage when accepted; otherwise nothing of it is kept. Gone before the answer.
        if (file) await fs.promises.rm(file.path, { force: true });
      }
      res.status(201).location(answer.url).set('Cache-Control', 'no-store').json(answer);
    },

    /**
     * GET /watch/:id/thumbnail: the upload answer's `thumbnail_url`. The thumbnail's file is named
     * when processing makes it (and renamed when its owner picks another), so this address stays
     * and redirects: to the largest JPEG once there is one, to the site's video picture until then.
     * Never kept by a cache, so that it moves on once the video is ready.
     */
    showThumbnail(req: Request, res: Response): void {
      const thumbnails = thumbnailsOf(storage, loadedVideo(req));
      res.set('Cache-Control', 'no-cache').redirect(302, thumbnails ? thumbnails.poster : String((res.locals.asset as (path: string) => string)('icons/video.svg')));
    },
  };
}
