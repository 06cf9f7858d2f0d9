import type PgBoss from 'pg-boss';
import type { Logger } from '../../log.js';
import type { Mailer } from '../../mail/mailer.js';
import { openMail, type SealedMail } from '../../mail/sealed.js';

/**
 * Sends queued mail. A server that is down or refuses fails the job, and pg-boss tries again
 * later with a growing delay (src/jobs/queue.ts): mail waits, pages never do. With mail turned
 * off since the message was queued, it is dropped and said so in the log.
 */
export function sendMailHandler(deps: { mailer: Mailer | null; logger: Logger; secret: string }) {
  return async function handle(jobs: PgBoss.Job<SealedMail>[]): Promise<void> {
    for (const job of jobs) {
      if (!deps.mailer) {
        deps.logger.warn({ to: job.data.to, subject: job.data.subject }, 'mail is off (SMTP_URL, MAIL_FROM, MAIL_TRANSPORT): message dropped');
        continue;
      }
      // Sealed under another secret (the web processes' differs from this worker's): it can never
      // be opened here, so the job fails at once, with why, rather than with each retry.
      let message;
      try {
        message = openMail(job.data, deps.secret);
      } catch {
        deps.logger.error({ to: job.data.to, subject: job.data.subject }, 'queued mail cannot be opened: the web processes and this worker must share SESSION_SECRET');
        throw new Error('the message was sealed under another SESSION_SECRET than this worker\'s');
      }
      await deps.mailer.send(message);
      deps.logger.info({ to: job.data.to, subject: job.data.subject }, 'mail sent');
    }
  };
}
