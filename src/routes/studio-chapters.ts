import type { Request, Response } from 'express';
import { CHAPTER_TITLE_MAX, MAX_CHAPTERS, MIN_CHAPTERS, MIN_CHAPTER_SECONDS, chaptersFromDescription, formatTimestamp, type ChapterRow } from '../chapters.js';
import { findStoredChapters, saveChapters } from '../db/video-chapters.js';
import type { VideoWithOwner } from '../db/videos.js';
import { formatDuration } from '../format.js';
import { parseChaptersForm, SPARE_ROWS, type ChaptersFormValues } from '../forms/chapters.js';
import { notFound } from '../http/errors.js';
import { loadedVideo } from '../http/guards.js';
import { flash } from '../http/session.js';
import { chapterLinks } from './chapters.js';
import type { RouteDeps } from './deps.js';

/** The studio's Chapters tab: GET and POST /studio/videos/:id/chapters (owner only, in the route table). */
export function studioChapterRoutes({ pool }: RouteDeps) {
  function render(res: Response, status: number, video: VideoWithOwner, values: ChaptersFormValues, errors: Record<string, string>) {
    if (values.rows.length === 0) values = { ...values, rows: blankRows(SPARE_ROWS) };
    res.status(status).render('studio/chapters', {
      title: `Chapters: ${video.title}`,
      video,
      // A form sent back keeps its rows as typed, blank ones in place, so the row numbers in the
      // messages match what the creator sees.
      values,
      errors,
      fromDescription: describedChapters(video),
      duration: formatDuration(video.durationSeconds),
      rules: { min: MIN_CHAPTERS, minSeconds: MIN_CHAPTER_SECONDS, max: MAX_CHAPTERS, titleMax: CHAPTER_TITLE_MAX },
    });
  }

  return {
    async show(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const stored = await findStoredChapters(pool, video.id);
      if (!stored) throw notFound('This video does not exist, or it has been removed.');
      const rows: ChapterRow[] = stored.table.map((c) => ({ start: formatTimestamp(c.startSeconds), title: c.title }));
      rows.push(...blankRows(Math.min(SPARE_ROWS, MAX_CHAPTERS - rows.length)));
      render(res, 200, video, { source: stored.source, rows }, {});
    },

    async save(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const form = parseChaptersForm(req.body, video.durationSeconds);
      if (!form.ok) return render(res, 422, video, form.values, form.errors);
      const { source, table } = form.value;
      if (!(await saveChapters(pool, req.viewer!.id, video.id, source, table))) throw notFound('This video does not exist, or it has been removed.');
      flash(req, 'success', savedMessage(source, table.length, chaptersFromDescription(video.description, video.durationSeconds)));
      res.redirect(303, `/studio/videos/${video.publicId}/chapters`);
    },
  };
}

/** The description's chapters as the page lists them, or why there are none. */
function describedChapters(video: VideoWithOwner) {
  const found = chaptersFromDescription(video.description, video.durationSeconds);
  return found.ok ? { ok: true as const, chapters: chapterLinks(video.publicId, found.chapters) } : found;
}

function blankRows(count: number): ChapterRow[] {
  return Array.from({ length: Math.max(0, count) }, () => ({ start: '', title: '' }));
}

/** What viewers will now see, said in one sentence. */
function savedMessage(source: 'description' | 'table', tableCount: number, fromDescription: ReturnType<typeof chaptersFromDescription>): string {
  if (source === 'table') return tableCount > 0 ? `Chapters saved: the video shows the ${tableCount} chapters of the table.` : 'Chapters saved: the table is empty, so the video shows no chapters.';
  if (fromDescription.ok) return `Chapters saved: the video shows the ${fromDescription.chapters.length} chapters of its description.`;
  return `Chapters saved. The video shows no chapters for now: the description gives none (${fromDescription.reason})`;
}
