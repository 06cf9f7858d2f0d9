import type { Request, Response } from 'express';
import { can, canGiveRole } from '../auth/permissions.js';
import { listActionsOnPerson, listPeople } from '../db/people.js';
import { listPersonComments, listPersonVideos } from '../db/person-content.js';
import { listWarningsOf } from '../db/warnings.js';
import { banReasonLabel } from '../forms/ban.js';
import { grantRoleTo, listRoles, revokeRoleFrom } from '../db/role-admin.js';
import { field } from '../forms/fields.js';
import { parsePeopleQuery, PERSON_STATUSES, ROLE_NAME_PATTERN } from '../forms/role.js';
import { badRequest, forbidden, HttpError, notFound } from '../http/errors.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { commentLink } from './comment-places.js';
import { loadedPerson } from './people-loaders.js';
import { uploadLimitsPanel } from './admin-user-limits.js';

/** People per page of /admin/users. */
export const PEOPLE_PAGE_SIZE = 50;
/** Actions on a person shown on their page, newest first (the audit log has them all). */
export const PERSON_ACTIONS_SHOWN = 50;
/** Their newest videos and comments on their page; the counts above say how many more there are. */
export const PERSON_CONTENT_SHOWN = 10;
const REFUSED = 'You may only give or take roles whose permissions you hold yourself.';

/**
 * /admin/users and a person's page (issue 13, item 5). Seeing them takes `role.assign` or
 * `user.ban` (canSeePeople: both must find the person first); giving and taking roles takes
 * `role.assign` and canGiveRole, checked again under the role's lock in src/db/role-admin.ts.
 */
export function adminUserRoutes({ pool, settings }: RouteDeps) {
  const mayGive = (req: Request) => (permissions: readonly string[]) => canGiveRole(req.viewer, permissions);

  async function renderPerson(req: Request, res: Response, status: number, errors: Record<string, string>): Promise<void> {
    const person = loadedPerson(req);
    const [videos, comments] = await Promise.all([
      listPersonVideos(pool, person.id, PERSON_CONTENT_SHOWN),
      listPersonComments(pool, person.id, PERSON_CONTENT_SHOWN),
    ]);
    res.status(status).render('admin/user', {
      title: `@${person.handle}`,
      description: `The account @${person.handle}: roles, videos, comments and actions on it.`,
      person,
      roles: await listRoles(pool),
      actions: await listActionsOnPerson(pool, person.id, PERSON_ACTIONS_SHOWN),
      videos,
      comments,
      commentLink,
      warnings: (await listWarningsOf(pool, person.id, PERSON_ACTIONS_SHOWN)).map((w) => ({ ...w, reasonLabel: banReasonLabel(w.reason) })),
      errors,
      // Their upload limits, for those who change them (src/routes/admin-user-limits.ts).
      uploadLimits: can(req.viewer, 'settings.edit') && !person.deletedAt ? await uploadLimitsPanel(pool, settings, person.id) : null,
    });
  }

  /** The person's page again after a change: as it is now. */
  const backToPerson = (req: Request, res: Response) => res.redirect(303, `/admin/users/${loadedPerson(req).handle}`);

  return {
    /** GET /admin/users?q=&role=&status=&after= */
    async list(req: Request, res: Response): Promise<void> {
      const filters = parsePeopleQuery(req.query);
      if (filters === 'bad') throw badRequest('That search could not be understood.');
      const { people, next } = await listPeople(pool, { ...filters, limit: PEOPLE_PAGE_SIZE });
      const keep = new URLSearchParams();
      if (filters.search) keep.set('q', filters.search);
      if (filters.role) keep.set('role', filters.role);
      if (filters.status) keep.set('status', filters.status);
      res.render('admin/users', {
        title: 'People',
        description: 'Every account: search, filter, and open one to change its roles.',
        people,
        roles: await listRoles(pool),
        statuses: PERSON_STATUSES,
        filters,
        nextHref: next ? `/admin/users?${new URLSearchParams([...keep, ['after', next]])}` : null,
        firstHref: filters.after ? `/admin/users${keep.size > 0 ? `?${keep}` : ''}` : null,
      });
    },

    /** GET /admin/users/:handle */
    async show(req: Request, res: Response): Promise<void> {
      await renderPerson(req, res, 200, {});
    },

    /** POST /admin/users/:handle/roles — role: gives it (a resubmit changes nothing). */
    async grant(req: Request, res: Response): Promise<void> {
      const role = field(req.body, 'role');
      if (!ROLE_NAME_PATTERN.test(role)) return renderPerson(req, res, 422, { role: 'Choose a role from the list.' });
      const outcome = await grantRoleTo(pool, { actorId: req.viewer!.id, userId: loadedPerson(req).id, role }, mayGive(req));
      if (outcome === 'no-role') return renderPerson(req, res, 422, { role: 'Choose a role from the list.' });
      if (outcome === 'forbidden') throw forbidden(REFUSED);
      if (outcome === 'nothing') throw notFound('This account has been deleted: its roles no longer change.');
      if (outcome === 'pending') return renderPerson(req, res, 409, { role: 'This sign-up waits for approval: approve the account before giving it a role.' });
      flash(req, 'success', outcome === 'granted' ? `@${loadedPerson(req).handle} now has the role ${role}.` : `@${loadedPerson(req).handle} already had the role ${role}.`);
      backToPerson(req, res);
    },

    /** POST /admin/users/:handle/roles/:role/remove — never the last admin's admin role (409). */
    async revoke(req: Request, res: Response): Promise<void> {
      const role = String(req.params.role ?? '');
      if (!ROLE_NAME_PATTERN.test(role)) throw notFound('There is no role with this name.');
      const outcome = await revokeRoleFrom(pool, { actorId: req.viewer!.id, userId: loadedPerson(req).id, role }, mayGive(req));
      if (outcome === 'no-role') throw notFound('There is no role with this name.');
      if (outcome === 'nothing') throw notFound('This account has been deleted: its roles no longer change.');
      if (outcome === 'forbidden') throw forbidden(REFUSED);
      if (outcome === 'last-admin') throw new HttpError(409, 'This is the last admin who can act: give the admin role to someone else first.');
      flash(req, 'success', outcome === 'revoked' ? `@${loadedPerson(req).handle} no longer has the role ${role}.` : `@${loadedPerson(req).handle} did not have the role ${role}.`);
      backToPerson(req, res);
    },
  };
}
