import type { VideoWithOwner } from '../db/videos.js';
import { formatDuration } from '../media/ffmpeg.js';
import type { Storage } from '../media/storage.js';
import { thumbnailsOf } from './video-view.js';

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600], ['month', 30 * 24 * 3600], ['week', 7 * 24 * 3600], ['day', 24 * 3600], ['hour', 3600], ['minute', 60],
];

/** "3 days ago", as video cards show the age of a video. */
export function timeAgo(date: Date, now = Date.now()): string {
  const seconds = Math.max(0, (now - date.getTime()) / 1000);
  for (const [unit, size] of STEPS) if (seconds >= size) return RELATIVE.format(-Math.floor(seconds / size), unit);
  return 'just now';
}

/** What the video-card partial shows. */
export function cardsOf(videos: VideoWithOwner[], storage: Storage) {
  return videos.map((video) => ({
    publicId: video.publicId,
    title: video.title,
    duration: formatDuration(video.durationSeconds),
    publishedAt: video.publishedAt ?? video.createdAt,
    age: timeAgo(video.publishedAt ?? video.createdAt),
    owner: video.owner,
    viewCount: video.viewCount,
    thumbnails: thumbnailsOf(storage, video),
    // Set by search, already escaped with only <mark> added (see http/html.ts highlight()).
    titleHtml: null as string | null,
    snippetHtml: null as string | null,
  }));
}
