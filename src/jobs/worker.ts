import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.js';
import { findOrphanedJobs } from '../db/jobs.js';
import { notifyPagesStale } from '../db/page-events.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../log.js';
import { createMailer, type MailMessage } from '../mail/mailer.js';
import { killRunningFfmpeg, resolveBinaries } from '../media/ffmpeg.js';
import { LocalStorage } from '../media/storage.js';
import { processVideoFailedHandler, processVideoHandler, type VideoJobData } from './handlers/process-video.js';
import { bulkActionHandler, type BulkActionJobData } from './handlers/bulk-actions.js';
import { REFRESH_POPULAR_SECONDS, refreshPopularHandler } from './handlers/popular-videos.js';
import { RERANK_COMMENTS_SECONDS, rerankCommentsHandler } from './handlers/comment-ranking.js';
import { PUBLISH_INTERVAL_MS, publishScheduledVideos } from './handlers/publish-scheduled.js';
import { LIFT_BANS_INTERVAL_MS, liftBans } from './handlers/lift-bans.js';
import { sendMailHandler } from './handlers/send-mail.js';
import { renumberPlaylistHandler, type RenumberPlaylistJobData } from './handlers/renumber-playlist.js';
import { refreshRelatedVideos, relateVideosHandler, type RelatedJobData } from './handlers/related-videos.js';
import { BULK_ACTION, PROCESS_VIDEO, PROCESS_VIDEO_FAILED, REFRESH_POPULAR, REFRESH_RELATED, RELATE_VIDEO, RENUMBER_PLAYLIST, RERANK_COMMENTS, SEND_MAIL, type JobQueue } from './queue.js';

/** How often every worker looks for jobs whose worker died, and how old such a job must be. */
const REAP_INTERVAL_MS = 15_000;
const ORPHAN_GRACE_SECONDS = 5;
/** Related-video jobs taken at once: videos published together share one statement. */
const RELATE_BATCH = 50;
/**
 * How often stale related videos are refreshed. Every worker asks at this period; pg-boss keeps
 * one job per period (a throttled send), so the work is done once however many workers run.
 */
const REFRESH_RELATED_SECONDS = 5 * 60;

export interface Worker {
  stop(): Promise<void>;
}

/**
 * Takes video jobs from the queue, WORKER_CONCURRENCY at a time, and returns jobs whose worker
 * died to the queue (at start, then every 15 s), so a crash costs a retry, not the video.
 */
export async function startWorker(deps: { config: Config; databaseUrl: string; pool: Pool; queue: JobQueue; logger: Logger }): Promise<Worker> {
  const { config, pool, queue, logger } = deps;
  const binaries = resolveBinaries(config);
  const pipeline = {
    pool,
    storage: new LocalStorage(path.join(config.dataDir, 'media')),
    binaries,
    dataDir: config.dataDir,
    preset: config.ffmpegPreset,
    encodeTimeLimitFactor: config.encodeTimeLimitFactor,
    keepOriginals: config.keepOriginals,
    logger,
    databaseUrl: deps.databaseUrl,
    // Ready means watchable: its related videos are worked out now, in the background (should
    // the job not be queued, the watch page works them out when it finds none), and the web
    // processes' kept pages go, so that it shows on home and its channel at once.
    onReady: async (videoId: number) => {
      await notifyPagesStale(pool).catch((err) => logger.warn({ err, videoId }, 'telling the web processes failed'));
      await queue.enqueueRelated(videoId).catch((err) => logger.warn({ err, videoId }, 'queueing related videos failed'));
    },
  };
  const identity = `${os.hostname()}:${process.pid}`;
  logger.info({ worker: identity, ffmpeg: binaries.ffmpeg, concurrency: config.workerConcurrency }, 'worker starting');

  async function reap(): Promise<void> {
    for (const orphan of await findOrphanedJobs(pool, PROCESS_VIDEO, ORPHAN_GRACE_SECONDS)) {
      logger.warn({ ...orphan, worker: identity }, 'job of a dead worker returned to the queue');
      await queue.boss.fail(PROCESS_VIDEO, orphan.jobId, { message: 'the worker processing it stopped' });
    }
  }
  await reap();
  const timer = setInterval(() => reap().catch((err) => logger.warn({ err }, 'looking for orphaned jobs failed')), REAP_INTERVAL_MS);
  timer.unref();

  const askForRefresh = () => queue.boss.sendThrottled(REFRESH_RELATED, {}, {}, REFRESH_RELATED_SECONDS, 'schedule')
    .catch((err) => logger.warn({ err }, 'scheduling the related videos refresh failed'));
  await askForRefresh();
  const refreshTimer = setInterval(askForRefresh, REFRESH_RELATED_SECONDS * 1000);
  refreshTimer.unref();

  // "Popular this week" the same way, once a minute. Asked twice a period, so that a timer
  // drifting across a period's edge does not skip one; the first ask at start fills the list of
  // a new install or an upgrade within seconds (home shows no popular section until then).
  const askForPopular = () => queue.boss.sendThrottled(REFRESH_POPULAR, {}, {}, REFRESH_POPULAR_SECONDS, 'schedule')
    .catch((err) => logger.warn({ err }, 'scheduling the popular videos refresh failed'));
  await askForPopular();
  const popularTimer = setInterval(askForPopular, (REFRESH_POPULAR_SECONDS * 1000) / 2);
  popularTimer.unref();

  // The Top order of comments (src/db/comment-ranking.ts), the same way, once a minute.
  const askForRerank = () => queue.boss.sendThrottled(RERANK_COMMENTS, {}, {}, RERANK_COMMENTS_SECONDS, 'schedule')
    .catch((err) => logger.warn({ err }, 'scheduling the comments re-rank failed'));
  await askForRerank();
  const rerankTimer = setInterval(askForRerank, (RERANK_COMMENTS_SECONDS * 1000) / 2);
  rerankTimer.unref();

  // Scheduled videos: published within PUBLISH_INTERVAL_MS of their time, by whichever worker looks first.
  const publish = () => publishScheduledVideos({ pool, queue, logger }, new Date()).catch((err) => logger.warn({ err }, 'publishing scheduled videos failed'));
  await publish();
  const publishTimer = setInterval(publish, PUBLISH_INTERVAL_MS);
  publishTimer.unref();

  // Bans at their end: lifted within LIFT_BANS_INTERVAL_MS, with their audit row, by whichever worker looks first.
  const lift = () => liftBans({ pool, logger }, new Date()).catch((err) => logger.warn({ err }, 'lifting ended bans failed'));
  await lift();
  const liftTimer = setInterval(lift, LIFT_BANS_INTERVAL_MS);
  liftTimer.unref();

  // pg-boss 10 runs one job at a time per work() call; concurrency is that many calls.
  const handler = processVideoHandler(pipeline);
  for (let i = 0; i < config.workerConcurrency; i++) {
    await queue.boss.work<VideoJobData>(PROCESS_VIDEO, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 2 }, handler);
  }
  await queue.boss.work<VideoJobData>(PROCESS_VIDEO_FAILED, { batchSize: 1, pollingIntervalSeconds: 5 }, processVideoFailedHandler(pipeline));
  await queue.boss.work<RelatedJobData>(RELATE_VIDEO, { batchSize: RELATE_BATCH, pollingIntervalSeconds: 2 }, relateVideosHandler({ pool }));
  await queue.boss.work(REFRESH_RELATED, { batchSize: 1, pollingIntervalSeconds: 30 }, () => refreshRelatedVideos(pool, logger));
  await queue.boss.work(REFRESH_POPULAR, { batchSize: 1, pollingIntervalSeconds: 5 }, () => refreshPopularHandler(pool, logger));
  await queue.boss.work(RERANK_COMMENTS, { batchSize: 1, pollingIntervalSeconds: 10 }, () => rerankCommentsHandler(pool, logger));
  await queue.boss.work<BulkActionJobData>(BULK_ACTION, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 2 }, bulkActionHandler({ pool, storage: pipeline.storage, queue, logger }));
  const mailer = createMailer(config, logger);
  await queue.boss.work<MailMessage>(SEND_MAIL, { batchSize: 1, pollingIntervalSeconds: 2 }, sendMailHandler({ mailer, logger }));
  await queue.boss.work<RenumberPlaylistJobData>(RENUMBER_PLAYLIST, { batchSize: 1, pollingIntervalSeconds: 2 }, renumberPlaylistHandler({ pool, logger }));

  return {
    async stop() {
      clearInterval(timer);
      clearInterval(refreshTimer);
      clearInterval(publishTimer);
      clearInterval(liftTimer);
      clearInterval(popularTimer);
      clearInterval(rerankTimer);
      await queue.boss.offWork(PROCESS_VIDEO);
      await queue.boss.offWork(PROCESS_VIDEO_FAILED);
      await queue.boss.offWork(RELATE_VIDEO);
      await queue.boss.offWork(REFRESH_RELATED);
      await queue.boss.offWork(REFRESH_POPULAR);
      await queue.boss.offWork(RERANK_COMMENTS);
      await queue.boss.offWork(BULK_ACTION);
      await queue.boss.offWork(RENUMBER_PLAYLIST);
      // Without this a stopped worker's mailer (its SMTP server perhaps gone) goes on taking mail.
      await queue.boss.offWork(SEND_MAIL);
      // A job cut short here stays active in the queue; its lock goes with this process, so the
      // next worker to start (or any running one, within 15 s) puts it back in line.
      killRunningFfmpeg();
    },
  };
}
