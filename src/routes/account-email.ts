import type { Request, Response } from 'express';
import { announceEmailChange, sendConfirmationLink } from '../auth/account-email.js';
import { verifyPassword } from '../auth/passwords.js';
import { mailEnabled } from '../config.js';
import { confirmEmailAddress, findAccountEmail, type AccountEmail } from '../db/account-email.js';
import { findEmailToken, tokenState } from '../db/email-tokens.js';
import { withTransaction } from '../db/pool.js';
import { findPasswordHash } from '../db/users.js';
import { parseEmailChange } from '../forms/account-email.js';
import { hitConfirmationMailTo, tooManyConfirmationsTo } from '../http/account-email-limits.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { renderLinkGone } from './email-links.js';

/**
 * Confirmed addresses (issue 14, item 6). A new address is only written to the account once
 * its owner followed the link mailed to it: until then the token row holds it and the account
 * keeps the address it had. Adding or replacing an address asks for the password, as big sites
 * do, since the address is where a reset link would go.
 */
export function accountEmailRoutes(deps: RouteDeps) {
  const { pool, config } = deps;

  /** The account's address section of the settings page; 422 or 409 with the form as typed. */
  async function renderEmailPage(req: Request, res: Response, status: number, values: Record<string, string> = {}, errors: Record<string, string> = {}, problem: string | null = null) {
    const account = await loadAccount(req);
    res.status(status).render('settings/email', { title: 'Your email address', account, mailOn: mailEnabled(config), values, errors, problem });
  }

  async function loadAccount(req: Request): Promise<AccountEmail> {
    const account = await findAccountEmail(pool, req.viewer!.id);
    if (!account) throw notFound();
    return account;
  }

  /**
   * A confirmation link to `email`, or a 429 past the address's limit. Counted in the
   * transaction that sends it: a refused or failed send does not count.
   */
  async function sendLimitedConfirmation(account: AccountEmail, email: string): Promise<void> {
    await withTransaction(pool, async (client) => {
      const window = await hitConfirmationMailTo(client, email);
      if (!window.allowed) throw tooManyConfirmationsTo(window);
      await sendConfirmationLink(deps, client, account, email);
    });
  }

  const MAIL_OFF = 'This site cannot send mail at the moment, so addresses cannot be confirmed. Ask an administrator of the site.';

  return {
    /**
     * The link's page only asks (GET): mail scanners open every link of a message, and a link
     * used by one would confirm an address nobody read, and take it from an account that typed it.
     */
    async showConfirm(req: Request, res: Response): Promise<void> {
      const token = String(req.params.token);
      const link = await findEmailToken(pool, token, 'confirm');
      const state = tokenState(link, deps.now());
      const account = link && state === 'valid' ? await findAccountEmail(pool, link.userId) : null;
      if (!link || !account) return renderLinkGone(res, state === 'valid' ? 'unknown' : state, 'confirm');
      res.render('accounts/confirm-email', { title: 'Confirm your email address', token, email: link.email, handle: account.handle });
    },

    async confirm(req: Request, res: Response): Promise<void> {
      const token = String(req.params.token);
      const state = tokenState(await findEmailToken(pool, token, 'confirm'), deps.now());
      if (state !== 'valid') return renderLinkGone(res, state, 'confirm');
      const result = await confirmEmailAddress(pool, token, deps.now(), async (client, done) => {
        const previous = done.previous;
        if (previous?.confirmed && previous.email.toLowerCase() !== done.email.toLowerCase()) {
          await announceEmailChange(deps, client, { handle: done.handle, oldEmail: previous.email, newEmail: done.email });
        }
      });
      if (!result.ok) return renderLinkGone(res, result.reason === 'gone' ? 'used' : result.reason, 'confirm');
      res.render('accounts/email-confirmed', { title: 'Your email address is confirmed', email: result.email, handle: result.handle });
    },

    showEmail: (req: Request, res: Response) => renderEmailPage(req, res, 200),

    async changeEmail(req: Request, res: Response): Promise<void> {
      if (!mailEnabled(config)) return renderEmailPage(req, res, 409, {}, {}, MAIL_OFF);
      const form = parseEmailChange(req.body);
      if (!form.ok) return renderEmailPage(req, res, 422, form.values, form.errors);
      const account = await loadAccount(req);
      const { email, currentPassword } = form.value;
      if (account.confirmedAt && account.email?.toLowerCase() === email.toLowerCase()) {
        return renderEmailPage(req, res, 422, { email }, { email: 'This is already your confirmed address.' });
      }
      // Asked for a first address too: an address leads to a reset link, so a stolen session
      // could otherwise set one of its own, confirm it, and reset the password for good.
      if (currentPassword === '') return renderEmailPage(req, res, 422, { email }, { currentPassword: 'Enter your current password to add or change your address.' });
      const verified = await verifyPassword(await findPasswordHash(pool, account.id), currentPassword);
      if (!verified.ok) return renderEmailPage(req, res, 422, { email }, { currentPassword: 'That is not your current password.' });
      // Whether another account has the address is not said here (it would tell anyone who has
      // an account); the link's page says so if that is still true when it is followed.
      await sendLimitedConfirmation(account, email);
      flash(req, 'success', account.email && account.confirmedAt
        ? `We sent a link to ${email}. Your address stays ${account.email} until you follow it.`
        : `We sent a link to ${email}. Follow it to confirm the address.`);
      res.redirect(303, '/settings');
    },

    async resendConfirmation(req: Request, res: Response): Promise<void> {
      if (!mailEnabled(config)) return renderEmailPage(req, res, 409, {}, {}, MAIL_OFF);
      const account = await loadAccount(req);
      // Nothing waits (a second click after confirming): said, and nothing sent.
      if (!account.pending) return renderEmailPage(req, res, 409, {}, {}, 'There is no address waiting for confirmation.');
      const email = account.pending.email;
      await sendLimitedConfirmation(account, email);
      flash(req, 'success', `We sent the link to ${email} again.`);
      res.redirect(303, '/settings');
    },
  };
}
