import type { VideoFile } from '../db/video-files.js';
import type { Video, VideoWithOwner } from '../db/videos.js';
import type { Storage } from '../media/index.js';
import { describeVideo, thumbnailsOf } from '../routes/video-view.js';

/**
 * A video as the API shows it (the `Video` schema of the OpenAPI document, src/api/openapi/).
 * Times are ISO 8601; addresses are absolute. Listings show `VideoSummary` (no renditions,
 * no description), one video shows the whole `Video`.
 */
/** What a summary reads of a video: a studio row with its owner's names will do (GET /api/v1/me/videos). */
export type SummarySource = Pick<Video, 'publicId' | 'title' | 'status' | 'visibility' | 'durationSeconds' | 'publishedAt' | 'viewCount' | 'likeCount' | 'commentCount' | 'thumbnailStem' | 'thumbnailWidths'>
  & { owner: Pick<VideoWithOwner['owner'], 'handle' | 'displayName'> };

export function videoSummaryJson(video: SummarySource, storage: Storage, publicUrl: URL | string) {
  const absolute = (path: string) => new URL(path, publicUrl).href;
  const thumbnails = thumbnailsOf(storage, video);
  return {
    id: video.publicId,
    title: video.title,
    status: video.status,
    visibility: video.visibility,
    durationSeconds: video.durationSeconds,
    publishedAt: (video.publishedAt ?? null)?.toISOString() ?? null,
    viewCount: video.viewCount,
    likeCount: video.likeCount,
    commentCount: video.commentCount,
    channel: { handle: video.owner.handle, displayName: video.owner.displayName, url: absolute(`/@${video.owner.handle}`) },
    watchUrl: absolute(`/watch/${video.publicId}`),
    thumbnailUrl: thumbnails ? absolute(thumbnails.poster) : null,
  };
}

export function videoJson(video: VideoWithOwner, files: VideoFile[], storage: Storage, publicUrl: URL | string) {
  const absolute = (path: string) => new URL(path, publicUrl).href;
  const view = describeVideo(video, files, storage);
  return {
    ...videoSummaryJson(video, storage, publicUrl),
    description: video.description,
    tags: video.tags,
    category: video.category,
    language: video.language,
    progress: video.progress,
    failureReason: video.status === 'failed' ? video.failureReason : null,
    dislikeCount: video.dislikeCount,
    createdAt: video.createdAt.toISOString(),
    renditions: view.renditions.map((r) => ({ label: r.label, width: r.width, height: r.height, bytes: r.bytes, url: absolute(r.url) })),
  };
}
