import type { Config } from '../../config.js';
import { fanOutBatch, hasPendingFanouts, listPendingFanouts } from '../../db/notification-fanout.js';
import { withTransaction, type Pool } from '../../db/pool.js';
import type { Logger } from '../../log.js';
import type { JobQueue } from '../queue.js';

/**
 * Subscribers told per transaction. Measured with `npm run bench:fanout` (100,000 subscribers,
 * README): the whole fan-out takes about as long at 1,000 as at 5,000 or 20,000 (the cost is per
 * row: the notifications' indexes and foreign keys), while the longest transaction grows with the
 * batch, and so does the wait of anything that locks the video meanwhile (deleting it, a
 * moderator's take-down; the edit page's save does not wait, see saveVideoDetails).
 */
export const FANOUT_BATCH = 1_000;
/** Events read at a time; each is then told to all its subscribers, batch after batch. */
const EVENTS_PER_READ = 20;
/**
 * How often every worker looks for events left without a job (one that used up its retries, a
 * job cancelled on /admin/jobs) and queues one. Each look is one read of video_events_fanout_idx,
 * which holds only events not yet told.
 */
export const FANOUT_CHECK_INTERVAL_MS = 60_000;

export interface FanoutDeps {
  pool: Pool;
  queue: Pick<JobQueue, 'enqueueNotificationMails'>;
  config: Pick<Config, 'mailBatchSeconds'>;
  logger: Logger;
}

/**
 * Tells every subscriber of every event not yet told, oldest event first, a batch per
 * transaction (fanOutBatch). Safe beside another run: an event another run holds is skipped
 * (it finishes it), and each batch starts from where the last committed one ended. Returns how
 * many notifications were made.
 */
export async function runFanout(deps: FanoutDeps, options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? FANOUT_BATCH;
  let batches = 0;
  let told = 0;
  let after = 0;
  for (;;) {
    const events = await listPendingFanouts(deps.pool, after, EVENTS_PER_READ);
    if (events.length === 0) return told;
    for (const event of events) {
      after = event.id;
      for (;;) {
        // For tests of a run stopped half way: nothing else stops between batches.
        if (options.maxBatches !== undefined && batches >= options.maxBatches) return told;
        batches += 1;
        const outcome = await withTransaction(deps.pool, async (client) => {
          const batch = await fanOutBatch(client, event.id, batchSize);
          // One mail job per person to mail, as notify() queues it, in one insert for the batch.
          if (batch.state !== 'busy') await deps.queue.enqueueNotificationMails(batch.mailTo, deps.config.mailBatchSeconds, client);
          return batch;
        });
        if (outcome.state === 'busy') break;
        told += outcome.told;
        if (outcome.state === 'done') {
          deps.logger.info({ eventId: event.id, videoId: event.videoId }, 'new video told to its subscribers');
          break;
        }
      }
    }
  }
}

/** The job (NOTIFICATION_FANOUT): one waiting at a time; a retry goes on from where the last try stopped. */
export function notificationFanoutHandler(deps: FanoutDeps) {
  return async function handle(): Promise<void> {
    await runFanout(deps);
  };
}

/** The worker's backstop: queues the job when an event waits without one. */
export async function askForFanout(deps: { pool: Pool; queue: Pick<JobQueue, 'enqueueFanout'> }): Promise<void> {
  if (await hasPendingFanouts(deps.pool)) await deps.queue.enqueueFanout();
}
