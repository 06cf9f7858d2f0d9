import type PgBoss from 'pg-boss';
import { mailEnabled, type Config } from '../../config.js';
import { findMailRecipient, markMailed, takeDueMail, type MailRecipient } from '../../db/notification-mail.js';
import { withTransaction, type Pool, type PoolClient } from '../../db/pool.js';
import type { Logger } from '../../log.js';
import { notificationMail } from '../../notifications/mail-content.js';
import type { JobQueue } from '../queue.js';

/** What notification mail needs: the database, the mail queue, the signing secret and the site's name. */
export interface NotificationMailDeps {
  pool: Pool;
  queue: Pick<JobQueue, 'enqueueMail'>;
  config: Pick<Config, 'publicUrl' | 'mailTransport' | 'smtpUrl' | 'mailFrom'>;
  /** The session secret: the unsubscribe links are checked with it by the web processes. */
  secret: string;
  /** The site's name as the administrators set it (src/settings/site-settings.ts). */
  siteName: () => Promise<string>;
  logger: Logger;
}

export interface NotificationMailJobData {
  userId: number;
}

/**
 * Finds the person (`find`, which may lock them), takes their due rows, mails what is still
 * available in one message and marks them all, in one transaction with queueing the message
 * (SEND_MAIL): a crash before COMMIT leaves the rows due and queues nothing; after it, the
 * message is in the queue with its retries. `digest` says which digest this is, and when.
 * Returns how many items were mailed.
 */
export async function mailDueNotifications(deps: NotificationMailDeps, find: (client: PoolClient) => Promise<MailRecipient | null>, digest: { at: Date } | null): Promise<number> {
  const siteName = await deps.siteName();
  return withTransaction(deps.pool, async (client) => {
    const recipient = await find(client);
    if (!recipient) return 0;
    const taken = await takeDueMail(client, recipient.id);
    if (taken.mail.length > 0) {
      const period = digest && recipient.cadence !== 'instant' ? recipient.cadence : null;
      const message = notificationMail({ to: recipient.email, userId: recipient.id, siteName, publicUrl: deps.config.publicUrl, secret: deps.secret, views: taken.mail, digest: period });
      await deps.queue.enqueueMail(message, client);
    }
    await markMailed(client, recipient.id, taken, digest?.at ?? null);
    return taken.mail.length;
  });
}

/**
 * NOTIFICATION_MAIL: one person's mail at once, queued by notify() after MAIL_BATCH_SECONDS so
 * that a burst goes as one message. Nothing is marked when mail is off, the account is gone or
 * banned, or its address is not confirmed (the rows wait, as for a digest); a person on a daily
 * or weekly digest is left to the digest.
 */
export function notificationMailHandler(deps: NotificationMailDeps) {
  return async function handle(jobs: PgBoss.Job<NotificationMailJobData>[]): Promise<void> {
    for (const job of jobs) {
      if (!mailEnabled(deps.config)) return;
      const { userId } = job.data;
      const mailed = await mailDueNotifications(deps, async (client) => {
        const recipient = await findMailRecipient(client, userId);
        return recipient?.cadence === 'instant' ? recipient : null;
      }, null);
      deps.logger.debug({ userId, mailed }, 'notification mail queued');
    }
  };
}
