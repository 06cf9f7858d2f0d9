import { mailEnabled } from '../../config.js';
import { listPeopleWithMailDue, lockDigestRecipient } from '../../db/notification-mail.js';
import { mailDueNotifications, type NotificationMailDeps } from './notification-mail.js';

/**
 * How often every worker asks for the digests (one job per period whatever the number of
 * workers, see worker.ts): a digest goes within this long of being due.
 */
export const NOTIFICATION_DIGESTS_SECONDS = 10 * 60;
/** People looked at per query while walking those with mail due. */
const DIGEST_BATCH = 200;

/**
 * NOTIFICATION_DIGESTS: a digest to each person on a daily or weekly cadence whose period has
 * passed (`now`, given by tests) and who has rows due. Only people with something due are
 * looked at, walking notifications_email_due_idx; a person with nothing new gets nothing.
 * Each digest is its own transaction under the person's row lock, so two runs never send the
 * same period twice. Returns how many digests were queued.
 */
export async function sendDigests(deps: NotificationMailDeps, now: Date): Promise<number> {
  if (!mailEnabled(deps.config)) return 0;
  let sent = 0;
  let after = 0;
  for (;;) {
    const people = await listPeopleWithMailDue(deps.pool, after, now, DIGEST_BATCH);
    for (const person of people.filter((p) => p.digestDue)) {
      // Asked again under the person's lock: the list was read without one. One person's
      // failure (rolled back, their rows still due) does not hold up everyone after them.
      const mailed = await mailDueNotifications(deps, (client) => lockDigestRecipient(client, person.userId, now), { at: now })
        .catch((err) => { deps.logger.warn({ err, userId: person.userId }, 'notification digest failed'); return 0; });
      if (mailed > 0) sent += 1;
    }
    if (people.length < DIGEST_BATCH) break;
    after = people[people.length - 1]!.userId;
  }
  deps.logger.debug({ sent }, 'notification digests queued');
  return sent;
}
