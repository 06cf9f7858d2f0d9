import type { VideoFile } from '../db/video-files.js';
import type { Video } from '../db/videos.js';
import { formatDuration } from '../format.js';
import { thumbnailUrl, videoFileUrl, type Storage } from '../media/index.js';

/** The quality picked when the viewer has not chosen one and no script can measure the screen. */
const DEFAULT_RUNG = 720;

export interface RenditionView {
  rung: number;
  label: string;
  width: number;
  height: number;
  url: string;
  bytes: number;
}

/**
 * The player's poster: a <video> takes one image, no srcset, so the width is picked here. The
 * player is up to 1100 CSS px wide on a computer and the screen's full width on a phone
 * (720–1290 device pixels at 2–3×): 1280 looks sharp nearly everywhere, a smaller one soft on
 * most screens. WebP, a quarter to a third smaller than the JPEG on the frames measured, and
 * shown by every current browser (Safari since 14); the page asks for it early (watch-meta.ts).
 */
const POSTER_WIDTH_PX = 1280;

export interface Thumbnails {
  /** `srcset` values for <source type="image/webp"> and for the JPEG <img>: every width this video has. */
  webpSrcset: string;
  jpegSrcset: string;
  /** The smallest JPEG, the <img>'s src for browsers without srcset. */
  jpeg: string;
  /** The player's poster (POSTER_WIDTH_PX, WebP). */
  playerPoster: string;
  /** The largest JPEG, for metadata (OpenGraph, oEmbed, feeds), which other software fetches. */
  poster: string;
}

/**
 * Only the widths recorded with the video's thumbnail set are offered: a video processed before
 * 480 was added has no 480 file, and a srcset naming it would make browsers fetch a 404.
 */
export function thumbnailsOf(storage: Storage, video: Pick<Video, 'publicId' | 'thumbnailStem' | 'thumbnailWidths'>): Thumbnails | null {
  const widths = [...video.thumbnailWidths].sort((a, b) => a - b);
  if (!video.thumbnailStem || widths.length === 0) return null;
  const stem = video.thumbnailStem;
  const url = (width: number, format: 'webp' | 'jpg') => thumbnailUrl(storage, video.publicId, stem, width, format);
  const srcset = (format: 'webp' | 'jpg') => widths.map((w) => `${url(w, format)} ${w}w`).join(', ');
  const largest = widths.at(-1)!;
  const posterWidth = widths.find((w) => w >= POSTER_WIDTH_PX) ?? largest;
  return { webpSrcset: srcset('webp'), jpegSrcset: srcset('jpg'), jpeg: url(widths[0]!, 'jpg'), playerPoster: url(posterWidth, 'webp'), poster: url(largest, 'jpg') };
}

/** Everything pages and the API show about a video's files. */
export function describeVideo(video: Video, files: VideoFile[], storage: Storage) {
  const renditions: RenditionView[] = files
    .filter((f) => f.kind === 'rendition')
    .map((f) => {
      const rung = Math.min(f.width, f.height);
      return { rung, label: `${rung}p`, width: f.width, height: f.height, url: videoFileUrl(storage, video.publicId, f.name), bytes: f.bytes };
    })
    .sort((a, b) => b.rung - a.rung);
  const defaultRendition = renditions.find((r) => r.rung <= DEFAULT_RUNG) ?? renditions.at(-1) ?? null;
  const storyboard = video.storyboard ? { ...video.storyboard, url: videoFileUrl(storage, video.publicId, video.storyboard.name) } : null;
  return { renditions, defaultRendition, thumbnails: thumbnailsOf(storage, video), storyboard, duration: formatDuration(video.durationSeconds) };
}
