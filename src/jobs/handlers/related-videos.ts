import type PgBoss from 'pg-boss';
import type { Pool } from '../../db/pool.js';
import { listStaleRelatedVideoIds, storeRelatedVideos } from '../../db/related-videos.js';
import type { Logger } from '../../log.js';

export interface RelatedJobData {
  videoId: number;
}

/** A list is worked out again once it is this old, so that it follows new videos and views. */
export const REFRESH_AFTER_SECONDS = 24 * 3600;
/**
 * Lists worked out again per run, the oldest first: about a second of the database's time,
 * however large the catalogue. Every 5 minutes that is 288,000 a day; a larger catalogue's lists
 * are refreshed less often than daily, each in turn.
 */
export const REFRESH_BATCH = 1000;

/** Works out the related videos of a batch of videos in one statement; a deleted one is skipped. */
export function relateVideosHandler(deps: { pool: Pool }) {
  return async function handle(jobs: PgBoss.Job<RelatedJobData>[]): Promise<void> {
    await storeRelatedVideos(deps.pool, jobs.map((job) => job.data.videoId));
  };
}

/** Works out again the lists older than REFRESH_AFTER_SECONDS, at most REFRESH_BATCH of them; returns how many. */
export async function refreshRelatedVideos(pool: Pool, logger: Logger): Promise<number> {
  const stale = await listStaleRelatedVideoIds(pool, REFRESH_AFTER_SECONDS, REFRESH_BATCH);
  await storeRelatedVideos(pool, stale);
  if (stale.length > 0) logger.info({ lists: stale.length }, 'related videos refreshed');
  return stale.length;
}
