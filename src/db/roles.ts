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
  /** A moderator's warning is waiting to be read (warnings_unseen_idx). */
  warned: boolean;
  /** Unread notifications shown in the site, counted up to UNREAD_CAP (the bell in the header). */
  unread: number;
}

/** The bell counts unread notifications up to this, and shows "99+" beyond (notifications_unread_idx). */
export const UNREAD_CAP = 100;

type ViewerColumns = { id: number; handle: string; display_name: string; avatar_key: string | null; banned_at: Date | null; permissions: string[]; warned: boolean | null; unread: number | null };

/**
 * What a request needs to know about the signed-in user `u` (users_pkey, user_roles' primary
 * key). Read on every signed-in request, so only what requests use: what the account may do,
 * not which roles grant it.
 */
export const VIEWER_COLUMNS = `u.id, u.handle, u.display_name, u.avatar_key, u.banned_at,
  ARRAY(SELECT DISTINCT rp.permission FROM user_roles ur JOIN role_permissions rp ON rp.role = ur.role WHERE ur.user_id = u.id) AS permissions,
  EXISTS (SELECT 1 FROM warnings w WHERE w.user_id = u.id AND w.seen_at IS NULL) AS warned,
  (SELECT count(*)::int FROM (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL AND n.in_site LIMIT ${UNREAD_CAP}) unread) AS unread`;

export function toViewerRow(row: ViewerColumns): ViewerRow {
  return { id: row.id, handle: row.handle, displayName: row.display_name, avatarKey: row.avatar_key, bannedAt: row.banned_at, permissions: row.permissions, warned: row.warned === true, unread: row.unread ?? 0 };
}

/** The signed-in user by id, unless the account is deleted. */
export async function findViewerById(db: Queryable, userId: number): Promise<ViewerRow | null> {
  const { rows } = await db.query<ViewerColumns>(prepared(
    'find-viewer',
    `SELECT ${VIEWER_COLUMNS} FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL`,
    [userId],
  ));
  return rows[0] ? toViewerRow(rows[0]) : null;
}
