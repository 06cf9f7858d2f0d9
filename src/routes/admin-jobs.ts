import type { Request, Response } from 'express';
import { CANCELLED_REASON, countVideoJobs, failCancelledVideo, findJobForUpdate, listFailedVideos, listVideoJobs, recordJobAction, JOBS_SHOWN } from '../db/admin-jobs.js';
import { withTransaction } from '../db/pool.js';
import { resetFailedVideo } from '../db/video-processing.js';
import { findVideoByPublicId } from '../db/videos.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/session.js';
import { PROCESS_VIDEO } from '../jobs/queue.js';
import type { RouteDeps } from './deps.js';
import { PUBLIC_ID_PATTERN } from './public-id.js';
import { tellerOf } from '../notifications/tell.js';

/** pg-boss's job ids are UUIDs; anything else in their place is a 404 without a query. */
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Lines of a failed run's message shown: runFfmpeg keeps ffmpeg's last three, joined with " | ". */
const ERROR_LINES_SHOWN = 6;

/** The last lines of a failed run: ffmpeg's own, one a line. */
export function errorLines(message: string | null): string[] {
  if (!message) return [];
  // "ffmpeg failed: exited with code 1 (line | line | line)": the outcome, then ffmpeg's lines.
  const wrapped = /^(ffmpeg failed: [^(]*?) \((.*)\)$/s.exec(message);
  const lines = wrapped ? [wrapped[1]!, ...wrapped[2]!.split(' | ')] : message.split('\n');
  return lines.map((l) => l.trim()).filter(Boolean).slice(-ERROR_LINES_SHOWN);
}

/**
 * The processing jobs (issue 13, item 8; permission admin.access, which moderators do not have:
 * the server's queue and other people's failed uploads are the running of the site, not
 * moderation).
 */
export function adminJobRoutes(deps: RouteDeps) {
  const { pool, queue } = deps;
  const tell = tellerOf(deps);
  return {
    /** GET /admin/jobs — waiting, running and failed processing, each list up to JOBS_SHOWN. */
    async showJobs(_req: Request, res: Response): Promise<void> {
      const [waiting, running, failed, counts] = await Promise.all([
        listVideoJobs(pool, PROCESS_VIDEO, ['created', 'retry']),
        listVideoJobs(pool, PROCESS_VIDEO, ['active']),
        listFailedVideos(pool, PROCESS_VIDEO),
        countVideoJobs(pool, PROCESS_VIDEO),
      ]);
      res.render('admin/jobs', { title: 'Processing jobs', waiting, running, failed, counts, shown: JOBS_SHOWN, errorLines, now: new Date() });
    },

    /**
     * POST /admin/jobs/videos/:id/retry — a failed video back in line, as its creator's retry
     * does (resetFailedVideo, enqueueVideo), with its audit row, in one transaction. A video no
     * longer failed (a second click, or its creator retried first) is no error: nothing changes.
     */
    async retry(req: Request, res: Response): Promise<void> {
      const publicId = String(req.params.id ?? '');
      const video = PUBLIC_ID_PATTERN.test(publicId) ? await findVideoByPublicId(pool, publicId) : null;
      if (!video) throw notFound('This video does not exist, or it has been removed.');
      const retried = await withTransaction(pool, async (client) => {
        if (!(await resetFailedVideo(client, video.id))) return false;
        await queue.enqueueVideo(video.id, video.durationSeconds, client);
        await recordJobAction(client, {
          actorId: req.viewer!.id, action: 'job.retry', videoId: video.id, jobId: null, ownerId: video.ownerId,
          before: { status: 'failed', failureReason: video.failureReason }, after: { status: 'uploaded' },
        });
        return true;
      });
      flash(req, 'info', retried ? `“${video.title}” will be processed again in a moment.` : `“${video.title}” is not failed any more; nothing was changed.`);
      res.redirect(303, '/admin/jobs');
    },

    /**
     * POST /admin/jobs/:id/cancel — a waiting or running job cancelled (pg-boss's cancel, in the
     * same transaction as the video's new state and the audit row). A running ffmpeg is not
     * interrupted: pg-boss 10 cannot signal its worker, which finishes the run it is on; the
     * job is not retried after it, and the video shows the cancellation to its creator.
     */
    async cancel(req: Request, res: Response): Promise<void> {
      const jobId = String(req.params.id ?? '');
      if (!JOB_ID.test(jobId)) throw notFound('There is no such job.');
      const outcome = await withTransaction(pool, async (client) => {
        const job = await findJobForUpdate(client, PROCESS_VIDEO, jobId);
        if (!job) return 'missing' as const;
        if (!['created', 'retry', 'active'].includes(job.state)) return 'finished' as const;
        await queue.boss.cancel(PROCESS_VIDEO, job.id, { db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) } });
        const video = job.videoId === null ? null : await failCancelledVideo(client, job.videoId);
        await recordJobAction(client, {
          actorId: req.viewer!.id, action: 'job.cancel', videoId: video ? job.videoId : null, jobId: job.id, ownerId: video ? job.ownerId : null,
          before: { job: job.id, state: job.state, ...(video ? { status: video.before } : {}) },
          after: { job: job.id, state: 'cancelled', ...(video ? { status: video.after } : {}) },
        });
        // Stopped before it was watchable: its creator is told as of any failure, with the reason on its page.
        if (video && video.before !== 'failed' && video.after === 'failed' && job.ownerId !== null) {
          await tell(client, { userId: job.ownerId, kind: 'video_failed', videoId: job.videoId!, detail: { reason: CANCELLED_REASON } });
        }
        return 'cancelled' as const;
      });
      if (outcome === 'missing') throw notFound('There is no such job.');
      flash(req, 'info', outcome === 'cancelled' ? 'The job was cancelled.' : 'That job had already finished; nothing was changed.');
      res.redirect(303, '/admin/jobs');
    },
  };
}
