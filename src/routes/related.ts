import type { Pool } from '../db/pool.js';
import { listRelatedVideos, storeRelatedVideos } from '../db/related-videos.js';
import type { VideoWithOwner } from '../db/videos.js';

/**
 * The videos to show beside a watched one: its stored list, one indexed read
 * (src/db/related-videos.ts). A video without a list yet, because it became ready a moment ago
 * and its job has not run or it predates the lists, gets one here, once, and stored: the first
 * viewer waits 20–40 ms more, instead of every viewer seeing a page without related videos
 * until the worker catches up (or at all, for the videos of a site upgraded to stored lists).
 */
export async function relatedVideos(pool: Pool, videoId: number, limit: number): Promise<VideoWithOwner[]> {
  const stored = await listRelatedVideos(pool, videoId, limit);
  if (stored) return stored;
  await storeRelatedVideos(pool, [videoId]);
  return (await listRelatedVideos(pool, videoId, limit)) ?? [];
}
