import type { Queryable } from './pool.js';

/**
 * The people pages of /admin (issue 13, item 5): every account, deleted and banned ones too,
 * searched and filtered; one person with their roles, what they made and what was done to them.
 */

export type PersonStatus = 'active' | 'banned' | 'deleted' | 'pending';

export interface PeopleQuery {
  /** The start of a handle, or (holding an '@' after its first character) of an email address; lower case. */
  search: string | null;
  role: string | null;
  status: PersonStatus | null;
  /** The last handle of the page before (keyset). */
  after: string | null;
  limit: number;
}

export interface PersonSummary {
  id: number;
  handle: string;
  displayName: string;
  email: string | null;
  createdAt: Date;
  bannedAt: Date | null;
  deletedAt: Date | null;
  /** A sign-up waiting for approval (registration 'approval'), since then; null once approved. */
  pendingAt: Date | null;
  roles: string[];
}

type PersonRow = { id: number; handle: string; display_name: string; email: string | null; created_at: Date; banned_at: Date | null; deleted_at: Date | null; pending_at: Date | null; roles: string[] };

const toPerson = (r: PersonRow): PersonSummary => ({
  id: Number(r.id), handle: r.handle, displayName: r.display_name, email: r.email, createdAt: r.created_at, bannedAt: r.banned_at, deletedAt: r.deleted_at, pendingAt: r.pending_at, roles: r.roles,
});

const PERSON_COLUMNS = `u.id, u.handle, u.display_name, u.email, u.created_at, u.banned_at, u.deleted_at, u.pending_at,
  ARRAY(SELECT ur.role FROM user_roles ur WHERE ur.user_id = u.id ORDER BY ur.role) AS roles`;

const STATUS_CONDITIONS: Record<PersonStatus, string> = {
  active: 'u.deleted_at IS NULL AND u.banned_at IS NULL AND u.pending_at IS NULL',
  banned: 'u.deleted_at IS NULL AND u.banned_at IS NOT NULL',
  deleted: 'u.deleted_at IS NOT NULL',
  // users_pending_idx: the accounts waiting, in handle order.
  pending: 'u.pending_at IS NOT NULL AND u.deleted_at IS NULL',
};

/** `text` as a LIKE pattern matching itself only ('_' is a handle character and a wildcard). */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Is `search` an email address's start rather than a handle's? */
export function isEmailSearch(search: string): boolean {
  return search.indexOf('@') > 0;
}

/**
 * A page of people in handle order, and the cursor of the next page (null at the end): one more
 * row than a page is read to know. The conditions are picked from fixed fragments; the statement
 * is not prepared, so each is planned with its values and the prefix becomes an index range:
 * users_handle_c_idx for handles (also the order and the keyset), users_email_prefix_idx for email
 * addresses (few rows match, sorted after). The role filter uses user_roles' primary key per row,
 * or user_roles_role_idx when the planner finds the role rare.
 */
export async function listPeople(db: Queryable, query: PeopleQuery): Promise<{ people: PersonSummary[]; next: string | null }> {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  if (query.search !== null) {
    if (isEmailSearch(query.search)) conditions.push(`u.email IS NOT NULL AND lower(u.email) COLLATE "C" LIKE ${param(likePrefix(query.search))}`);
    else conditions.push(`u.handle COLLATE "C" LIKE ${param(likePrefix(query.search))}`);
  }
  if (query.role !== null) conditions.push(`EXISTS (SELECT 1 FROM user_roles f WHERE f.user_id = u.id AND f.role = ${param(query.role)})`);
  if (query.status !== null) conditions.push(STATUS_CONDITIONS[query.status]);
  if (query.after !== null) conditions.push(`u.handle COLLATE "C" > ${param(query.after)}`);
  const { rows } = await db.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM users u
     WHERE ${conditions.length > 0 ? conditions.join(' AND ') : 'true'}
     ORDER BY u.handle COLLATE "C" LIMIT ${param(query.limit + 1)}`,
    values,
  );
  const people = rows.slice(0, query.limit).map(toPerson);
  return { people, next: rows.length > query.limit ? people.at(-1)!.handle : null };
}

export interface Person extends PersonSummary {
  videoCount: number;
  commentCount: number;
  /** Queue items about their videos, comments or channel still open, and all there ever were. */
  openReportItems: number;
  reportItems: number;
}

/**
 * Anyone by handle, deleted accounts included (their page shows what happened to them), with the
 * number of their videos (videos_owner_created_idx), of their comments not deleted
 * (comments_author_idx), and of the report queue's items about them (report_items_owner_idx).
 */
export async function findPersonByHandle(db: Queryable, handle: string): Promise<Person | null> {
  const { rows } = await db.query<PersonRow & { video_count: number; comment_count: number; open_report_items: number; report_items: number }>(
    `SELECT ${PERSON_COLUMNS},
       (SELECT count(*) FROM videos v WHERE v.owner_id = u.id)::int AS video_count,
       (SELECT count(*) FROM comments c WHERE c.author_id = u.id AND c.deleted_at IS NULL)::int AS comment_count,
       r.open_report_items, r.report_items
     FROM users u
     CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE ri.status = 'open')::int AS open_report_items, count(*)::int AS report_items
                         FROM report_items ri WHERE ri.target_owner_id = u.id) r
     WHERE u.handle = lower($1)`,
    [handle],
  );
  const row = rows[0];
  return row ? { ...toPerson(row), videoCount: row.video_count, commentCount: row.comment_count, openReportItems: row.open_report_items, reportItems: row.report_items } : null;
}

export interface ActionOnPerson {
  id: number;
  createdAt: Date;
  action: string;
  actorHandle: string | null;
  targetKind: string;
  targetId: string;
  reason: string | null;
  note: string | null;
  before: unknown;
  after: unknown;
}

/** The newest moderation and administration actions on a person (audit_log_subject_idx). */
export async function listActionsOnPerson(db: Queryable, userId: number, limit: number): Promise<ActionOnPerson[]> {
  const { rows } = await db.query<{ id: number; created_at: Date; action: string; actor_handle: string | null; target_kind: string; target_id: string; reason: string | null; note: string | null; before: unknown; after: unknown }>(
    `SELECT a.id, a.created_at, a.action, actor.handle AS actor_handle, a.target_kind, a.target_id, a.reason, a.note, a.before, a.after
     FROM audit_log a LEFT JOIN users actor ON actor.id = a.actor_id
     WHERE a.subject_user_id = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2`,
    [userId, limit],
  );
  return rows.map((r) => ({
    id: Number(r.id), createdAt: r.created_at, action: r.action, actorHandle: r.actor_handle, targetKind: r.target_kind, targetId: r.target_id,
    reason: r.reason, note: r.note, before: r.before, after: r.after,
  }));
}
