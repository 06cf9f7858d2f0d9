import type { Request, Response } from 'express';
import { isHttps, mailEnabled } from '../config.js';
import { verifyPassword } from '../auth/passwords.js';
import { signUp } from '../auth/sign-up.js';
import { createPendingAccount } from '../db/registrations.js';
import { createAccount, findCredentials, updatePasswordHash, type User } from '../db/users.js';
import type { PoolClient } from '../db/pool.js';
import { sendConfirmationLink } from '../auth/account-email.js';
import { hitConfirmationMailTo } from '../http/account-email-limits.js';
import { field } from '../forms/fields.js';
import { parseLogin } from '../forms/login.js';
import { parseRegistration } from '../forms/register.js';
import { rememberDevice } from '../http/known-device.js';
import { safeNextPath } from '../http/next.js';
import { beginSession, endSession, flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';

/** `?next=` on a GET, the hidden `next` field on a POST; always a local path or null. */
function nextPath(req: Request): string | null {
  const raw = req.method === 'GET' ? req.query.next : field(req.body, 'next');
  const path = safeNextPath(raw, '');
  return path === '' ? null : path;
}

export function accountRoutes(deps: RouteDeps) {
  const { pool, storage, config, secret, settings } = deps;
  function renderRegister(res: Response, status: number, next: string | null, values: Record<string, string> = {}, errors: Record<string, string> = {}) {
    res.status(status).render('accounts/register', { title: 'Create an account', next, values, errors });
  }

  function renderLogin(res: Response, status: number, next: string | null, values: Record<string, string> = {}, errors: Record<string, string> = {}, problem: string | null = null) {
    res.status(status).render('accounts/login', { title: 'Sign in', next, values, errors, problem });
  }

  return {
    showRegister(req: Request, res: Response): void {
      if (req.viewer) return res.redirect(303, nextPath(req) ?? '/');
      renderRegister(res, 200, nextPath(req));
    },

    async register(req: Request, res: Response): Promise<void> {
      const next = nextPath(req);
      // The site settings' registration (issue 13, item 9): closed refuses before the form is
      // read (the page says so, nothing is written); 'approval' makes the account pending.
      const { registration } = await settings.get();
      if (registration === 'closed') return renderRegister(res, 403, next);
      const form = parseRegistration(req.body);
      if (!form.ok) return renderRegister(res, 422, next, form.values, form.errors);

      const create = registration === 'approval' ? createPendingAccount : createAccount;
      // The address typed is mailed a link even when another account already has it (and the
      // account is made without it, see signUp): the link carries it, and following it proves it.
      const typedEmail = form.value.email;
      // Past the address's limit the account is made all the same, without the mail: the answer
      // must not differ, and "send the link again" in the settings works later. With mail off
      // nothing is sent, so nothing is counted.
      const confirmLink = typedEmail && mailEnabled(config) ? async (client: PoolClient, user: User) => {
        if ((await hitConfirmationMailTo(client, typedEmail)).allowed) await sendConfirmationLink(deps, client, user, typedEmail);
      } : undefined;
      const created = await signUp(pool, storage, form.value, (account) => create(pool, account, confirmLink));
      if (!created.ok) {
        const { displayName, email } = form.value;
        return renderRegister(res, 422, next, { handle: field(req.body, 'handle').trim(), displayName, email: email ?? '' }, 'errors' in created ? created.errors : {});
      }

      if (registration === 'approval') {
        // No session: a pending account may not use the site (sign-in shows why, accounts/pending).
        flash(req, 'info', `Your account @${created.user.handle} is made and waits for a moderator's approval. You can sign in once it is approved.`);
        return res.redirect(303, '/login');
      }
      await beginSession(req, created.user.id);
      rememberDevice(res, secret, isHttps(config), created.user.id);
      flash(req, 'success', `Welcome to ${String(res.locals.siteName)}, ${created.user.displayName}! Your channel is at @${created.user.handle}.`);
      res.redirect(303, next ?? `/@${created.user.handle}`);
    },

    showLogin(req: Request, res: Response): void {
      if (req.viewer) return res.redirect(303, nextPath(req) ?? '/');
      renderLogin(res, 200, nextPath(req));
    },

    async login(req: Request, res: Response): Promise<void> {
      const next = nextPath(req);
      const form = parseLogin(req.body);
      if (!form.ok) return renderLogin(res, 422, next, form.values, form.errors);
      const { login, password } = form.value;

      const account = await findCredentials(pool, login);
      const verified = await verifyPassword(account?.passwordHash ?? null, password);
      if (!account || !verified.ok) {
        return renderLogin(res, 401, next, { login: field(req.body, 'login').trim() }, {}, 'That handle or email and password do not match an account.');
      }
      if (verified.rehash) await updatePasswordHash(pool, account.id, verified.rehash);
      // A sign-up waiting for approval gets no session at all, only this page (403): there is
      // nothing to limit, and the viewer of every other request stays as it was.
      if (account.pendingAt) {
        return void res.status(403).render('accounts/pending', { title: 'Your account waits for approval', pendingAt: account.pendingAt });
      }

      // A banned account signs in to the limited session in which every page is the ban notice
      // with its reason and end (routes/bans.ts showBanToBanned): the person learns why and until
      // when, which a refused sign-in could not tell without telling anyone with the password.
      await beginSession(req, account.id, { banned: account.bannedAt !== null });
      rememberDevice(res, secret, isHttps(config), account.id);
      res.redirect(303, next ?? '/');
    },

    async logout(req: Request, res: Response): Promise<void> {
      await endSession(req, res, isHttps(config));
      res.redirect(303, '/');
    },
  };
}
