import type { Request, Response } from 'express';
import { chaptersShown, chaptersVtt, formatTimestamp, type Chapter } from '../chapters.js';
import type { Queryable } from '../db/pool.js';
import { findChapterTable } from '../db/video-chapters.js';
import type { Video } from '../db/videos.js';
import { isListed } from '../db/visibility.js';
import { loadedVideo } from '../http/guards.js';
import type { RouteDeps } from './deps.js';

/**
 * The chapters a page shows for a video: from the studio's table or from its description. The
 * source is a column of the video row the page has already read, so a video whose chapters come
 * from its description (nearly all) costs no query.
 */
export async function chaptersOfVideo(db: Queryable, video: Pick<Video, 'id' | 'description' | 'durationSeconds' | 'chaptersSource'>): Promise<Chapter[]> {
  const table = video.chaptersSource === 'table' ? await findChapterTable(db, video.id) : [];
  return chaptersShown({ source: video.chaptersSource, table }, video);
}

/** Chapters as pages list them: each a link that starts the video there (`?t=`, which works without scripts). */
export function chapterLinks(publicId: string, chapters: Chapter[]) {
  return chapters.map((c) => ({ seconds: c.startSeconds, time: formatTimestamp(c.startSeconds), title: c.title, href: `/watch/${publicId}?t=${c.startSeconds}` }));
}

export function chapterRoutes({ pool }: RouteDeps) {
  return {
    /**
     * GET /media/videos/:id/chapters.vtt — the chapters as a WebVTT track. Who may fetch it is
     * decided by loadVideo before this step, with the rule the video's other media use
     * (canSeeVideo, as in media.ts). A video without chapters gets a track with no cues. Not
     * immutable like the media files: the same address gets new chapters, so caches revalidate
     * (Express sends an ETag).
     */
    async track(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const chapters = await chaptersOfVideo(pool, video);
      res.set('Cache-Control', isListed(video) ? 'public, no-cache' : 'private, no-cache');
      res.type('text/vtt; charset=utf-8').send(chaptersVtt(chapters, video.durationSeconds));
    },
  };
}
