import fs from 'node:fs';
import type { Request, Response } from 'express';
import { findThumbnailFrameSeconds } from '../db/thumbnails.js';
import { formatDuration } from '../format.js';
import { field } from '../forms/fields.js';
import { parseCandidateChoice, parseFrameTime } from '../forms/thumbnail.js';
import { loadedVideo } from '../http/guards.js';
import { probeGate } from '../http/probe-gate.js';
import { flash } from '../http/session.js';
import { receiveOneFile } from '../http/uploads.js';
import { ImageRejected, MediaRejected, videoFileUrl } from '../media/index.js';
import { candidatesOf, chooseCandidate, chooseFrameAt, ThumbnailNotChanged, useUploadedPicture } from '../media/thumbnail-choice.js';
import { cropUploadedPicture, MIN_UPLOAD_SIDE } from '../media/thumbnail-sets.js';
import type { RouteDeps } from './deps.js';
import { thumbnailsOf } from './video-view.js';

/** Larger than any photo a camera or phone makes; multer stops reading past it. */
export const MAX_THUMBNAIL_UPLOAD_BYTES = 10 * 1024 * 1024;

const NOT_READY = 'The thumbnail can be changed once the video has been processed.';
const CHANGED_MEANWHILE = 'This video changed while the thumbnail was being made (it was deleted, or is being processed again). Nothing was changed.';

/** Studio: a video's thumbnail, chosen from three frames, a time, or a picture. */
export function studioThumbRoutes(deps: RouteDeps) {
  const { pool, storage, config } = deps;
  const media = { pool, storage, binaries: deps.binaries, dataDir: config.dataDir };
  const page = (publicId: string) => `/studio/videos/${publicId}/thumbnail`;

  async function render(req: Request, res: Response, status: number, errors: Record<string, string> = {}, values: Record<string, string> = {}): Promise<void> {
    const video = loadedVideo(req);
    let candidates: { url: string; name: string; label: string }[] = [];
    let candidatesFailed = false;
    try {
      candidates = (await candidatesOf(media, video)).map((c, i) => ({
        url: videoFileUrl(storage, video.publicId, c.name),
        name: c.name,
        label: `Frame ${i + 1}, at ${formatDuration(c.frameSeconds)}`,
      }));
    } catch (err) {
      // The other two ways still work; the page says the frames could not be made.
      req.log.warn({ err, videoId: video.id }, 'thumbnail candidates not made');
      candidatesFailed = true;
    }
    const frameSeconds = video.thumbnailStem ? await findThumbnailFrameSeconds(pool, video.id, video.thumbnailStem) : null;
    res.status(status).render('studio/thumbnail', {
      title: `Thumbnail: ${video.title}`,
      video,
      thumbnails: thumbnailsOf(storage, video),
      currentFrom: frameSeconds === null ? null : formatDuration(frameSeconds),
      candidates,
      candidatesFailed,
      duration: formatDuration(video.durationSeconds),
      maxUploadMegabytes: MAX_THUMBNAIL_UPLOAD_BYTES / (1024 * 1024),
      minUpload: MIN_UPLOAD_SIDE,
      errors,
      values,
    });
  }

  /** Runs a change; the page again with 409 when the video is not (or no longer) ready. */
  async function change(req: Request, res: Response, field: string, act: () => Promise<boolean>, refusal: string): Promise<void> {
    const video = loadedVideo(req);
    if (video.status !== 'ready') return render(req, res, 409, { [field]: NOT_READY });
    let done: boolean;
    try {
      done = await act();
    } catch (err) {
      if (err instanceof ThumbnailNotChanged) return render(req, res, 409, { [field]: CHANGED_MEANWHILE });
      throw err;
    }
    if (!done) return render(req, res, 422, { [field]: refusal });
    flash(req, 'success', 'The new thumbnail is in place. Pages show it from now on.');
    res.redirect(303, page(video.publicId));
  }

  return {
    /** ffmpeg runs for frames: a few at a time per process, the rest wait briefly or get 503. */
    frameSlot: probeGate({
      maxConcurrent: config.probesMaxConcurrent,
      waitSeconds: config.probeWaitSeconds,
      busyMessage: 'The server is busy making pictures from other videos. Please try again in a minute.',
    }),

    show: (req: Request, res: Response) => render(req, res, 200),

    async chooseCandidate(req: Request, res: Response): Promise<void> {
      const form = parseCandidateChoice(req.body);
      if (!form.ok) return render(req, res, 422, form.errors);
      await change(req, res, 'candidate', () => chooseCandidate(media, loadedVideo(req), form.value.name), 'That frame is no longer offered: choose one of the three shown.');
    },

    async chooseFrame(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const form = parseFrameTime(req.body, video.durationSeconds);
      if (!form.ok) return render(req, res, 422, form.errors, form.values);
      try {
        await change(req, res, 'time', () => chooseFrameAt(media, video, form.value.seconds), 'There is no picture at that time: try a slightly earlier one.');
      } catch (err) {
        if (!(err instanceof MediaRejected)) throw err;
        return render(req, res, 422, { time: err.message }, { time: field(req.body, 'time').trim() });
      }
    },

    receivePicture: receiveOneFile({ dataDir: config.dataDir, fieldName: 'picture', maxBytes: MAX_THUMBNAIL_UPLOAD_BYTES }),

    async savePicture(req: Request, res: Response): Promise<void> {
      const file = req.file;
      if (!file) return render(req, res, 422, { picture: 'Choose a picture to upload.' });
      let picture: Buffer | null = null;
      let rejected = '';
      try {
        picture = await cropUploadedPicture(file.path);
      } catch (err) {
        if (!(err instanceof ImageRejected)) throw err;
        rejected = err.message;
      } finally {
        // Gone before the answer goes out, refused or not.
        await fs.promises.rm(file.path, { force: true });
      }
      if (!picture) return render(req, res, 422, { picture: rejected });
      await change(req, res, 'picture', async () => {
        await useUploadedPicture(media, loadedVideo(req), picture!);
        return true;
      }, '');
    },
  };
}
