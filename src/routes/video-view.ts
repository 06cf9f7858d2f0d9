import type { VideoFile } from '../db/video-files.js';
import type { Video } from '../db/videos.js';
import { formatDuration } from '../media/ffmpeg.js';
import { THUMBNAIL_WIDTHS_PX } from '../media/previews.js';
import { videoStorageDir } from '../media/pipeline.js';
import type { Storage } from '../media/storage.js';

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

/** The URL of one of a video's files. */
export function mediaUrl(storage: Storage, publicId: string, name: string): string {
  return storage.url(`${videoStorageDir(publicId)}/${name}`);
}

export function thumbnailsOf(storage: Storage, video: Pick<Video, 'publicId' | 'thumbnailStem'>): Thumbnails | null {
  if (!video.thumbnailStem) return null;
  const url = (width: number, ext: string) => mediaUrl(storage, video.publicId, `thumb-${video.thumbnailStem}-${width}.${ext}`);
  const srcset = (ext: string) => THUMBNAIL_WIDTHS_PX.map((w) => `${url(w, ext)} ${w}w`).join(', ');
  return { webpSrcset: srcset('webp'), jpegSrcset: srcset('jpg'), jpeg: url(320, 'jpg'), poster: url(1280, 'jpg') };
}

/** Everything pages and the API show about a video's files. */
export function describeVideo(video: Video, files: VideoFile[], storage: Storage) {
  const renditions: RenditionView[] = files
    .filter((f) => f.kind === 'rendition')
    .map((f) => {
      const rung = Math.min(f.width, f.height);
      return { rung, label: `${rung}p`, width: f.width, height: f.height, url: mediaUrl(storage, video.publicId, f.name), bytes: f.bytes };
    })
    .sort((a, b) => b.rung - a.rung);
  const defaultRendition = renditions.find((r) => r.rung <= DEFAULT_RUNG) ?? renditions.at(-1) ?? null;
  const storyboard = video.storyboard ? { ...video.storyboard, url: mediaUrl(storage, video.publicId, video.storyboard.name) } : null;
  return { renditions, defaultRendition, thumbnails: thumbnailsOf(storage, video), storyboard, duration: formatDuration(video.durationSeconds) };
}
