import type { Pool } from '../../db/pool.js';
import { refreshPopularVideos } from '../../db/popular-videos.js';
import type { Logger } from '../../log.js';

/**
 * How often "popular this week" is worked out again (one job per period whatever the number of
 * workers, see worker.ts). Home shows the list up to this long, plus its page cache's 30 s, after
 * the views that changed it; a week's ranking hardly moves in a minute.
 */
export const REFRESH_POPULAR_SECONDS = 60;

/** Works out and stores the week's most viewed videos; logs how long it took, as it grows with the week's views. */
export async function refreshPopularHandler(pool: Pool, logger: Logger): Promise<void> {
  const started = performance.now();
  const stored = await refreshPopularVideos(pool);
  logger.debug({ stored, ms: Math.round(performance.now() - started) }, 'popular videos refreshed');
}
