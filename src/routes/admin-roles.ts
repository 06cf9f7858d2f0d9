import type { Request, Response } from 'express';
import { canGiveRole, PERMISSIONS } from '../auth/permissions.js';
import { ADMIN_ROLE, createRole, deleteRole, isBuiltInRole, listRoles, updateRole, type Role } from '../db/role-admin.js';
import { parseRoleForm, ROLE_DESCRIPTION_MAX } from '../forms/role.js';
import { forbidden, notFound } from '../http/errors.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { loadedRole } from './people-loaders.js';

const REFUSED = 'You may only give, change or delete roles whose permissions you hold yourself.';

/**
 * /admin/roles (issue 13, item 5; permission `role.assign`, checked by the route table): the
 * catalogue of permissions, every role with its permissions and members, and the forms that
 * create, change and delete roles. Each change is one src/db/role-admin.ts call that writes the
 * audit row in its own transaction.
 */
export function adminRoleRoutes({ pool }: RouteDeps) {
  const mayGive = (req: Request) => (permissions: readonly string[]) => canGiveRole(req.viewer, permissions);

  async function renderList(req: Request, res: Response, status: number, values: Record<string, string>, errors: Record<string, string>): Promise<void> {
    res.status(status).render('admin/roles', {
      title: 'Roles',
      description: 'Roles and the permissions they give.',
      catalogue: PERMISSIONS,
      roles: await listRoles(pool),
      isBuiltInRole,
      descriptionMax: ROLE_DESCRIPTION_MAX,
      values,
      errors,
    });
  }

  function renderRole(res: Response, status: number, role: Role, values: { description: string; permissions: string[] }, errors: Record<string, string>): void {
    res.status(status).render('admin/role', {
      title: `Role ${role.name}`,
      description: `The role ${role.name}: its permissions and description.`,
      role,
      catalogue: PERMISSIONS,
      isBuiltIn: isBuiltInRole(role.name),
      isAdminRole: role.name === ADMIN_ROLE,
      descriptionMax: ROLE_DESCRIPTION_MAX,
      values,
      errors,
    });
  }

  return {
    /** GET /admin/roles */
    async list(req: Request, res: Response): Promise<void> {
      await renderList(req, res, 200, { name: '', description: '', permissions: '' }, {});
    },

    /** POST /admin/roles — name, description, permissions[]; 422 with the values typed; 403 for a permission the actor lacks. */
    async create(req: Request, res: Response): Promise<void> {
      const form = parseRoleForm(req.body, true);
      if (!form.ok) return renderList(req, res, 422, form.values, form.errors);
      if (!canGiveRole(req.viewer, form.value.permissions)) throw forbidden(REFUSED);
      const outcome = await createRole(pool, { actorId: req.viewer!.id, ...form.value });
      if (outcome === 'taken') return renderList(req, res, 422, { ...form.value, permissions: form.value.permissions.join(' ') }, { name: 'A role of this name exists already.' });
      flash(req, 'success', `The role ${form.value.name} has been created.`);
      res.redirect(303, `/admin/roles/${form.value.name}`);
    },

    /** GET /admin/roles/:name */
    show(req: Request, res: Response): void {
      const role = loadedRole(req);
      renderRole(res, 200, role, { description: role.description, permissions: role.permissions }, {});
    },

    /** POST /admin/roles/:name — description and permissions (the admin role keeps '*'). */
    async save(req: Request, res: Response): Promise<void> {
      const role = loadedRole(req);
      const form = parseRoleForm(req.body, false);
      if (!form.ok) return renderRole(res, 422, role, { description: form.values.description ?? '', permissions: (form.values.permissions ?? '').split(' ') }, form.errors);
      const outcome = await updateRole(pool, { actorId: req.viewer!.id, ...form.value, name: role.name }, mayGive(req));
      if (outcome === 'nothing') throw notFound('There is no role with this name.');
      if (outcome === 'forbidden') throw forbidden(REFUSED);
      flash(req, 'success', outcome === 'updated' ? `The role ${role.name} has been saved.` : 'Nothing has changed.');
      res.redirect(303, `/admin/roles/${role.name}`);
    },

    /** POST /admin/roles/:name/delete — never a built-in role; its members lose it. */
    async remove(req: Request, res: Response): Promise<void> {
      const role = loadedRole(req);
      const outcome = await deleteRole(pool, req.viewer!.id, role.name, mayGive(req));
      if (outcome === 'built-in') throw forbidden('Built-in roles (admin, moderator, user) cannot be deleted.');
      if (outcome === 'nothing') throw notFound('There is no role with this name.');
      if (outcome === 'forbidden') throw forbidden(REFUSED);
      flash(req, 'success', `The role ${role.name} has been deleted.`);
      res.redirect(303, '/admin/roles');
    },
  };
}
