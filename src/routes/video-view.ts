import type { VideoFile } from '../db/video-files.js';
import type { Video } from '../db/videos.js';
import { formatDuration } from '../format.js';
import { THUMBNAIL_WIDTHS_PX, thumbnailUrl, videoFileUrl, type Storage } from '../media/index.js';

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

export interface Thumbnails {
  /** `srcset` values for <source type="image/webp"> and for the JPEG <img>. */
  webpSrcset: string;
  jpegSrcset: string;
  jpeg: string;
  /** A mid-size JPEG for posters and metadata. */
  poster: string;
}

export function thumbnailsOf(storage: Storage, video: Pick<Video, 'publicId' | 'thumbnailStem'>): Thumbnails | null {
  if (!video.thumbnailStem) return null;
  const stem = video.thumbnailStem;
  const url = (width: number, format: 'webp' | 'jpg') => thumbnailUrl(storage, video.publicId, stem, width, format);
  const srcset = (format: 'webp' | 'jpg') => THUMBNAIL_WIDTHS_PX.map((w) => `${url(w, format)} ${w}w`).join(', ');
  return { webpSrcset: srcset('webp'), jpegSrcset: srcset('jpg'), jpeg: url(320, 'jpg'), poster: url(1280, 'jpg') };
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
