import fs from 'node:fs';
import type { Request, Response } from 'express';
import { CaptionRejected, parseCaptions } from '../captions/parse.js';
import { toWebVtt } from '../captions/webvtt.js';
import { MAX_CAPTION_TRACKS, deleteCaptionTrack, findCaptionFile, listCaptionTracks, saveCaptionTrack } from '../db/captions.js';
import type { Queryable } from '../db/pool.js';
import { isListed } from '../db/visibility.js';
import { formatBytes } from '../format.js';
import { CAPTION_LABEL_MAX, canonicalLanguage, languageName, parseCaptionDetails } from '../forms/captions.js';
import { notFound } from '../http/errors.js';
import { loadedVideo } from '../http/guards.js';
import { flash } from '../http/session.js';
import { receiveOneFile } from '../http/uploads.js';
import type { RouteDeps } from './deps.js';

/** A caption file's largest size: an hour of dense speech in SRT is about 100 kB, so this is twenty hours of it. */
export const MAX_CAPTION_BYTES = 2 * 1024 * 1024;

/** The URL of a track's WebVTT file, under the video's media. */
export const captionFileUrl = (publicId: string, language: string) => `/media/videos/${publicId}/captions/${language}.vtt`;

/**
 * The <track> elements of a video's player (watch and embed pages): none until it is ready, as
 * there is no player before.
 */
export async function captionTracksOf(pool: Queryable, video: { id: number; publicId: string; status: string }): Promise<{ language: string; label: string; url: string }[]> {
  if (video.status !== 'ready') return [];
  const tracks = await listCaptionTracks(pool, video.id);
  return tracks.map((t) => ({ language: t.language, label: t.label, url: captionFileUrl(video.publicId, t.language) }));
}

/**
 * The studio's Captions tab: a video's caption tracks, one per language,
 * uploaded as WebVTT or SRT and served as WebVTT; and the file a <track> element fetches.
 */
export function studioCaptionRoutes({ pool, config }: RouteDeps) {
  async function render(req: Request, res: Response, status: number, values: Record<string, string> = {}, errors: Record<string, string> = {}) {
    const video = loadedVideo(req);
    const tracks = await listCaptionTracks(pool, video.id);
    res.status(status).render('studio/captions', {
      title: `Captions: ${video.title}`,
      video,
      tracks: tracks.map((t) => ({ ...t, url: captionFileUrl(video.publicId, t.language), languageName: languageName(t.language) })),
      values,
      errors,
      limits: { maxBytes: formatBytes(MAX_CAPTION_BYTES), labelMax: CAPTION_LABEL_MAX, maxTracks: MAX_CAPTION_TRACKS },
    });
  }

  /** The file's cues as WebVTT, or the field message that refuses it; its temporary file is gone either way. */
  async function readUpload(file: Express.Multer.File): Promise<{ vtt: string; format: 'vtt' | 'srt'; cueTexts: string[]; cueCount: number } | { error: string }> {
    try {
      const parsed = parseCaptions(await fs.promises.readFile(file.path), file.originalname);
      return { vtt: toWebVtt(parsed.cues), format: parsed.format, cueTexts: parsed.cues.map((c) => c.text), cueCount: parsed.cues.length };
    } catch (err) {
      if (err instanceof CaptionRejected) return { error: `This file cannot be used. ${err.message}` };
      throw err;
    } finally {
      await fs.promises.rm(file.path, { force: true });
    }
  }

  return {
    show: (req: Request, res: Response) => render(req, res, 200),

    receiveFile: receiveOneFile({ dataDir: config.dataDir, fieldName: 'file', maxBytes: MAX_CAPTION_BYTES }),

    async upload(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const form = parseCaptionDetails(req.body);
      const upload = req.file ? await readUpload(req.file) : { error: 'Choose a WebVTT (.vtt) or SRT (.srt) file.' };
      const errors = { ...('error' in upload ? { file: upload.error } : {}), ...(form.ok ? {} : form.errors) };
      if (!form.ok || 'error' in upload) return render(req, res, 422, form.ok ? { ...form.value } : form.values, errors);

      const { language, label } = form.value;
      const saved = await saveCaptionTrack(pool, video.id, req.viewer!.id, { language, label, sourceFormat: upload.format, vtt: upload.vtt, cueCount: upload.cueCount, cueTexts: upload.cueTexts });
      if (saved === 'no-video') throw notFound('This video does not exist, or it has been removed.');
      if (saved === 'too-many') return render(req, res, 422, { ...form.value }, { language: `This video already has captions in ${MAX_CAPTION_TRACKS} languages, the most it may have. Remove a language first, or upload to one it has.` });
      const converted = upload.format === 'srt' ? ' (converted from SRT to WebVTT)' : '';
      const what = `${languageName(language)} (${language})`;
      flash(req, 'success', saved === 'replaced' ? `The ${what} captions have been replaced by the new file${converted}.` : `Captions in ${what} have been added${converted}.`);
      res.redirect(303, `/studio/videos/${video.publicId}/captions`);
    },

    async remove(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const language = canonicalLanguage(String(req.params.language ?? ''));
      if (!language) throw notFound('This video has no captions in that language.');
      // Already removed (a form sent twice) is not an error: the page says what is there now.
      const removed = await deleteCaptionTrack(pool, video.id, req.viewer!.id, language);
      flash(req, removed ? 'success' : 'info', removed ? `The ${languageName(language)} (${language}) captions have been removed.` : `There are no ${languageName(language)} (${language}) captions any more.`);
      res.redirect(303, `/studio/videos/${video.publicId}/captions`);
    },

    /**
     * GET /media/videos/:id/captions/:language.vtt, after loadVideo: whoever may see the video
     * (canSeeVideo, as for its other media) may read its captions. The URL stays the same when a
     * track is replaced, so a browser asks again each time (ETag, 304 when unchanged); the page
     * cache keeps a public one for signed-out viewers, and a change in the studio empties it.
     */
    async serveFile(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const language = canonicalLanguage(String(req.params.language ?? ''));
      const file = language ? await findCaptionFile(pool, video.id, language) : null;
      if (!file) throw notFound('This video has no captions in that language.');
      res.set({
        'Content-Type': 'text/vtt; charset=utf-8',
        'Cache-Control': isListed(video) ? 'public, no-cache' : 'private, no-cache',
        'Last-Modified': file.updatedAt.toUTCString(),
      });
      res.send(file.vtt);
    },
  };
}
