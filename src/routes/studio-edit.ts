import type { Request, Response } from 'express';
import type { VideoWithOwner } from '../db/videos.js';
import { formatBytes } from '../format.js';
import { DESCRIPTION_MAX, TAGS_MAX, TAG_MAX_CHARS, TITLE_MAX } from '../forms/upload.js';
import { VIDEO_CATEGORIES, VIDEO_LANGUAGES } from '../forms/video-choices.js';
import { withoutForbiddenCharacters } from '../forms/fields.js';
import { notFound } from '../http/errors.js';
import { loadedVideo } from '../http/guards.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { editValuesOf, editVideoDetails } from './video-changes.js';

const ORIGINAL_NAME_MAX = 150;

/**
 * The original's name as a download may carry it: no path, no control or invisible characters,
 * no quotes or characters file systems refuse; "video" when nothing is left. Content-Disposition
 * encodes what remains (RFC 6266, with an ASCII fallback), so no header can be injected.
 */
export function downloadName(originalName: string): string {
  const base = withoutForbiddenCharacters(originalName.split(/[\\/]/).pop() ?? '')
    .replace(/[\u0000-\u001f\u007f"<>:|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  return [...base].slice(-ORIGINAL_NAME_MAX).join('') || 'video';
}

export function studioEditRoutes({ pool, storage, queue }: RouteDeps) {
  function render(res: Response, status: number, video: VideoWithOwner, values: Record<string, string>, errors: Record<string, string> = {}) {
    res.status(status).render('studio/edit', {
      title: `Edit “${video.title}”`,
      video,
      values,
      errors,
      // Set only when the form shows the stored time, which the script may move to the browser's zone.
      storedPublishAt: status === 200 && video.publishAt ? video.publishAt.toISOString() : null,
      categories: [...VIDEO_CATEGORIES],
      languages: [...VIDEO_LANGUAGES],
      limits: { titleMax: TITLE_MAX, descriptionMax: DESCRIPTION_MAX, tagsMax: TAGS_MAX, tagMaxChars: TAG_MAX_CHARS },
      original: video.originalKey ? { name: downloadName(video.originalName), size: formatBytes(video.originalBytes) } : null,
    });
  }

  return {
    show(req: Request, res: Response): void {
      const video = loadedVideo(req);
      render(res, 200, video, editValuesOf(video));
    },

    async save(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const outcome = await editVideoDetails({ pool, queue }, video, req.viewer!.id, req.body);
      if (!outcome.saved) return render(res, 422, video, outcome.values, outcome.errors);
      // Kept pages go with this POST (no keepsPages in the route table), here and in every web process.
      flash(req, 'success', Object.keys(outcome.changes).length > 0 ? 'Your changes are saved.' : 'Nothing had changed.');
      res.redirect(303, `/studio/videos/${video.publicId}`);
    },

    /** The uploaded file as it came, to its owner only; 404 when originals are not kept (KEEP_ORIGINALS=off) or it is gone. */
    async downloadOriginal(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const location = video.originalKey ? storage.localPath(video.originalKey) : null;
      if (!location) throw notFound('The original file of this video is not kept.');
      res.attachment(downloadName(video.originalName));
      await new Promise<void>((resolve, reject) => {
        // Never sniffed or shown inline: whatever the file claims to be, it is a download.
        const headers = { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' };
        res.sendFile(location, { headers, cacheControl: false, lastModified: false, dotfiles: 'allow' }, (err) => {
          if (!err) return resolve();
          if ((err as NodeJS.ErrnoException).code === 'ECONNABORTED' || res.headersSent) return resolve();
          reject((err as { status?: number }).status === 404 ? notFound('The original file of this video is not kept.') : err);
        });
      });
    },
  };
}
