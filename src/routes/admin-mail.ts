import type { Request, Response } from 'express';
import { mailEnabled } from '../config.js';
import { countMailQueue, listTroubledMail, MAIL_SHOWN } from '../db/mail-queue.js';
import { parseTestMail } from '../forms/test-mail.js';
import { HttpError } from '../http/errors.js';
import { flash } from '../http/session.js';
import { SEND_MAIL } from '../jobs/queue.js';
import { composeMail } from '../mail/compose.js';
import { senderAddress } from '../mail/mailer.js';
import type { RouteDeps } from './deps.js';

/**
 * /admin/mail (issue 14; permission `settings.edit`, admins): whether the site sends mail and
 * through what, the mail queue (waiting, retrying with the server's last answer, given up), and a
 * test message to check a provider's settings. The server is named by host and port only: the
 * login in SMTP_URL is never shown.
 */
export function adminMailRoutes({ pool, config, queue }: RouteDeps) {
  const enabled = mailEnabled(config);
  const server = config.mailTransport === 'smtp' && config.smtpUrl ? (() => {
    const url = new URL(config.smtpUrl);
    return `${url.protocol === 'smtps:' ? 'smtps' : 'smtp'}://${url.hostname}:${url.port || (url.protocol === 'smtps:' ? '465' : '587')}`;
  })() : null;
  const status = { enabled, transport: config.mailTransport, server, from: enabled ? senderAddress(config) : config.mailFrom };

  async function render(res: Response, httpStatus: number, values: Record<string, string>, errors: Record<string, string>): Promise<void> {
    const [counts, troubled] = await Promise.all([countMailQueue(pool, SEND_MAIL), listTroubledMail(pool, SEND_MAIL)]);
    res.status(httpStatus).render('admin/mail', { title: 'Mail', status, counts, troubled, shown: MAIL_SHOWN, values, errors, now: new Date() });
  }

  return {
    /** GET /admin/mail */
    async show(_req: Request, res: Response): Promise<void> {
      await render(res, 200, { to: '' }, {});
    },

    /**
     * POST /admin/mail/test — queues a test message, as any mail is sent: the page answers at
     * once, and a refusal shows on this page with the server's words.
     */
    async sendTest(req: Request, res: Response): Promise<void> {
      const form = parseTestMail(req.body);
      if (!form.ok) return render(res, 422, form.values, form.errors);
      if (!enabled) throw new HttpError(409, 'Mail is off: set SMTP_URL and MAIL_FROM (or MAIL_TRANSPORT=log) and restart.');
      const siteName = String(res.locals.siteName);
      await queue.enqueueMail(composeMail({
        to: form.value.to,
        siteName,
        subject: 'Test message',
        paragraphs: [`This is a test message from ${siteName}, sent by @${req.viewer!.handle} from the mail page.`, 'If you can read it, the site can send mail.'],
      }));
      flash(req, 'info', `A test message to ${form.value.to} is queued. If the server refuses it, it shows below with the server’s answer.`);
      res.redirect(303, '/admin/mail');
    },
  };
}
