import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config.js';
import { findOrphanedJobs } from '../db/jobs.js';
import { notifyPagesStale } from '../db/page-events.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../log.js';
import { createMailer } from '../mail/mailer.js';
import type { SealedMail } from '../mail/sealed.js';
import { killRunningFfmpeg, resolveBinaries } from '../media/ffmpeg.js';
import { LocalStorage } from '../media/storage.js';
import { processVideoFailedHandler, processVideoHandler, type VideoJobData } from './handlers/process-video.js';
import { bulkActionHandler, type BulkActionJobData } from './handlers/bulk-actions.js';
import { REFRESH_POPULAR_SECONDS, refreshPopularHandler } from './handlers/popular-videos.js';
import { RERANK_COMMENTS_SECONDS, rerankCommentsHandler } from './handlers/comment-ranking.js';
import { PUBLISH_INTERVAL_MS, publishScheduledVideos } from './handlers/publish-scheduled.js';
import { LIFT_BANS_INTERVAL_MS, liftBans } from './handlers/lift-bans.js';
import { sendMailHandler } from './handlers/send-mail.js';
import { notificationMailHandler, type NotificationMailDeps, type NotificationMailJobData } from './handlers/notification-mail.js';
import { NOTIFICATION_DIGESTS_SECONDS, sendDigests } from './handlers/notification-digests.js';
import { createSiteSettings } from '../settings/site-settings.js';
import { askForFanout, FANOUT_CHECK_INTERVAL_MS, notificationFanoutHandler } from './handlers/notification-fanout.js';
import { announcePublication } from '../notifications/new-videos.js';
import { renumberPlaylistHandler, type RenumberPlaylistJobData } from './handlers/renumber-playlist.js';
import { tellerOf } from '../notifications/tell.js';
import { refreshRelatedVideos, relateVideosHandler, type RelatedJobData } from './handlers/related-videos.js';
import { BULK_ACTION, PROCESS_VIDEO, PROCESS_VIDEO_FAILED, REFRESH_POPULAR, REFRESH_RELATED, RELATE_VIDEO, RENUMBER_PLAYLIST, RERANK_COMMENTS, SEND_MAIL, NOTIFICATION_MAIL, NOTIFICATION_DIGESTS, NOTIFICATION_FANOUT, type JobQueue } from './queue.js';

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
export async function startWorker(deps: { config: Config; databaseUrl: string; pool: Pool; queue: JobQueue; logger: Logger; sessionSecret: string }): Promise<Worker> {
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
    // The owner learns their video is ready or failed (src/jobs/handlers/process-video.ts, pipeline.ts).
    tell: tellerOf({ queue, config }),
    // Ready means watchable: its related videos are worked out now, in the background (should
    // the job not be queued, the watch page works them out when it finds none), and the web
    // processes' kept pages go, so that it shows on home and its channel at once.
    onReady: async (videoId: number) => {
      await notifyPagesStale(pool).catch((err) => logger.warn({ err, videoId }, 'telling the web processes failed'));
      await queue.enqueueRelated(videoId).catch((err) => logger.warn({ err, videoId }, 'queueing related videos failed'));
      // Uploaded as public and listed now: announced to its channel's subscribers (once; src/notifications/new-videos.ts).
      await announcePublication({ pool, queue }, videoId).catch((err) => logger.warn({ err, videoId }, 'announcing the new video failed'));
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

  // Notification digests (src/jobs/handlers/notification-digests.ts), the same way, every ten minutes.
  const askForDigests = () => queue.boss.sendThrottled(NOTIFICATION_DIGESTS, {}, {}, NOTIFICATION_DIGESTS_SECONDS, 'schedule')
    .catch((err) => logger.warn({ err }, 'scheduling the notification digests failed'));
  await askForDigests();
  const digestTimer = setInterval(askForDigests, (NOTIFICATION_DIGESTS_SECONDS * 1000) / 2);
  digestTimer.unref();

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

  // New videos told to subscribers: publishing queues the job; this finds events left without one.
  const fanout = () => askForFanout({ pool, queue }).catch((err) => logger.warn({ err }, 'looking for new videos to announce failed'));
  await fanout();
  const fanoutTimer = setInterval(fanout, FANOUT_CHECK_INTERVAL_MS);
  fanoutTimer.unref();

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
  await queue.boss.work<SealedMail>(SEND_MAIL, { batchSize: 1, pollingIntervalSeconds: 2 }, sendMailHandler({ mailer, logger, secret: deps.sessionSecret }));
  // Notification mail signs its unsubscribe links with the session secret, which the web
  // processes check them with; the site's name as the administrators set it.
  const siteSettings = createSiteSettings(pool, config);
  const notificationMail: NotificationMailDeps = { pool, queue, config, secret: deps.sessionSecret, siteName: async () => (await siteSettings.get()).siteName, logger };
  await queue.boss.work<NotificationMailJobData>(NOTIFICATION_MAIL, { batchSize: 1, pollingIntervalSeconds: 2 }, notificationMailHandler(notificationMail));
  await queue.boss.work(NOTIFICATION_DIGESTS, { batchSize: 1, pollingIntervalSeconds: 10 }, () => sendDigests(notificationMail, new Date()).then(() => {}));
  await queue.boss.work<RenumberPlaylistJobData>(RENUMBER_PLAYLIST, { batchSize: 1, pollingIntervalSeconds: 2 }, renumberPlaylistHandler({ pool, logger }));
  await queue.boss.work(NOTIFICATION_FANOUT, { batchSize: 1, pollingIntervalSeconds: 1 }, notificationFanoutHandler({ pool, queue, config, logger }));

  return {
    async stop() {
      clearInterval(timer);
      clearInterval(refreshTimer);
      clearInterval(publishTimer);
      clearInterval(liftTimer);
      clearInterval(popularTimer);
      clearInterval(rerankTimer);
      clearInterval(digestTimer);
      clearInterval(fanoutTimer);
      // Every queue a worker may work, whether or not this one does: a subscription left behind
      // on the shared queue (tests start and stop workers on one) would take jobs with stale settings.
      for (const name of [PROCESS_VIDEO, PROCESS_VIDEO_FAILED, RELATE_VIDEO, REFRESH_RELATED, REFRESH_POPULAR, RERANK_COMMENTS, BULK_ACTION, RENUMBER_PLAYLIST, SEND_MAIL, NOTIFICATION_MAIL, NOTIFICATION_DIGESTS, NOTIFICATION_FANOUT]) {
        await queue.boss.offWork(name);
      }
      // A job cut short here stays active in the queue; its lock goes with this process, so the
      // next worker to start (or any running one, within 15 s) puts it back in line.
      killRunningFfmpeg();
    },
  };
}
