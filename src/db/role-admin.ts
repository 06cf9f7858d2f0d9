import { insertAuditEntry } from './audit-log.js';
import type { Pool, PoolClient, Queryable } from './pool.js';
import { withTransaction } from './pool.js';

/**
 * Roles edited in the browser (issue 13, item 5): /admin/roles and the role forms of a person's
 * page. Each change appends its audit_log row in the transaction that makes it. The route has
 * checked `role.assign`; the finer rule (canGiveRole: only roles whose permissions the actor
 * holds) is checked again here, as `allowed`, against the role's permissions read under its row
 * lock, so an edit of the role at the same moment cannot slip a permission past the check.
 */

/** Built in by the roles migration: never deleted, and sign-up, setup and create-admin rely on them. */
export const BUILT_IN_ROLES = ['admin', 'moderator', 'user'] as const;
export const ADMIN_ROLE = 'admin';
/** The admin role's one permission: every permission, including those added later. */
const EVERYTHING = '*';

export function isBuiltInRole(name: string): boolean {
  return (BUILT_IN_ROLES as readonly string[]).includes(name);
}

export interface Role {
  name: string;
  description: string;
  permissions: string[];
  /** Accounts holding it, deleted ones left out. */
  memberCount: number;
}

type RoleRow = { name: string; description: string; permissions: string[]; member_count: number };

const ROLE_COLUMNS = `r.name, r.description,
  ARRAY(SELECT rp.permission FROM role_permissions rp WHERE rp.role = r.name ORDER BY rp.permission) AS permissions,
  (SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id WHERE ur.role = r.name AND u.deleted_at IS NULL)::int AS member_count`;

const toRole = (row: RoleRow): Role => ({ name: row.name, description: row.description, permissions: row.permissions, memberCount: row.member_count });

/** Every role, built-in ones first (admin, moderator, user), then by name. Member counts use user_roles_role_idx. */
export async function listRoles(db: Queryable): Promise<Role[]> {
  const { rows } = await db.query<RoleRow>(`SELECT ${ROLE_COLUMNS} FROM roles r
    ORDER BY array_position($1::text[], r.name) NULLS LAST, r.name`, [BUILT_IN_ROLES]);
  return rows.map(toRole);
}

/** A role by name, or null. */
export async function findRole(db: Queryable, name: string): Promise<Role | null> {
  const { rows } = await db.query<RoleRow>(`SELECT ${ROLE_COLUMNS} FROM roles r WHERE r.name = $1`, [name]);
  return rows[0] ? toRole(rows[0]) : null;
}

export interface RoleChange {
  actorId: number;
  name: string;
  description: string;
  permissions: string[];
}

async function setPermissions(client: PoolClient, role: string, permissions: readonly string[]): Promise<void> {
  await client.query('DELETE FROM role_permissions WHERE role = $1 AND NOT (permission = ANY($2::text[]))', [role, permissions]);
  await client.query('INSERT INTO role_permissions (role, permission) SELECT $1, p FROM unnest($2::text[]) p ON CONFLICT DO NOTHING', [role, permissions]);
}

/** Creates a role; 'taken' when a role of that name exists (a resubmitted form included). */
export async function createRole(pool: Pool, change: RoleChange): Promise<'created' | 'taken'> {
  return withTransaction(pool, async (client) => {
    const inserted = await client.query('INSERT INTO roles (name, description) VALUES ($1, $2) ON CONFLICT DO NOTHING', [change.name, change.description]);
    if (inserted.rowCount === 0) return 'taken';
    await setPermissions(client, change.name, change.permissions);
    await insertAuditEntry(client, {
      actorId: change.actorId, action: 'role.create', targetKind: 'role', targetId: change.name, subjectUserId: null, reason: null, note: null,
      before: null, after: { description: change.description, permissions: [...change.permissions].sort() },
    });
    return 'created';
  });
}

/** The role's row locked (FOR UPDATE: changes; FOR SHARE: grants), with its permissions, or null. */
async function lockRole(client: PoolClient, name: string, mode: 'UPDATE' | 'SHARE'): Promise<{ description: string; permissions: string[] } | null> {
  const { rows } = await client.query<{ description: string }>(`SELECT description FROM roles WHERE name = $1 FOR ${mode}`, [name]);
  if (!rows[0]) return null;
  const perms = await client.query<{ permission: string }>('SELECT permission FROM role_permissions WHERE role = $1 ORDER BY permission', [name]);
  return { description: rows[0].description, permissions: perms.rows.map((r) => r.permission) };
}

/**
 * Changes a role's description and permissions. The admin role keeps '*' whatever is sent: it
 * cannot be edited to less (its description may change). 'forbidden' when the actor may not give
 * the role as it was or as it would be; 'unchanged' (no audit row) when nothing differs.
 */
export async function updateRole(pool: Pool, change: RoleChange, allowed: (permissions: readonly string[]) => boolean): Promise<'updated' | 'unchanged' | 'nothing' | 'forbidden'> {
  return withTransaction(pool, async (client) => {
    const before = await lockRole(client, change.name, 'UPDATE');
    if (!before) return 'nothing';
    const permissions = change.name === ADMIN_ROLE ? [EVERYTHING] : [...new Set(change.permissions)].sort();
    if (!allowed(before.permissions) || !allowed(permissions)) return 'forbidden';
    if (before.description === change.description && before.permissions.join('\n') === permissions.join('\n')) return 'unchanged';
    await client.query('UPDATE roles SET description = $2 WHERE name = $1', [change.name, change.description]);
    await setPermissions(client, change.name, permissions);
    await insertAuditEntry(client, {
      actorId: change.actorId, action: 'role.update', targetKind: 'role', targetId: change.name, subjectUserId: null, reason: null, note: null,
      before, after: { description: change.description, permissions },
    });
    return 'updated';
  });
}

/** How many of a deleted role's members the audit row names (built-in roles, the large ones, are never deleted). */
const DELETED_ROLE_MEMBERS_KEPT = 1_000;

/**
 * Deletes a role that is not built in; its members lose it (user_roles cascades), which takes
 * effect on their next request. The audit row keeps the role and who held it.
 */
export async function deleteRole(pool: Pool, actorId: number, name: string, allowed: (permissions: readonly string[]) => boolean): Promise<'deleted' | 'built-in' | 'nothing' | 'forbidden'> {
  if (isBuiltInRole(name)) return 'built-in';
  return withTransaction(pool, async (client) => {
    const before = await lockRole(client, name, 'UPDATE');
    if (!before) return 'nothing';
    if (!allowed(before.permissions)) return 'forbidden';
    const members = await client.query<{ user_id: number }>('SELECT user_id FROM user_roles WHERE role = $1 ORDER BY user_id LIMIT $2', [name, DELETED_ROLE_MEMBERS_KEPT]);
    const count = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM user_roles WHERE role = $1', [name]);
    await client.query('DELETE FROM roles WHERE name = $1', [name]);
    await insertAuditEntry(client, {
      actorId, action: 'role.delete', targetKind: 'role', targetId: name, subjectUserId: null, reason: null, note: null,
      before: { ...before, memberCount: count.rows[0]!.n, memberIds: members.rows.map((r) => Number(r.user_id)) }, after: null,
    });
    return 'deleted';
  });
}

export interface Assignment {
  /** Who gives or takes it; null for the site itself (npm run create-admin, from the server's shell). */
  actorId: number | null;
  userId: number;
  role: string;
}

/**
 * The user's roles, their row locked so that two changes of one person's roles are recorded in
 * order (NO KEY UPDATE: their comments, videos and sessions, which only reference the row, go on).
 * Null for a deleted account: its roles no longer matter, and they stay as they were when it went.
 */
async function lockUserRoles(client: PoolClient, userId: number): Promise<string[] | null> {
  const user = await client.query('SELECT id FROM users WHERE id = $1 AND deleted_at IS NULL FOR NO KEY UPDATE', [userId]);
  if (user.rowCount === 0) return null;
  return listRolesOf(client, userId);
}

/** Whether the account waits for approval (users.pending_at): it gets no role until approved. */
async function isPending(client: PoolClient, userId: number): Promise<boolean> {
  const { rows } = await client.query<{ pending: boolean }>('SELECT pending_at IS NOT NULL AS pending FROM users WHERE id = $1', [userId]);
  return rows[0]?.pending ?? false;
}

async function listRolesOf(client: PoolClient, userId: number): Promise<string[]> {
  const { rows } = await client.query<{ role: string }>('SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role', [userId]);
  return rows.map((r) => r.role);
}

/** Gives a role ('unchanged', without an audit row, when the person already has it). */
export async function grantRoleTo(pool: Pool, assignment: Assignment, allowed: (permissions: readonly string[]) => boolean): Promise<'granted' | 'unchanged' | 'no-role' | 'nothing' | 'forbidden' | 'pending'> {
  return withTransaction(pool, async (client) => {
    // The role first, then the person (as revokeRoleFrom), so that the two never wait on each other in turn.
    const role = await lockRole(client, assignment.role, 'SHARE');
    if (!role) return 'no-role';
    if (!allowed(role.permissions)) return 'forbidden';
    const roles = await lockUserRoles(client, assignment.userId);
    if (!roles) return 'nothing';
    if (roles.includes(assignment.role)) return 'unchanged';
    // A sign-up still waiting is approved (or rejected, which deletes it) before it holds any role:
    // a waiting admin could not sign in, yet would count as one, and rejecting would delete staff.
    if (await isPending(client, assignment.userId)) return 'pending';
    await client.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [assignment.userId, assignment.role]);
    await insertAuditEntry(client, {
      actorId: assignment.actorId, action: 'role.grant', targetKind: 'user', targetId: assignment.userId, subjectUserId: assignment.userId, reason: null, note: null,
      before: { roles }, after: { roles: [...roles, assignment.role].sort() },
    });
    return 'granted';
  });
}

/**
 * Takes a role away ('unchanged' when the person does not have it). The admin role is never taken
 * from the last admin who can act (not banned, not deleted): the admin role's row is locked FOR
 * UPDATE before the others are counted, so two removals at the same moment run one after the
 * other and the second counts what the first left (READ COMMITTED reads afresh per statement).
 */
export async function revokeRoleFrom(pool: Pool, assignment: Assignment, allowed: (permissions: readonly string[]) => boolean): Promise<'revoked' | 'unchanged' | 'last-admin' | 'no-role' | 'nothing' | 'forbidden'> {
  return withTransaction(pool, async (client) => {
    const role = await lockRole(client, assignment.role, assignment.role === ADMIN_ROLE ? 'UPDATE' : 'SHARE');
    if (!role) return 'no-role';
    if (!allowed(role.permissions)) return 'forbidden';
    const roles = await lockUserRoles(client, assignment.userId);
    if (!roles) return 'nothing';
    if (!roles.includes(assignment.role)) return 'unchanged';
    if (assignment.role === ADMIN_ROLE) {
      const others = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM user_roles ur JOIN users u ON u.id = ur.user_id
         WHERE ur.role = $1 AND ur.user_id <> $2 AND u.deleted_at IS NULL AND u.banned_at IS NULL AND u.pending_at IS NULL`,
        [ADMIN_ROLE, assignment.userId],
      );
      if (others.rows[0]!.n === 0) return 'last-admin';
    }
    await client.query('DELETE FROM user_roles WHERE user_id = $1 AND role = $2', [assignment.userId, assignment.role]);
    await insertAuditEntry(client, {
      actorId: assignment.actorId, action: 'role.revoke', targetKind: 'user', targetId: assignment.userId, subjectUserId: assignment.userId, reason: null, note: null,
      before: { roles }, after: { roles: roles.filter((r) => r !== assignment.role) },
    });
    return 'revoked';
  });
}
