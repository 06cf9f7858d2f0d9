import { rankChangedVideos } from '../../db/comment-ranking.js';
import type { Pool } from '../../db/pool.js';
import type { Logger } from '../../log.js';

/**
 * How often the worker looks for videos whose comments' Top order is due for a re-rank (one job
 * per period whatever the number of workers, as the popular videos' refresh). A video is ranked
 * again at most every RERANK_MIN_INTERVAL_SECONDS (comment-ranking.ts); this only bounds how
 * long after that a due one waits.
 */
export const RERANK_COMMENTS_SECONDS = 60;

/** Ranks again the comments of the videos that are due; logs how many and how long. */
export async function rerankCommentsHandler(pool: Pool, logger: Logger): Promise<void> {
  const started = performance.now();
  const ranked = await rankChangedVideos(pool);
  if (ranked > 0) logger.debug({ videos: ranked, ms: Math.round(performance.now() - started) }, 'comments ranked again');
}
