import type { Request, Response } from 'express';
import { approveAccount, rejectAccount } from '../db/registrations.js';
import { field } from '../forms/fields.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/session.js';
import { removeAvatar } from '../media/index.js';
import type { RouteDeps } from './deps.js';
import { loadedPerson } from './people-loaders.js';

const GONE = 'This account has been deleted.';
const PENDING_LIST = '/admin/users?status=pending';

/**
 * Approving and rejecting sign-ups that wait (issue 13, item 9; registration 'approval'):
 * `POST /admin/users/:handle/approve|reject`, permission `user.approve` (moderators and admins),
 * from the person's page or the list of those waiting (`from=list` brings the moderator back
 * there). The route table has run requirePermission and loadPerson; the db functions decide on
 * the account as it is under its row lock. An account no longer waiting changes nothing.
 */
export function adminRegistrationRoutes({ pool, storage }: RouteDeps) {
  const back = (req: Request, res: Response) =>
    res.redirect(303, field(req.body, 'from') === 'list' ? PENDING_LIST : `/admin/users/${loadedPerson(req).handle}`);

  return {
    /** POST /admin/users/:handle/approve */
    async approve(req: Request, res: Response): Promise<void> {
      const person = loadedPerson(req);
      if (person.deletedAt) throw notFound(GONE);
      const outcome = await approveAccount(pool, { actorId: req.viewer!.id, userId: person.id });
      if (outcome === 'gone') throw notFound(GONE);
      flash(req, outcome === 'approved' ? 'success' : 'info', outcome === 'approved' ? `@${person.handle} is approved and can sign in.` : `@${person.handle} was not waiting for approval.`);
      back(req, res);
    },

    /** POST /admin/users/:handle/reject — the account is deleted; its handle is never given again. */
    async reject(req: Request, res: Response): Promise<void> {
      const person = loadedPerson(req);
      if (person.deletedAt) throw notFound(GONE);
      const outcome = await rejectAccount(pool, { actorId: req.viewer!.id, userId: person.id });
      if (outcome === 'gone') throw notFound(GONE);
      if (outcome === 'not_pending') {
        flash(req, 'info', `@${person.handle} was not waiting for approval: nothing was changed.`);
        return back(req, res);
      }
      if (outcome.avatarKey) await removeAvatar(storage, outcome.avatarKey);
      flash(req, 'success', `The sign-up @${person.handle} is turned down and its account deleted.`);
      res.redirect(303, field(req.body, 'from') === 'list' ? PENDING_LIST : '/admin/users');
    },
  };
}
