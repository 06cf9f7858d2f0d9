import express, { type Request, type Response } from 'express';
import { findUnsubscribeAccount, turnOffNotificationMail } from '../db/mail-unsubscribe.js';
import { notFound } from '../http/errors.js';
import { NOTIFICATION_SETTINGS_PATH } from '../notifications/mail-content.js';
import { readUnsubscribeToken, scopeLabel } from '../notifications/unsubscribe-tokens.js';
import type { RouteDeps } from './deps.js';

const NO_LINK = 'This unsubscribe link is not valid. Change what you get by mail in your notification settings.';

/**
 * One-click unsubscribe (RFC 8058), in the open router: no session, no CSRF token, since a mail
 * provider posts it with nothing but `List-Unsubscribe=One-Click`. The signed token in the URL
 * is the whole authority (src/notifications/unsubscribe-tokens.ts). GET only asks: mail
 * scanners fetch every link of a message, and must not unsubscribe anyone.
 */
export function unsubscribeRoutes({ pool, secret }: RouteDeps) {
  async function load(req: Request) {
    const request = readUnsubscribeToken(secret, req.params.token);
    const account = request ? await findUnsubscribeAccount(pool, request.userId) : null;
    if (!request || !account) throw notFound(NO_LINK);
    return { ...request, account };
  }

  return {
    /** This router runs before the pages' body parsers: its own, for the one small field. */
    readForm: express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 }),

    async showUnsubscribe(req: Request, res: Response): Promise<void> {
      const { scope, account } = await load(req);
      // The token is a key to this person's settings: kept by no cache.
      res.set('Cache-Control', 'no-store');
      res.render('unsubscribe/confirm', { title: 'Stop mail', what: scopeLabel(scope), handle: account.handle, action: `/unsubscribe/${req.params.token}` });
    },

    async unsubscribe(req: Request, res: Response): Promise<void> {
      const { userId, scope, account } = await load(req);
      await turnOffNotificationMail(pool, userId, scope);
      req.log?.info({ userId, scope }, 'notification mail turned off by its unsubscribe link');
      res.set('Cache-Control', 'no-store');
      res.render('unsubscribe/done', { title: 'Mail stopped', what: scopeLabel(scope), handle: account.handle, settingsPath: NOTIFICATION_SETTINGS_PATH });
    },
  };
}
