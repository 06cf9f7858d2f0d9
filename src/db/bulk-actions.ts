import type { PoolClient, Queryable } from './pool.js';
import { prepared } from './pool.js';
import type { Visibility } from './visibility.js';

// Bulk changes of a creator's videos (the bulk_actions table) and the changes themselves, each
// with the owner in its WHERE clause: an id of another account's video is never touched.

export const BULK_ACTIONS = ['visibility', 'add-tag', 'remove-tag', 'delete'] as const;
export type BulkActionKind = (typeof BULK_ACTIONS)[number];
export type BulkState = 'pending' | 'queued' | 'running' | 'done' | 'failed';

/** One video the action could not change, and why, in words for its creator. */
export interface BulkError {
  video: string;
  title: string | null;
  reason: string;
}

/** Failures kept with their reasons; beyond this only the count grows (a row stays small). */
export const ERRORS_KEPT = 200;

export interface BulkAction {
  id: number;
  publicId: string;
  ownerId: number;
  action: BulkActionKind;
  argument: string;
  videoPublicIds: string[];
  state: BulkState;
  done: number;
  failed: number;
  errors: BulkError[];
  createdAt: Date;
  finishedAt: Date | null;
}

const COLUMNS = 'b.id, b.public_id, b.owner_id, b.action, b.argument, b.video_public_ids, b.state, b.done, b.failed, b.errors, b.created_at, b.finished_at';

function toBulkAction(r: Record<string, unknown>): BulkAction {
  return {
    id: r.id as number,
    publicId: r.public_id as string,
    ownerId: r.owner_id as number,
    action: r.action as BulkActionKind,
    argument: r.argument as string,
    videoPublicIds: r.video_public_ids as string[],
    state: r.state as BulkState,
    done: r.done as number,
    failed: r.failed as number,
    errors: r.errors as BulkError[],
    createdAt: r.created_at as Date,
    finishedAt: r.finished_at as Date | null,
  };
}

/** Records a bulk action: 'pending' until confirmed (a delete), or 'queued' to run now. */
export async function insertBulkAction(db: Queryable, a: { ownerId: number; action: BulkActionKind; argument: string; videoPublicIds: string[]; state: 'pending' | 'queued' }): Promise<BulkAction> {
  const { rows } = await db.query(
    `INSERT INTO bulk_actions AS b (owner_id, action, argument, video_public_ids, state) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [a.ownerId, a.action, a.argument, a.videoPublicIds, a.state],
  );
  return toBulkAction(rows[0]!);
}

/** One of my bulk actions by its public id (bulk_actions_public_id_key); another account's is "nothing". */
export async function findBulkAction(db: Queryable, ownerId: number, publicId: string): Promise<BulkAction | null> {
  const { rows } = await db.query(prepared('find-bulk-action', `SELECT ${COLUMNS} FROM bulk_actions b WHERE b.public_id = $1 AND b.owner_id = $2`, [publicId, ownerId]));
  return rows[0] ? toBulkAction(rows[0]) : null;
}

/** My bulk actions of the last day, newest first, for the studio's list of them (bulk_actions_owner_idx). */
export async function listRecentBulkActions(db: Queryable, ownerId: number, limit: number): Promise<BulkAction[]> {
  const { rows } = await db.query(prepared(
    'list-recent-bulk-actions',
    `SELECT ${COLUMNS} FROM bulk_actions b WHERE b.owner_id = $1 AND b.state <> 'pending' AND b.created_at > now() - interval '1 day' ORDER BY b.created_at DESC LIMIT $2`,
    [ownerId, limit],
  ));
  return rows.map(toBulkAction);
}

/** The action, locked until the caller's transaction ends: one batch at a time per action. */
export async function lockBulkAction(client: PoolClient, id: number): Promise<BulkAction | null> {
  const { rows } = await client.query(`SELECT ${COLUMNS} FROM bulk_actions b WHERE b.id = $1 FOR UPDATE`, [id]);
  return rows[0] ? toBulkAction(rows[0]) : null;
}

/**
 * Adds a batch's outcome, in the transaction of its changes (the row locked by lockBulkAction);
 * of the reasons, only those that fit in ERRORS_KEPT are kept.
 */
export async function recordBulkProgress(client: PoolClient, action: BulkAction, done: number, errors: BulkError[]): Promise<void> {
  const kept = errors.slice(0, Math.max(0, ERRORS_KEPT - action.errors.length));
  await client.query(
    `UPDATE bulk_actions SET state = 'running', done = done + $2, failed = failed + $3, errors = errors || $4::jsonb WHERE id = $1`,
    [action.id, done, errors.length, JSON.stringify(kept)],
  );
}

/** A pending action confirmed by its owner: 'queued' to run. Returns false when it was not pending (a resubmit). */
export async function confirmBulkAction(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE bulk_actions SET state = 'queued' WHERE id = $1 AND state = 'pending'`, [id]);
  return rowCount === 1;
}

export async function finishBulkAction(db: Queryable, id: number, state: 'done' | 'failed'): Promise<void> {
  await db.query(`UPDATE bulk_actions SET state = $2, finished_at = now() WHERE id = $1 AND finished_at IS NULL`, [id, state]);
}

/** What a bulk change needs to know of a video. */
export interface OwnVideo {
  id: number;
  publicId: string;
  title: string;
  tags: string[];
  visibility: Visibility;
}

/**
 * Those of `publicIds` that are my videos (videos_public_id_key; the owner checked here, in
 * SQL), locked until the caller's transaction ends so that an edit meanwhile cannot be lost.
 */
export async function lockOwnVideos(client: PoolClient, ownerId: number, publicIds: string[]): Promise<OwnVideo[]> {
  const { rows } = await client.query<{ id: number; public_id: string; title: string; tags: string[]; visibility: Visibility }>(
    'SELECT id, public_id, title, tags, visibility FROM videos WHERE public_id = ANY ($1::text[]) AND owner_id = $2 ORDER BY id FOR UPDATE',
    [publicIds, ownerId],
  );
  return rows.map((r) => ({ id: r.id, publicId: r.public_id, title: r.title, tags: r.tags, visibility: r.visibility }));
}

/** Sets the visibility of those of `ids` that are mine. */
export async function setVisibilityOfOwnVideos(db: Queryable, ownerId: number, ids: number[], visibility: Visibility): Promise<void> {
  if (ids.length === 0) return;
  await db.query('UPDATE videos SET visibility = $3, updated_at = now() WHERE id = ANY ($1::bigint[]) AND owner_id = $2', [ids, ownerId, visibility]);
}

/** Replaces the tags of those videos that are mine, each with its own new list. */
export async function setTagsOfOwnVideos(db: Queryable, ownerId: number, changes: { id: number; tags: string[] }[]): Promise<void> {
  if (changes.length === 0) return;
  await db.query(
    `UPDATE videos v SET tags = ARRAY(SELECT jsonb_array_elements_text(n.tags)), updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS n (id bigint, tags jsonb)
     WHERE v.id = n.id AND v.owner_id = $2`,
    [JSON.stringify(changes), ownerId],
  );
}
