import type PgBoss from 'pg-boss';
import type { Logger } from '../../log.js';
import type { Mailer, MailMessage } from '../../mail/mailer.js';

/**
 * Sends queued mail. A server that is down or refuses fails the job, and pg-boss tries again
 * later with a growing delay (src/jobs/queue.ts): mail waits, pages never do. With mail turned
 * off since the message was queued, it is dropped and said so in the log.
 */
export function sendMailHandler(deps: { mailer: Mailer | null; logger: Logger }) {
  return async function handle(jobs: PgBoss.Job<MailMessage>[]): Promise<void> {
    for (const job of jobs) {
      if (!deps.mailer) {
        deps.logger.warn({ to: job.data.to, subject: job.data.subject }, 'mail is off (SMTP_URL, MAIL_FROM, MAIL_TRANSPORT): message dropped');
        continue;
      }
      await deps.mailer.send(job.data);
      deps.logger.info({ to: job.data.to, subject: job.data.subject }, 'mail sent');
    }
  };
}
