import PgBoss from 'pg-boss';
import type { PoolClient } from '../db/pool.js';
import type { Logger } from '../log.js';

export const PROCESS_VIDEO = 'video.process';
/** Where pg-boss moves a processing job that used up its retries; its handler marks the video failed. */
export const PROCESS_VIDEO_FAILED = 'video.process.failed';

/** Tries after the first: 5 s, 10 s, 20 s apart (pg-boss backoff), enough for a restart or a full disk to clear. */
const RETRY_LIMIT = 3;
const RETRY_DELAY_SECONDS = 5;

/**
 * The last resort for a job no worker reports on (the lock-based reaper in the worker catches
 * dead workers first): generous for the whole ladder of a video this long, capped below
 * pg-boss's 24-hour maximum.
 */
export function expirySeconds(durationSeconds: number): number {
  return Math.min(23 * 3600, Math.max(15 * 60, Math.ceil(durationSeconds * 30 + 600)));
}

export interface JobQueue {
  boss: PgBoss;
  /** Queues processing of a video, inside the caller's transaction when a client is given. */
  enqueueVideo(videoId: number, durationSeconds: number, client?: PoolClient): Promise<void>;
  stop(): Promise<void>;
}

export async function startQueue(databaseUrl: string, logger: Logger, options: { supervise: boolean }): Promise<JobQueue> {
  const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', max: 4, supervise: options.supervise, schedule: false, application_name: 'tubestead-queue' });
  let stopping = false;
  // Stopping resolves before the last of its connections has closed; the database stopped next
  // ends those, which is no error.
  boss.on('error', (err) => {
    if (!stopping) logger.error({ err }, 'job queue error');
  });
  await boss.start();
  await boss.createQueue(PROCESS_VIDEO_FAILED, { name: PROCESS_VIDEO_FAILED, retryLimit: 5, retryDelay: 5 });
  await boss.createQueue(PROCESS_VIDEO, { name: PROCESS_VIDEO, retryLimit: RETRY_LIMIT, retryDelay: RETRY_DELAY_SECONDS, retryBackoff: true, deadLetter: PROCESS_VIDEO_FAILED });
  return {
    boss,
    async enqueueVideo(videoId, durationSeconds, client) {
      const db = client ? { executeSql: (text: string, values: unknown[]) => client.query(text, values) } : undefined;
      await boss.send(PROCESS_VIDEO, { videoId }, { expireInSeconds: expirySeconds(durationSeconds), ...(db ? { db } : {}) });
    },
    stop: () => {
      stopping = true;
      return boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
