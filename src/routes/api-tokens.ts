import type { Request, Response } from 'express';
import { SCOPES, newTokenSecret, type Scope } from '../auth/api-tokens.js';
import { sharexFileName, sharexUploader } from '../api/sharex.js';
import { MAX_TOKENS_PER_ACCOUNT, deleteApiToken, deleteApiTokensOf, insertApiToken, listApiTokens, type NewApiToken } from '../db/api-tokens.js';
import { field } from '../forms/fields.js';
import { EXPIRY_CHOICES, EXPIRY_DAYS, TOKEN_NAME_MAX, parseApiToken } from '../forms/api-token.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';

const TOKEN_ID = /^[1-9]\d{0,15}$/;
const FULL = `You already hold ${MAX_TOKENS_PER_ACCOUNT} access tokens, the most one account may have. Revoke one you no longer use, then try again.`;

interface PageState {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  /** The token just made: its secret is shown on this answer only. */
  created?: { name: string; secret: string };
  /** A refusal that is no field's (too many tokens). */
  problem?: string;
}

/**
 * Settings → Access tokens (issue 15): the account's personal access tokens, a form to make one
 * and the ShareX uploader. A secret is shown once, on the answer to the form that made it
 * (201, never stored, never in a URL or a flash that outlives the page); afterwards only its first
 * characters. Revoking deletes the token; the account is in every query's WHERE, so another
 * account's token id is a 404.
 */
export function apiTokenRoutes(deps: RouteDeps) {
  const { pool, config } = deps;

  async function render(req: Request, res: Response, status: number, state: PageState = {}): Promise<void> {
    const now = deps.now();
    const tokens = (await listApiTokens(pool, req.viewer!.id)).map((t) => ({ ...t, expired: t.expiresAt !== null && t.expiresAt <= now }));
    // The answer holds a secret, or a form's typed values: no cache keeps it, and no reload shows it again without a new post.
    res.set('Cache-Control', 'no-store');
    res.status(status).render('settings/tokens', {
      title: 'Access tokens',
      tokens,
      scopes: Object.entries(SCOPES).map(([name, s]) => ({ name, label: s.label })),
      scopeLabels: Object.fromEntries(Object.entries(SCOPES).map(([name, s]) => [name, s.label])),
      expiryDays: EXPIRY_DAYS,
      expiryChoices: EXPIRY_CHOICES,
      nameMax: TOKEN_NAME_MAX,
      maxTokens: MAX_TOKENS_PER_ACCOUNT,
      values: state.values ?? { expiry: '90', scopes: '' },
      errors: state.errors ?? {},
      created: state.created ?? null,
      problem: state.problem ?? null,
      today: now.toISOString().slice(0, 10),
    });
  }

  /** Stores a new token of the viewer; its secret, or null when the account holds the most. */
  async function issue(userId: number, details: Omit<NewApiToken, 'userId' | 'hash' | 'shownStart'>): Promise<string | null> {
    const { secret, hash, shownStart } = newTokenSecret();
    const token = await insertApiToken(pool, { userId, hash, shownStart, ...details });
    return token ? secret : null;
  }

  return {
    show: (req: Request, res: Response) => render(req, res, 200),

    async create(req: Request, res: Response): Promise<void> {
      const form = parseApiToken(req.body, deps.now());
      if (!form.ok) return render(req, res, 422, { values: form.values, errors: form.errors });
      const secret = await issue(req.viewer!.id, { ...form.value, kind: 'personal' });
      if (!secret) return render(req, res, 409, { values: { name: form.value.name, scopes: form.value.scopes.join(','), expiry: field(req.body, 'expiry'), expiresOn: field(req.body, 'expiresOn') }, problem: FULL });
      await render(req, res, 201, { created: { name: form.value.name, secret } });
    },

    async revoke(req: Request, res: Response): Promise<void> {
      const id = String(req.params.id ?? '');
      if (!TOKEN_ID.test(id) || !(await deleteApiToken(pool, req.viewer!.id, Number(id)))) throw notFound('You have no such access token: it may have been revoked already.');
      flash(req, 'success', 'The token has been revoked: it no longer works.');
      res.redirect(303, '/settings/tokens');
    },

    async revokeAll(req: Request, res: Response): Promise<void> {
      const count = await deleteApiTokensOf(pool, req.viewer!.id);
      flash(req, 'success', count === 0 ? 'You had no access tokens.' : `${count === 1 ? 'Your token has' : `All ${count} of your tokens have`} been revoked: none of them works any more.`);
      res.redirect(303, '/settings/tokens');
    },

    /**
     * "Download ShareX uploader": a token of kind 'sharex' that may only upload, inside a .sxcu
     * file ShareX imports with a double click. Each download is a new token (listed with the
     * rest), so a lost file is revoked on its own.
     */
    async downloadShareX(req: Request, res: Response): Promise<void> {
      const now = deps.now();
      const scopes: Scope[] = ['videos:upload'];
      const secret = await issue(req.viewer!.id, { name: `ShareX (${now.toISOString().slice(0, 10)})`, scopes, kind: 'sharex', expiresAt: null });
      if (!secret) return render(req, res, 409, { problem: FULL });
      const siteName = String(res.locals.siteName ?? config.siteName);
      res.set('Cache-Control', 'no-store');
      // The name holds no quote or backslash (sharexFileName), so it needs no escaping inside the quotes.
      res.set('Content-Disposition', `attachment; filename="${sharexFileName(siteName)}"`);
      res.type('application/json').send(`${JSON.stringify(sharexUploader(config.publicUrl, siteName, secret), null, 2)}\n`);
    },
  };
}
