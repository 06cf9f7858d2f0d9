import type { Config } from '../config.js';
import { insertNotification, type MadeNotification, type NewNotification } from '../db/notifications.js';
import type { Queryable } from '../db/pool.js';
import type { JobQueue } from '../jobs/queue.js';

/** What telling someone needs: the queue for their mail, and how long a burst waits to go as one. */
export interface NotifyDeps {
  queue: Pick<JobQueue, 'enqueueNotificationMail'>;
  config: Pick<Config, 'mailBatchSeconds'>;
}

/**
 * Tells one person of one thing: the notification (src/db/notifications.ts decides whether it
 * may be made) and, when it is due by mail, a mail job for them, after MAIL_BATCH_SECONDS so
 * that a burst goes as one message. Inside the caller's transaction when `db` is its client, so
 * that an action rolled back tells nobody. The mail job looks at the person's cadence: a daily or
 * weekly digest leaves the row for the digest.
 */
export async function notify(deps: NotifyDeps, db: Queryable, n: NewNotification): Promise<MadeNotification | null> {
  const made = await insertNotification(db, n);
  if (made?.emailDue) await deps.queue.enqueueNotificationMail(n.userId, deps.config.mailBatchSeconds, db);
  return made;
}
