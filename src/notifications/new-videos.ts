import type { Pool, PoolClient } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { recordPublications } from '../db/video-events.js';
import type { JobQueue } from '../jobs/queue.js';

/** The queue as publishing needs it: the fan-out job, queued in the publishing transaction. */
export type FanoutQueue = Pick<JobQueue, 'enqueueFanout'>;

/**
 * Announces those of `videoIds` that are listed now and were never announced: their 'published'
 * events and the fan-out job that tells their subscribers, in the caller's transaction (after the
 * change that made them public), so that a change rolled back tells nobody and a committed one
 * always has its job. The request only writes these two rows; subscribers are told in the
 * background (src/jobs/handlers/notification-fanout.ts). Returns the ids announced.
 */
export async function announcePublications(client: PoolClient, queue: FanoutQueue, videoIds: readonly number[]): Promise<number[]> {
  const recorded = await recordPublications(client, videoIds);
  if (recorded.length > 0) await queue.enqueueFanout(client);
  return recorded;
}

/** The same in a transaction of its own, for a change already committed (a video whose processing ended). */
export async function announcePublication(deps: { pool: Pool; queue: FanoutQueue }, videoId: number): Promise<boolean> {
  const recorded = await withTransaction(deps.pool, (client) => announcePublications(client, deps.queue, [videoId]));
  return recorded.length > 0;
}
