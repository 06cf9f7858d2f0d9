import type { Request, Response } from 'express';
import { isHttps } from '../config.js';
import { verifyPassword } from '../auth/passwords.js';
import { signUp } from '../auth/sign-up.js';
import { createAccount, findCredentials, updatePasswordHash } from '../db/users.js';
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

export function accountRoutes({ pool, storage, config, secret }: RouteDeps) {
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
      const form = parseRegistration(req.body);
      if (!form.ok) return renderRegister(res, 422, next, form.values, form.errors);

      const created = await signUp(pool, storage, form.value, (account) => createAccount(pool, account));
      if (!created.ok) {
        const { displayName, email } = form.value;
        return renderRegister(res, 422, next, { handle: field(req.body, 'handle').trim(), displayName, email: email ?? '' }, 'errors' in created ? created.errors : {});
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
