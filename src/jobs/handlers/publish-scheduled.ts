import { notifyPagesStale } from '../../db/page-events.js';
import { withTransaction, type Pool } from '../../db/pool.js';
import { publishDueVideos } from '../../db/video-events.js';
import type { Logger } from '../../log.js';
import type { JobQueue } from '../queue.js';

/**
 * How often every worker publishes the scheduled videos whose time has come: a video is public
 * within this long after its time. Each run is one indexed statement (videos_scheduled_idx) that
 * finds nothing almost always, so several workers running it costs nothing worth a job queue.
 */
export const PUBLISH_INTERVAL_MS = 30_000;

/**
 * Publishes the videos due at `now` (the caller's clock; tests pass their own), then has every
 * web process drop its kept pages, so that they show on home, search and feeds at once, and
 * queues their related videos. The fan-out job that tells their subscribers is queued in the
 * publishing transaction, so that no video is published without it. Returns their ids.
 */
export async function publishScheduledVideos(deps: { pool: Pool; queue: JobQueue; logger: Logger }, now: Date): Promise<number[]> {
  const { pool, queue, logger } = deps;
  const published = await withTransaction(pool, async (client) => {
    const ids = await publishDueVideos(client, now);
    // One waiting job covers every event; one that finds none announced (not listed) costs a query.
    if (ids.length > 0) await queue.enqueueFanout(client);
    return ids;
  });
  if (published.length === 0) return published;
  logger.info({ videos: published }, 'scheduled videos published');
  await notifyPagesStale(pool).catch((err) => logger.warn({ err }, 'telling the web processes failed'));
  for (const videoId of published) {
    await queue.enqueueRelated(videoId).catch((err) => logger.warn({ err, videoId }, 'queueing related videos failed'));
  }
  return published;
}
