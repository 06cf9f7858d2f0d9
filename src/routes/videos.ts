import fs from 'node:fs';
import type { Request, Response } from 'express';
import { findRating } from '../db/ratings.js';
import { isSubscribed } from '../db/subscriptions.js';
import { linkifyDescription, parseStartTime } from '../http/html.js';
import { viewToken } from '../http/viewer-key.js';
import { cardsOf } from './video-cards.js';
import { chapterLinks, chaptersOfVideo } from './chapters.js';
import { watchMetadata } from './watch-meta.js';
import { withTransaction } from '../db/pool.js';
import { listVideoFiles } from '../db/video-files.js';
import { resetFailedVideo } from '../db/video-processing.js';
import { DESCRIPTION_MAX, TAGS_MAX, TITLE_MAX, parseVideoDetails } from '../forms/upload.js';
import { categoryLabel, languageLabel } from '../forms/video-choices.js';
import { loadedVideo } from '../http/guards.js';
import { flash } from '../http/session.js';
import { receiveOneFile } from '../http/uploads.js';
import { formatDuration } from '../format.js';
import { tooLargeMessage, uploadLimitsOf } from '../http/upload-limits.js';
import { findUploadAllowance } from './upload-allowance.js';
import { MediaRejected, describePixelLimit } from '../media/index.js';
import { acceptVideoFile } from '../uploads/intake.js';
import { prefersJson } from '../http/negotiation.js';
import type { RouteDeps } from './deps.js';
import { relatedVideos } from './related.js';
import { describeVideo } from './video-view.js';
import { removeVideo } from './video-changes.js';
import { captionTracksOf } from './studio-captions.js';
import { commentsSection } from './comments.js';
import { playlistPanel } from './playlist-playback.js';
import { parsePlaybackParams } from '../forms/playlist-playback.js';

const RELATED_LIMIT = 12;
/**
 * With a playlist playing (?list=…), its panel is what comes next and takes the side column;
 * the related videos go below it, half as many. Each card is a good part of the page's render
 * (measured: twelve cards cost about what the panel's items and its query do together).
 */
const RELATED_BESIDE_PLAYLIST = 6;

export function videoRoutes(deps: RouteDeps) {
  const { config, pool, storage, queue, binaries, secret, settings } = deps;
  /** The form, with this account's limits (the site's or its own) and what it has used of them. */
  async function renderUpload(req: Request, res: Response, status: number, values: Record<string, string> = {}, errors: Record<string, string> = {}) {
    const allowance = await findUploadAllowance(pool, settings, req.viewer!.id);
    res.status(status).render('videos/upload', {
      title: 'Upload a video',
      values: { visibility: 'public', ...values },
      errors,
      limits: { titleMax: TITLE_MAX, descriptionMax: DESCRIPTION_MAX, tagsMax: TAGS_MAX, maxUpload: allowance.maxUpload, maxUploadBytes: allowance.maxUploadBytes, maxDuration: formatDuration(config.maxVideoSeconds), maxPicture: describePixelLimit(config.maxVideoPixels) },
      allowance,
      bundledFfmpeg: binaries.bundled,
    });
  }

  /** A refused upload: 422 with the reason, as the form again or as JSON for the upload script. */
  async function refuse(req: Request, res: Response, values: Record<string, string>, errors: Record<string, string>) {
    if (prefersJson(req)) return void res.status(422).json({ error: { status: 422, message: Object.values(errors)[0], fields: errors } });
    await renderUpload(req, res, 422, values, errors);
  }

  /** Checks and stores an upload; returns how to answer, once its temporary file is removed. */
  async function acceptUpload(req: Request, res: Response, file: Express.Multer.File | undefined): Promise<() => void | Promise<void>> {
    const form = parseVideoDetails(req.body, file?.originalname);
    if (!file) return () => refuse(req, res, form.ok ? {} : form.values, { file: 'Choose a video file to upload.', ...(form.ok ? {} : form.errors) });
    if (!form.ok) return () => refuse(req, res, form.values, form.errors);

    let video;
    try {
      video = await acceptVideoFile(deps, req.viewer!.id, { path: file.path, originalName: file.originalname, size: file.size }, form.value);
    } catch (err) {
      if (err instanceof MediaRejected) return () => refuse(req, res, { ...form.value, tags: form.value.tags.join(', ') }, { file: err.message });
      throw err;
    }
    const watchUrl = `/watch/${video.publicId}`;
    if (prefersJson(req)) return () => void res.status(201).location(watchUrl).json({ id: video.publicId, watchUrl });
    return () => res.redirect(303, watchUrl);
  }

  return {
    showUpload: (req: Request, res: Response) => renderUpload(req, res, 200),

    // The account's largest upload, found by uploadGuards.beforeFile for this request.
    receiveVideo: receiveOneFile({ dataDir: config.dataDir, fieldName: 'file', maxBytes: (req) => uploadLimitsOf(req).maxUploadBytes, tooLarge: (max) => tooLargeMessage(max) }),

    async upload(req: Request, res: Response): Promise<void> {
      const file = req.file;
      let answer: () => void | Promise<void>;
      try {
        answer = await acceptUpload(req, res, file);
      } finally {
        // Moved into storage when accepted; otherwise nothing of it is kept, and it is gone
        // before the answer goes out (a client may look at once).
        if (file) await fs.promises.rm(file.path, { force: true });
      }
      await answer();
    },

    async watch(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const viewer = req.viewer;
      const playback = parsePlaybackParams(req.query);
      const [files, related, rating, subscribed, captions, chapters, comments, playlist] = await Promise.all([
        listVideoFiles(pool, video.id),
        relatedVideos(pool, video.id, playback ? RELATED_BESIDE_PLAYLIST : RELATED_LIMIT),
        viewer ? findRating(pool, viewer.id, video.id) : Promise.resolve(null),
        viewer ? isSubscribed(pool, viewer.id, video.ownerId) : Promise.resolve(false),
        captionTracksOf(pool, video),
        chaptersOfVideo(pool, video),
        commentsSection(pool, req, video),
        // ?list=…: the playlist panel (issue 12, item 4); null without one, or one this viewer may not see.
        playlistPanel(pool, storage, playback, video.publicId, viewer ?? null, 'watch'),
      ]);
      const view = describeVideo(video, files, storage);
      const requested = Number(req.query.quality);
      const selected = view.renditions.find((r) => r.rung === requested) ?? view.defaultRendition;
      const startTime = Math.min(parseStartTime(req.query.t) ?? 0, Math.floor(video.durationSeconds));
      res.render('videos/watch', {
        title: video.title,
        video,
        view,
        selected,
        startTime,
        rating,
        subscribed,
        related: cardsOf(related, storage),
        descriptionHtml: linkifyDescription(video.description, `/watch/${video.publicId}`, video.durationSeconds),
        meta: watchMetadata(video, view, config.publicUrl, String(res.locals.siteName), chapters),
        chapters: chapterLinks(video.publicId, chapters),
        details: { category: categoryLabel(video.category), language: languageLabel(video.language) },
        viewToken: viewToken(secret, video.publicId),
        captions,
        comments,
        playlist,
      });
    },

    async retry(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      await withTransaction(pool, async (client) => {
        if (await resetFailedVideo(client, video.id)) await queue.enqueueVideo(video.id, video.durationSeconds, client);
      });
      flash(req, 'info', 'Processing will start again in a moment.');
      res.redirect(303, `/watch/${video.publicId}`);
    },

    async remove(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      await removeVideo({ pool, storage }, video);
      flash(req, 'success', `“${video.title}” has been deleted.`);
      res.redirect(303, req.viewer!.id === video.ownerId ? '/studio' : `/@${video.owner.handle}`);
    },
  };
}
