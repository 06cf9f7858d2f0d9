import PgBoss from 'pg-boss';
import type { PoolClient, Queryable } from '../db/pool.js';
import type { Logger } from '../log.js';
import type { MailMessage } from '../mail/mailer.js';
import { sealMail } from '../mail/sealed.js';

export const PROCESS_VIDEO = 'video.process';
/** Where pg-boss moves a processing job that used up its retries; its handler marks the video failed. */
export const PROCESS_VIDEO_FAILED = 'video.process.failed';
/** Works out and stores one video's related videos (src/db/related-videos.ts). */
export const RELATE_VIDEO = 'video.related';
/** Works out again the related videos stored longest ago; sent on a schedule by every worker, run once per period. */
export const REFRESH_RELATED = 'video.related.refresh';
/** Works out again the week's most viewed videos (src/db/popular-videos.ts); sent like REFRESH_RELATED. */
export const REFRESH_POPULAR = 'video.popular.refresh';
/** Ranks again the Top order of the comments of videos whose likes and replies changed (src/db/comment-ranking.ts); sent like REFRESH_RELATED. */
export const RERANK_COMMENTS = 'comments.rerank';
/** A creator's bulk change of a large selection of videos (src/jobs/handlers/bulk-actions.ts). */
export const BULK_ACTION = 'studio.bulk-action';
/** Renumbers one playlist's positions GAP apart after moves crowded a gap (src/db/playlist-order.ts). */
export const RENUMBER_PLAYLIST = 'playlist.renumber';
/** Sends one message (src/mail/mailer.ts); retried with backoff while the server is down or refuses. */
export const SEND_MAIL = 'mail.send';
/** Mails one person what is due for them at once (src/jobs/handlers/notification-mail.ts); one waiting job per person. */
export const NOTIFICATION_MAIL = 'notifications.mail';
/** Sends the daily and weekly digests that are due; sent on a schedule by every worker. */
export const NOTIFICATION_DIGESTS = 'notifications.digests';
/** Tells subscribers of new videos, in batches (src/jobs/handlers/notification-fanout.ts); one waiting job at a time. */
export const NOTIFICATION_FANOUT = 'notifications.fanout';

/**
 * Mail is tried for about a day: 30 s, 1 min, 2 min … apart (pg-boss doubles the delay), so a
 * mail server down for hours delays mail and loses none; pages only queue it.
 */
const MAIL_RETRY_LIMIT = 12;
const MAIL_RETRY_DELAY_SECONDS = 30;

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
  /**
   * Queues working out a video's related videos: when it becomes ready, and whenever its title,
   * tags or visibility change. Inside the caller's transaction when a client is given.
   */
  enqueueRelated(videoId: number, client?: PoolClient): Promise<void>;
  /** Queues running a bulk action (the bulk_actions row), inside the caller's transaction when a client is given. */
  enqueueBulkAction(bulkActionId: number, client?: PoolClient): Promise<void>;
  /** Queues renumbering a playlist, inside the moving transaction when a client is given; one waiting job per playlist. */
  enqueueRenumberPlaylist(playlistId: number, client?: PoolClient): Promise<void>;
  /** Queues one mail, sealed, inside the caller's transaction when a client is given (a refused request sends nothing). */
  enqueueMail(message: MailMessage, client?: Queryable): Promise<void>;
  /**
   * Queues mailing one person what is due for them, after `afterSeconds` so that a burst goes as
   * one message; a person with a job already waiting gets no second one.
   */
  enqueueNotificationMail(userId: number, afterSeconds: number, client?: Queryable): Promise<void>;
  /** The same for many people at once (a fan-out batch), in one statement. */
  enqueueNotificationMails(userIds: readonly number[], afterSeconds: number, client?: Queryable): Promise<void>;
  /** Queues telling subscribers of newly published videos; one waiting job covers every event recorded before it runs. */
  enqueueFanout(client?: Queryable): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The queue in the database at `databaseUrl`. `secret` (the session secret) seals the mail it
 * queues (src/mail/sealed.ts); the worker that sends it opens it with the same.
 */
export async function startQueue(databaseUrl: string, logger: Logger, options: { supervise: boolean; secret: string }): Promise<JobQueue> {
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
  // No dead letter: a video left without a list gets one from its watch page, a stale one from the refresh.
  await boss.createQueue(RELATE_VIDEO, { name: RELATE_VIDEO, retryLimit: RETRY_LIMIT, retryDelay: RETRY_DELAY_SECONDS, retryBackoff: true });
  await boss.createQueue(REFRESH_RELATED, { name: REFRESH_RELATED, retryLimit: 0 });
  // No retry either: the next period's refresh comes within a minute, and home keeps the last list meanwhile.
  await boss.createQueue(REFRESH_POPULAR, { name: REFRESH_POPULAR, retryLimit: 0 });
  // No retry: the next period's job takes the videos still due.
  await boss.createQueue(RERANK_COMMENTS, { name: RERANK_COMMENTS, retryLimit: 0 });
  // A retry goes on where the last try stopped (the row counts what was done).
  await boss.createQueue(BULK_ACTION, { name: BULK_ACTION, retryLimit: RETRY_LIMIT, retryDelay: RETRY_DELAY_SECONDS, retryBackoff: true });
  // 'stately': at most one waiting and one running job per playlist (the singleton key), so every
  // move into a crowded gap may ask without piling up jobs; a second send is an ON CONFLICT DO
  // NOTHING, no error in the mover's transaction. Retried: until it runs, moves only fall back to
  // renumbering themselves when a gap is quite used up.
  await boss.createQueue(RENUMBER_PLAYLIST, { name: RENUMBER_PLAYLIST, policy: 'stately', retryLimit: RETRY_LIMIT, retryDelay: RETRY_DELAY_SECONDS, retryBackoff: true });
  await boss.createQueue(SEND_MAIL, { name: SEND_MAIL, retryLimit: MAIL_RETRY_LIMIT, retryDelay: MAIL_RETRY_DELAY_SECONDS, retryBackoff: true });
  // 'stately' with the person's id as singleton key: one waiting job per person, as for RENUMBER_PLAYLIST.
  await boss.createQueue(NOTIFICATION_MAIL, { name: NOTIFICATION_MAIL, policy: 'stately', retryLimit: MAIL_RETRY_LIMIT, retryDelay: MAIL_RETRY_DELAY_SECONDS, retryBackoff: true });
  await boss.createQueue(NOTIFICATION_DIGESTS, { name: NOTIFICATION_DIGESTS, retryLimit: 0 });
  // 'stately' with one key: one waiting job, however many videos are published meanwhile.
  await boss.createQueue(NOTIFICATION_FANOUT, { name: NOTIFICATION_FANOUT, policy: 'stately', retryLimit: RETRY_LIMIT, retryDelay: RETRY_DELAY_SECONDS, retryBackoff: true });
  const inTransaction = (client?: Queryable) =>
    client ? { db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) } } : {};
  return {
    boss,
    async enqueueVideo(videoId, durationSeconds, client) {
      await boss.send(PROCESS_VIDEO, { videoId }, { expireInSeconds: expirySeconds(durationSeconds), ...inTransaction(client) });
    },
    async enqueueRelated(videoId, client) {
      await boss.send(RELATE_VIDEO, { videoId }, inTransaction(client));
    },
    async enqueueBulkAction(bulkActionId, client) {
      // Up to a few thousand changes and deletes of files: the hour pg-boss allows by default is plenty.
      await boss.send(BULK_ACTION, { bulkActionId }, inTransaction(client));
    },
    async enqueueRenumberPlaylist(playlistId, client) {
      await boss.send(RENUMBER_PLAYLIST, { playlistId }, { singletonKey: String(playlistId), ...inTransaction(client) });
    },
    async enqueueMail(message, client) {
      await boss.send(SEND_MAIL, sealMail(message, options.secret), inTransaction(client));
    },
    async enqueueNotificationMail(userId, afterSeconds, client) {
      await boss.send(NOTIFICATION_MAIL, { userId }, { singletonKey: String(userId), startAfter: afterSeconds, ...inTransaction(client) });
    },
    async enqueueNotificationMails(userIds, afterSeconds, client) {
      if (userIds.length === 0) return;
      // The same job as enqueueNotificationMail sends, one row each (insert takes the delay as an interval's text).
      await boss.insert(userIds.map((userId) => ({ name: NOTIFICATION_MAIL, data: { userId }, singletonKey: String(userId), startAfter: String(afterSeconds) })), inTransaction(client));
    },
    async enqueueFanout(client) {
      await boss.send(NOTIFICATION_FANOUT, {}, { singletonKey: 'fanout', ...inTransaction(client) });
    },
    stop: () => {
      stopping = true;
      return boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
