import type { Queryable } from './pool.js';
import { prepared } from './pool.js';

/** Grants `role`; granting a role the user already has changes nothing. */
export async function grantRole(db: Queryable, userId: number, role: string): Promise<void> {
  await db.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, role]);
}

export interface ViewerRow {
  id: number;
  handle: string;
  displayName: string;
  avatarKey: string | null;
  bannedAt: Date | null;
  permissions: string[];
}

/**
 * Everything a request needs to know about the signed-in user, in one query (users_pkey,
 * user_roles' primary key). Run on every signed-in request, so it reads only what requests use:
 * what the account may do, not which roles grant it.
 */
export async function findViewerById(db: Queryable, userId: number): Promise<ViewerRow | null> {
  const { rows } = await db.query<{
    id: number; handle: string; display_name: string; avatar_key: string | null; banned_at: Date | null; permissions: string[];
  }>(prepared(
    'find-viewer',
    `SELECT u.id, u.handle, u.display_name, u.avatar_key, u.banned_at,
            ARRAY(SELECT DISTINCT rp.permission FROM user_roles ur JOIN role_permissions rp ON rp.role = ur.role WHERE ur.user_id = u.id) AS permissions
     FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL`,
    [userId],
  ));
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, handle: row.handle, displayName: row.display_name, avatarKey: row.avatar_key, bannedAt: row.banned_at, permissions: row.permissions };
}
