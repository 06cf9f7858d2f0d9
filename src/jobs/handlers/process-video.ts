import type PgBoss from 'pg-boss';
import { withTransaction } from '../../db/pool.js';
import { tellNobody } from '../../notifications/tell.js';
import { findJobState, tryLockVideo } from '../../db/jobs.js';
import { markFailed, noteFailureReason } from '../../db/video-processing.js';
import { MediaRejected } from '../../media/ffmpeg.js';
import { JobCancelled, processVideo, VideoGone, type PipelineDeps } from '../../media/pipeline.js';

export interface VideoJobData {
  videoId: number;
}

/** A reason a creator can read, for the failure reason shown on the video's page. */
function reasonFor(err: unknown): string {
  if (err instanceof MediaRejected) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  if (/No space left on device|ENOSPC/i.test(message)) return 'The server ran out of disk space while processing this video.';
  if (/timeout|timed out/i.test(message)) return 'Processing took too long and was stopped.';
  if (/missing/i.test(message)) return message;
  return 'Processing failed on the server. You can try again; if it fails again, the file may be damaged.';
}

/** How often a running job looks whether an administrator cancelled it. */
export const CANCEL_CHECK_MS = 2_000;

/**
 * Aborts when the job's row in pg-boss says 'cancelled' (/admin/jobs cancels it there): pg-boss
 * does not tell a running handler, so without this ffmpeg would encode on for nothing.
 */
function watchForCancel(deps: PipelineDeps, jobId: string): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const timer = setInterval(() => {
    findJobState(deps.pool, jobId).then((state) => {
      if (state === 'cancelled') controller.abort(new JobCancelled());
    }, (err) => deps.logger.warn({ err, jobId }, 'could not read the job state'));
  }, CANCEL_CHECK_MS);
  timer.unref();
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}

export function processVideoHandler(deps: PipelineDeps & { databaseUrl: string }) {
  return async function handle(jobs: PgBoss.JobWithMetadata<VideoJobData>[]): Promise<void> {
    for (const job of jobs) {
      const { videoId } = job.data;
      const lock = await tryLockVideo(deps.databaseUrl, videoId);
      // Another worker is on it (a retry caught up with a slow run): try later, never twice at once.
      if (!lock) throw new Error(`video ${videoId} is being processed by another worker`);
      const cancel = watchForCancel(deps, job.id);
      try {
        await processVideo(deps, videoId, cancel.signal);
        deps.logger.info({ videoId, jobId: job.id }, 'video processed');
      } catch (err) {
        if (err instanceof JobCancelled) {
          // The cancel already failed the video (or left a playable one ready) and recorded it.
          deps.logger.info({ videoId, jobId: job.id }, 'processing cancelled by an administrator; stopped');
          continue;
        }
        if (err instanceof VideoGone) {
          deps.logger.info({ videoId }, 'video deleted while processing; stopped');
          continue;
        }
        if (err instanceof MediaRejected) {
          // The file itself is the problem: trying again cannot help.
          await fail(deps, videoId, reasonFor(err));
          continue;
        }
        deps.logger.warn({ err, videoId, attempt: job.retryCount + 1 }, 'processing failed');
        // pg-boss retries; after the last try the dead-letter handler marks the video failed with this reason.
        await noteFailureReason(deps.pool, videoId, reasonFor(err)).catch(() => {});
        throw err;
      } finally {
        cancel.stop();
        await lock.release().catch(() => {});
      }
    }
  };
}

/**
 * Fails the video with `reason` (null: the one its last attempt noted) and tells its owner, with
 * the reason they read on its page; only when it was not failed already (a playable video stays
 * ready, and a failure told is not told again by a late dead letter).
 */
async function fail(deps: Pick<PipelineDeps, 'pool' | 'tell'>, videoId: number, reason: string | null): Promise<void> {
  await withTransaction(deps.pool, async (client) => {
    const change = await markFailed(client, videoId, reason);
    if (change?.changed) await (deps.tell ?? tellNobody)(client, { userId: change.ownerId, kind: 'video_failed', videoId, detail: { reason: change.reason } });
  });
}

/** Runs for jobs that used up their retries, or whose worker kept dying: the video is failed, retryable by its creator. */
export function processVideoFailedHandler(deps: Pick<PipelineDeps, 'pool' | 'logger' | 'tell'>) {
  return async function handle(jobs: PgBoss.Job<VideoJobData>[]): Promise<void> {
    for (const job of jobs) {
      await fail(deps, job.data.videoId, null);
      deps.logger.warn({ videoId: job.data.videoId }, 'video processing gave up');
    }
  };
}
