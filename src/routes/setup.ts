import type { Request, Response } from 'express';
import { hashSetupToken } from '../auth/setup.js';
import { signUp } from '../auth/sign-up.js';
import { isHttps } from '../config.js';
import { SETUP_TOKEN_HOURS, claimSetupForUser, createSetupAdmin, hasAdmin, isSetupTokenValid } from '../db/setup.js';
import { field } from '../forms/fields.js';
import { parseRegistration } from '../forms/register.js';
import { forbidden, notFound } from '../http/errors.js';
import { rememberDevice } from '../http/known-device.js';
import { beginSession, flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';

const INVALID_ADDRESS = `This setup address does not work: it was mistyped, has been used, is more than ${SETUP_TOKEN_HOURS} hours old, or a newer one was printed when the server started again. Use the address printed on the console (and in the log) at the last start, or restart the server for a new one.`;
const TOKEN_MAX_LENGTH = 100;
const ADMIN_WELCOME = 'You are the administrator of this site: you may do everything, including giving roles to others.';

export function setupRoutes({ pool, storage, config, secret }: RouteDeps) {
  /**
   * The token of a setup address that still works. Once an admin exists the page is gone (404);
   * a wrong, used or replaced token gets a 403 page that says which address to use.
   */
  async function loadSetupToken(req: Request): Promise<string> {
    if (await hasAdmin(pool)) throw notFound();
    const token = req.method === 'GET' ? (typeof req.query.token === 'string' ? req.query.token : '') : field(req.body, 'token');
    if (token === '' || token.length > TOKEN_MAX_LENGTH || !(await isSetupTokenValid(pool, hashSetupToken(token)))) throw forbidden(INVALID_ADDRESS);
    return token;
  }

  function renderSetup(res: Response, status: number, token: string, values: Record<string, string> = {}, errors: Record<string, string> = {}): void {
    // The address holds the token: no cache keeps the page.
    res.status(status).set('Cache-Control', 'private, no-store').render('accounts/setup', { title: 'Set up your site', token, values, errors });
  }

  return {
    /** GET /setup?token=… — the sign-up form for the admin account, or a button for the signed-in account. */
    async showSetup(req: Request, res: Response): Promise<void> {
      renderSetup(res, 200, await loadSetupToken(req));
    },

    /** POST /setup — makes the signed-in account admin, or creates the admin account; the token is used up. */
    async setup(req: Request, res: Response): Promise<void> {
      const token = await loadSetupToken(req);
      const tokenHash = hashSetupToken(token);
      if (req.viewer) {
        if (!(await claimSetupForUser(pool, tokenHash, req.viewer.id))) throw forbidden(INVALID_ADDRESS);
        flash(req, 'success', ADMIN_WELCOME);
        return res.redirect(303, '/');
      }
      const form = parseRegistration(req.body);
      if (!form.ok) return renderSetup(res, 422, token, form.values, form.errors);
      const created = await signUp(pool, storage, form.value, (account) => createSetupAdmin(pool, account, tokenHash));
      if (!created.ok) {
        if ('setupGone' in created) throw forbidden(INVALID_ADDRESS);
        const { displayName, email } = form.value;
        return renderSetup(res, 422, token, { handle: field(req.body, 'handle').trim(), displayName, email: email ?? '' }, created.errors);
      }
      await beginSession(req, created.user.id);
      rememberDevice(res, secret, isHttps(config), created.user.id);
      flash(req, 'success', `Welcome to ${String(res.locals.siteName)}, ${created.user.displayName}! ${ADMIN_WELCOME}`);
      res.redirect(303, `/@${created.user.handle}`);
    },
  };
}
