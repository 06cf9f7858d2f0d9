import type { VideoWithOwner } from '../db/videos.js';
import { formatDuration, timeAgo } from '../format.js';
import type { Storage } from '../media/index.js';
import { thumbnailsOf } from './video-view.js';

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
