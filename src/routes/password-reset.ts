import type { Request, Response } from 'express';
import { sendResetLink, announcePasswordChange } from '../auth/account-email.js';
import { hashPassword } from '../auth/passwords.js';
import { isHttps, mailEnabled } from '../config.js';
import { findAccountEmail, findResettableAccount, resetPasswordWithToken } from '../db/account-email.js';
import { findEmailToken, RESET_LINK_LIFETIME_MS, tokenState } from '../db/email-tokens.js';
import { withTransaction } from '../db/pool.js';
import { parseForgotPassword, parsePasswordReset } from '../forms/account-email.js';
import { hitResetMailTo } from '../http/account-email-limits.js';
import { endSession } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { renderLinkGone } from './email-links.js';

/**
 * "Forgot your password?" (issue 14, item 6). The answer to the form is the same page and
 * status whether or not an account has the address, and whatever state it is in (banned,
 * waiting for approval, deleted): only a live account's confirmed address gets the mail. The
 * link's page (GET) only reads the link, since mail scanners open links; the new password
 * (POST) uses it, and ends every session of the account.
 */
export function passwordResetRoutes(deps: RouteDeps) {
  const { pool, config } = deps;
  const minutes = RESET_LINK_LIFETIME_MS / 60_000;

  function renderForgot(res: Response, status: number, values: Record<string, string> = {}, errors: Record<string, string> = {}, sentTo: string | null = null) {
    res.status(status).render('accounts/forgot-password', { title: 'Forgot your password?', mailOn: mailEnabled(config), values, errors, sentTo, minutes });
  }

  function renderReset(res: Response, status: number, token: string, handle: string, errors: Record<string, string> = {}) {
    res.status(status).render('accounts/reset-password', { title: 'Choose a new password', token, handle, errors });
  }

  /** The account a reset link is for while the link still works; otherwise the link-gone page is sent and null returned. */
  async function loadResetLink(req: Request, res: Response): Promise<{ token: string; userId: number; handle: string } | null> {
    const token = String(req.params.token);
    const link = await findEmailToken(pool, token, 'reset');
    const state = tokenState(link, deps.now());
    const account = link && state === 'valid' ? await findAccountEmail(pool, link.userId) : null;
    // The link went to an address that is no longer the account's confirmed one: not for it now.
    const stillItsAddress = account?.confirmedAt && account.email?.toLowerCase() === link?.email.toLowerCase();
    if (!link || !account || !stillItsAddress) {
      renderLinkGone(res, state === 'valid' ? 'unknown' : state, 'reset');
      return null;
    }
    return { token, userId: account.id, handle: account.handle };
  }

  return {
    showForgot(_req: Request, res: Response): void {
      renderForgot(res, 200);
    },

    async requestReset(req: Request, res: Response): Promise<void> {
      // Said on the page, not as an error: nothing the person typed is wrong.
      if (!mailEnabled(config)) return renderForgot(res, 200);
      const form = parseForgotPassword(req.body);
      if (!form.ok) return renderForgot(res, 422, form.values, form.errors);
      // The same words for every address, sent before the address is even looked up: neither
      // the page nor the time it takes says whether an account has it.
      renderForgot(res, 200, {}, {}, form.value.email);
      try {
        // Past the address's limit: no mail, and the same answer (src/http/account-email-limits.ts).
        if (!(await hitResetMailTo(pool, form.value.email)).allowed) return;
        const account = await findResettableAccount(pool, form.value.email);
        if (account) await withTransaction(pool, (client) => sendResetLink(deps, client, account));
      } catch (err) {
        // The answer has gone: the error handler could not show this, the log must.
        req.log?.error({ err }, 'reset link not sent');
      }
    },

    async showReset(req: Request, res: Response): Promise<void> {
      const link = await loadResetLink(req, res);
      if (link) renderReset(res, 200, link.token, link.handle);
    },

    async resetPassword(req: Request, res: Response): Promise<void> {
      const link = await loadResetLink(req, res);
      if (!link) return;
      const form = parsePasswordReset(req.body, link.handle);
      if (!form.ok) return renderReset(res, 422, link.token, link.handle, form.errors);
      const passwordHash = await hashPassword(form.value.newPassword);
      const done = await resetPasswordWithToken(pool, link.token, passwordHash, deps.now(), (client, userId) => announcePasswordChange(deps, client, userId));
      // Used by another request (a double click) or expired while the password was hashed.
      if (!done) return renderLinkGone(res, 'used', 'reset');
      // Its row is already deleted; without this the session would be saved again at the end of this request.
      if (req.viewer?.id === done.userId) {
        await endSession(req, res, isHttps(config));
        res.locals.viewer = null;
      }
      res.render('accounts/password-reset-done', { title: 'Your password has been changed', handle: link.handle, sessionsEnded: done.sessionsEnded });
    },
  };
}
