import type { Queryable } from './pool.js';
import type { VideoState } from './visibility.js';

/**
 * Reading the audit log (/admin/audit, issue 13 item 6): newest first, a page at a time after a
 * cursor, narrowed by actor, action, target and a date range. Writing is src/db/audit-log.ts;
 * nothing here changes a row (the table refuses it anyway).
 */

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilters {
  /** The actor's account id (the route has turned a handle into it). */
  actorId: number | null;
  action: string | null;
  targetKind: string | null;
  targetId: string | null;
  /** Inclusive days, 'YYYY-MM-DD', read in UTC. */
  from: string | null;
  to: string | null;
  /** The id of the last row of the page before. */
  after: number | null;
}

export interface AuditPerson {
  id: number;
  handle: string;
  displayName: string;
}

export interface AuditRow {
  id: number;
  createdAt: Date;
  actor: AuditPerson | null;
  action: string;
  targetKind: string;
  targetId: string;
  subject: AuditPerson | null;
  reason: string | null;
  note: string | null;
  before: unknown;
  after: unknown;
}

const person = (id: number | null, handle: string | null, displayName: string | null): AuditPerson | null =>
  id === null ? null : { id: Number(id), handle: handle!, displayName: displayName! };

/**
 * One page (and whether there is another). The WHERE clause is put together from fixed
 * fragments, each with its own parameter, rather than `$1 IS NULL OR actor_id = $1`: a generic
 * plan could not use the actor or target index behind an OR. Ordered by (created_at, id) so that
 * the indexes (actor, target, action: created_at DESC after their keys; audit_log_created_idx
 * without a filter) give the order and the page stops at its LIMIT; the cursor is the last row's id,
 * its time read back from the primary key, so a cursor is one number a person can type.
 */
export async function listAuditEntries(db: Queryable, filters: AuditFilters, pageSize = AUDIT_PAGE_SIZE): Promise<{ rows: AuditRow[]; hasMore: boolean }> {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filters.actorId !== null) where.push(`a.actor_id = ${param(filters.actorId)}`);
  if (filters.action !== null) where.push(`a.action = ${param(filters.action)}`);
  if (filters.targetKind !== null) where.push(`a.target_kind = ${param(filters.targetKind)}`);
  if (filters.targetId !== null) where.push(`a.target_id = ${param(filters.targetId)}`);
  if (filters.from !== null) where.push(`a.created_at >= ${param(filters.from)}::date::timestamp AT TIME ZONE 'UTC'`);
  if (filters.to !== null) where.push(`a.created_at < (${param(filters.to)}::date + 1)::timestamp AT TIME ZONE 'UTC'`);
  if (filters.after !== null) {
    const after = param(filters.after);
    // The first half bounds the index scan (an index condition on created_at for every index
    // above, the actor's and target's included); the row comparison breaks ties within a time.
    where.push(`a.created_at <= (SELECT c.created_at FROM audit_log c WHERE c.id = ${after})`);
    where.push(`(a.created_at, a.id) < (SELECT c.created_at, c.id FROM audit_log c WHERE c.id = ${after})`);
  }
  const limit = param(pageSize + 1);
  const { rows } = await db.query(
    `SELECT a.id, a.created_at, a.action, a.target_kind, a.target_id, a.reason, a.note, a.before, a.after,
            a.actor_id, au.handle AS actor_handle, au.display_name AS actor_name,
            a.subject_user_id, su.handle AS subject_handle, su.display_name AS subject_name
     FROM audit_log a
     LEFT JOIN users au ON au.id = a.actor_id
     LEFT JOIN users su ON su.id = a.subject_user_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY a.created_at DESC, a.id DESC
     LIMIT ${limit}`,
    values,
  );
  const mapped: AuditRow[] = rows.map((r) => ({
    id: Number(r.id),
    createdAt: r.created_at,
    actor: person(r.actor_id, r.actor_handle, r.actor_name),
    action: r.action,
    targetKind: r.target_kind,
    targetId: r.target_id,
    subject: person(r.subject_user_id, r.subject_handle, r.subject_name),
    reason: r.reason,
    note: r.note,
    before: r.before,
    after: r.after,
  }));
  return { rows: mapped.slice(0, pageSize), hasMore: mapped.length > pageSize };
}

/** What a target row resolves to, when it still exists: enough to decide whether the viewer may see it, and where it is. */
export type AuditTarget =
  | { kind: 'video'; publicId: string; title: string; access: VideoState & { ownerId: number } }
  | { kind: 'comment'; commentId: number; threadId: number | null; videoPublicId: string; access: VideoState & { ownerId: number } }
  | { kind: 'user'; handle: string; live: boolean }
  | { kind: 'role'; name: string }
  | { kind: 'report'; itemId: number };

/**
 * The targets of a page's rows that still exist, keyed `kind:id`: one statement per kind, by
 * primary key. Ids that are not numbers (a role's or a setting's name) are left to their kinds.
 */
export async function findAuditTargets(db: Queryable, rows: Pick<AuditRow, 'targetKind' | 'targetId'>[]): Promise<Map<string, AuditTarget>> {
  const found = new Map<string, AuditTarget>();
  const idsOf = (kind: string) => [...new Set(rows.filter((r) => r.targetKind === kind && /^[1-9][0-9]{0,17}$/.test(r.targetId)).map((r) => r.targetId))];
  const videoIds = idsOf('video');
  if (videoIds.length) {
    const { rows: videos } = await db.query(
      `SELECT v.id, v.public_id, v.title, v.owner_id, v.visibility, v.status, v.moderation, (u.deleted_at IS NULL AND u.banned_at IS NULL) AS owner_live
       FROM videos v JOIN users u ON u.id = v.owner_id WHERE v.id = ANY($1::bigint[])`,
      [videoIds],
    );
    for (const v of videos) {
      found.set(`video:${v.id}`, { kind: 'video', publicId: v.public_id, title: v.title, access: { ownerId: Number(v.owner_id), visibility: v.visibility, status: v.status, moderation: v.moderation, ownerLive: v.owner_live } });
    }
  }
  const commentIds = idsOf('comment');
  if (commentIds.length) {
    const { rows: comments } = await db.query(
      `SELECT c.id, c.thread_id, v.public_id, v.owner_id, v.visibility, v.status, v.moderation, (u.deleted_at IS NULL AND u.banned_at IS NULL) AS owner_live
       FROM comments c JOIN videos v ON v.id = c.video_id JOIN users u ON u.id = v.owner_id
       WHERE c.id = ANY($1::bigint[]) AND c.deleted_at IS NULL`,
      [commentIds],
    );
    for (const c of comments) {
      found.set(`comment:${c.id}`, {
        kind: 'comment', commentId: Number(c.id), threadId: c.thread_id === null ? null : Number(c.thread_id), videoPublicId: c.public_id,
        access: { ownerId: Number(c.owner_id), visibility: c.visibility, status: c.status, moderation: c.moderation, ownerLive: c.owner_live },
      });
    }
  }
  const userIds = idsOf('user');
  if (userIds.length) {
    const { rows: users } = await db.query('SELECT id, handle, (deleted_at IS NULL) AS live FROM users WHERE id = ANY($1::bigint[])', [userIds]);
    for (const u of users) found.set(`user:${u.id}`, { kind: 'user', handle: u.handle, live: u.live });
  }
  // Roles are named, not numbered; a deleted role's entries name it still, unlinked.
  const roleNames = [...new Set(rows.filter((r) => r.targetKind === 'role').map((r) => r.targetId))];
  if (roleNames.length) {
    const { rows: roles } = await db.query<{ name: string }>('SELECT name FROM roles WHERE name = ANY($1::text[])', [roleNames]);
    for (const r of roles) found.set(`role:${r.name}`, { kind: 'role', name: r.name });
  }
  // Report items are never deleted (sql/migrations/1763683202000_reports.sql): no query needed.
  for (const id of idsOf('report')) found.set(`report:${id}`, { kind: 'report', itemId: Number(id) });
  return found;
}

/** The account of a handle (any state: a banned or deleted moderator's actions are still theirs). */
export async function findUserIdByHandle(db: Queryable, handle: string): Promise<number | null> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM users WHERE handle = lower($1)', [handle]);
  return rows[0] ? Number(rows[0].id) : null;
}
