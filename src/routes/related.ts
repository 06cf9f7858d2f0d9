import type { Pool } from '../db/pool.js';
import { findRelatedVideoIds, listPublicVideosByIds } from '../db/video-listings.js';
import type { Video, VideoWithOwner } from '../db/videos.js';

const KEEP_SECONDS = 300;
const KEEP_VIDEOS = 10_000;
/** Found beyond the number shown, so that a few going private or away still leave a full list. */
const SPARE = 4;

/**
 * Videos to show beside a watched one. Finding them ranks hundreds of rows (about 4 ms at
 * 100,000 videos) and changes slowly, so which ones they are is kept for KEEP_SECONDS per
 * video. The cards themselves are loaded on every request, so a video made private, deleted or
 * banned since then drops out at once.
 */
export function relatedVideos(pool: Pool, now: () => number = Date.now) {
  const kept = new Map<number, { ids: number[]; expires: number }>();
  return async function related(video: Pick<Video, 'id' | 'ownerId' | 'title' | 'tags'>, limit: number): Promise<VideoWithOwner[]> {
    let entry = kept.get(video.id);
    if (!entry || entry.expires <= now()) {
      entry = { ids: await findRelatedVideoIds(pool, video, limit + SPARE), expires: now() + KEEP_SECONDS * 1000 };
      // Oldest first in a Map: beyond KEEP_VIDEOS the least recently found go.
      kept.delete(video.id);
      kept.set(video.id, entry);
      if (kept.size > KEEP_VIDEOS) kept.delete(kept.keys().next().value!);
    }
    return (await listPublicVideosByIds(pool, entry.ids)).slice(0, limit);
  };
}
