import type { NextFunction, Request, Response } from 'express';
import { accountDeletionRefusal, banRefusal, canBanUser, canDeleteAccount } from '../auth/permissions.js';
import { banAccount, deleteAccountByAdmin, findBanOf, findBanTarget, liftEndedBans, unbanAccount, type BanTarget } from '../db/bans.js';
import { BAN_NOTE_MAX, BAN_REASONS, banReasonLabel, parseAccountDeletion, parseBan, parseUnban, UNBAN_REASONS } from '../forms/ban.js';
import { forbidden, notFound } from '../http/errors.js';
import { flash } from '../http/session.js';
import { removeAvatar } from '../media/index.js';
import type { RouteDeps } from './deps.js';

/** Handles as URLs spell them (loaders.ts checks channels' the same way); anything else is a 404 before any query. */
const HANDLE_IN_URL = /^[a-zA-Z0-9_.-]{1,30}$/;
const NO_ACCOUNT = 'This account does not exist, or it has been deleted.';

/** The account the route loaded (loadBanTarget); a route that forgot the loader fails loudly. */
function loadedTarget(req: Request): BanTarget {
  if (!req.banTarget) throw new Error(`${req.method} ${req.route?.path}: no loadBanTarget before this step`);
  return req.banTarget;
}

const banPath = (target: { handle: string }) => `/admin/users/${target.handle}/ban`;

/**
 * Bans, unbans and admins' deletions of accounts (issue 13, item 4), and what a banned person
 * sees. The route table's guards have run: requirePermission, loadBanTarget (404 for an unknown
 * or deleted account), then allowBan / allowAccountDeletion (403 with the rule's own reason).
 * The db functions ask the same rule again under the row lock.
 */
export function banRoutes({ pool, storage }: RouteDeps) {
  function renderBan(req: Request, res: Response, status: number, values: Record<string, string>, errors: Record<string, string>, unbanValues: Record<string, string> = {}, unbanErrors: Record<string, string> = {}): void {
    const target = loadedTarget(req);
    res.status(status).render('admin/ban', {
      title: target.bannedAt ? `Ban of @${target.handle}` : `Ban @${target.handle}`,
      target,
      reasonLabel: banReasonLabel(target.banReason),
      reasons: BAN_REASONS,
      unbanReasons: UNBAN_REASONS,
      noteMax: BAN_NOTE_MAX,
      values,
      errors,
      unbanValues,
      unbanErrors,
      mayDelete: canDeleteAccount(req.viewer, target),
    });
  }

  function renderDelete(req: Request, res: Response, status: number, values: Record<string, string>, errors: Record<string, string>): void {
    const target = loadedTarget(req);
    res.status(status).render('admin/delete-account', { title: `Delete @${target.handle}`, target, reasons: BAN_REASONS, noteMax: BAN_NOTE_MAX, values, errors });
  }

  /** The form's values for the ban as it stands (changing a ban starts from it). */
  function currentBanValues(target: BanTarget): Record<string, string> {
    const until = target.bannedUntil?.toISOString();
    return { reason: target.banReason ?? '', note: target.banNote ?? '', untilDate: until?.slice(0, 10) ?? '', untilTime: until?.slice(11, 16) ?? '' };
  }

  return {
    /**
     * Before every page: a viewer signed in while banned (viewer.ts) sees the ban notice, 403,
     * whatever they open or send; only signing out goes through. Nothing else runs, so nothing is
     * written. A ban whose end has come but which the worker has not lifted yet is lifted here,
     * so the person is never told of a ban that is over.
     */
    async showBanToBanned(req: Request, res: Response, next: NextFunction): Promise<void> {
      const viewer = req.viewer;
      if (!viewer?.banned || (req.method === 'POST' && req.path === '/logout')) return next();
      const now = new Date();
      const ban = await findBanOf(pool, viewer.id);
      if (ban && ban.until !== null && ban.until <= now) await liftEndedBans(pool, now, viewer.id);
      // Lifted meanwhile (by a moderator, the worker or just now): the page again, as an ordinary viewer.
      if (!ban || (ban.until !== null && ban.until <= now)) return res.redirect(303, req.method === 'GET' ? req.originalUrl : '/');
      res.status(403).render('accounts/banned', { title: 'Your account is suspended', handle: viewer.handle, reasonLabel: banReasonLabel(ban.reason), bannedAt: ban.bannedAt, until: ban.until });
    },

    async loadBanTarget(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const handle = String(req.params.handle ?? '');
      const target = HANDLE_IN_URL.test(handle) ? await findBanTarget(pool, handle) : null;
      if (!target) throw notFound(NO_ACCOUNT);
      req.banTarget = target;
      next();
    },

    allowBan(req: Request, _res: Response, next: NextFunction): void {
      const refusal = banRefusal(req.viewer, loadedTarget(req));
      if (refusal) throw forbidden(refusal);
      next();
    },

    allowAccountDeletion(req: Request, _res: Response, next: NextFunction): void {
      const refusal = accountDeletionRefusal(req.viewer, loadedTarget(req));
      if (refusal) throw forbidden(refusal);
      next();
    },

    /** GET /admin/users/:handle/ban — the account's ban as it stands, the ban form, and unban when banned. */
    showBan(req: Request, res: Response): void {
      renderBan(req, res, 200, currentBanValues(loadedTarget(req)), {});
    },

    /** POST /admin/users/:handle/ban — reason, note, end (UTC; empty: permanent); ends the account's sessions. */
    async ban(req: Request, res: Response): Promise<void> {
      const form = parseBan(req.body, new Date());
      if (!form.ok) return renderBan(req, res, 422, form.values, form.errors);
      const target = loadedTarget(req);
      const outcome = await banAccount(pool, { actorId: req.viewer!.id, userId: target.id, ...form.value }, (now) => canBanUser(req.viewer, now));
      if (outcome === 'gone') throw notFound(NO_ACCOUNT);
      if (outcome === 'refused') throw forbidden('This account can no longer be banned by you: its roles have changed.');
      flash(req, 'success', `@${target.handle} is banned ${form.value.until ? `until ${form.value.until.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'permanently'}.`);
      res.redirect(303, banPath(target));
    },

    /** POST /admin/users/:handle/unban — an optional reason and note. A ban already lifted is no error. */
    async unban(req: Request, res: Response): Promise<void> {
      const form = parseUnban(req.body);
      const target = loadedTarget(req);
      if (!form.ok) return renderBan(req, res, 422, currentBanValues(target), {}, form.values, form.errors);
      const outcome = await unbanAccount(pool, { actorId: req.viewer!.id, userId: target.id, ...form.value }, (now) => canBanUser(req.viewer, now));
      if (outcome === 'gone') throw notFound(NO_ACCOUNT);
      if (outcome === 'refused') throw forbidden('This account can no longer be unbanned by you: its roles have changed.');
      flash(req, 'success', outcome === 'unbanned' ? `@${target.handle} is no longer banned.` : `@${target.handle} was not banned.`);
      res.redirect(303, banPath(target));
    },

    /** GET /admin/users/:handle/delete — the confirmation page (admins). */
    showDelete(req: Request, res: Response): void {
      renderDelete(req, res, 200, {}, {});
    },

    /** POST /admin/users/:handle/delete — reason, note and the handle typed again; the avatar's files go. */
    async deleteAccount(req: Request, res: Response): Promise<void> {
      const target = loadedTarget(req);
      const form = parseAccountDeletion(req.body, target.handle);
      if (!form.ok) return renderDelete(req, res, 422, form.values, form.errors);
      const outcome = await deleteAccountByAdmin(pool, { actorId: req.viewer!.id, userId: target.id, ...form.value }, (now) => canDeleteAccount(req.viewer, now));
      if (outcome === 'gone') throw notFound(NO_ACCOUNT);
      if (outcome === 'refused') throw forbidden('This account can no longer be deleted by you: its roles have changed.');
      if (outcome.avatarKey) await removeAvatar(storage, outcome.avatarKey);
      flash(req, 'success', `The account @${target.handle} is deleted; its handle will not be given to anyone else.`);
      res.redirect(303, '/admin/users');
    },
  };
}
