import type { VideoDetails } from '../forms/upload.js';
import type { Queryable } from './pool.js';

/** A resumable (tus) upload under way: whose it is and what it will become. */
export interface ResumableUpload {
  id: string;
  userId: number;
  declaredBytes: number;
  originalName: string;
  details: VideoDetails;
  createdAt: Date;
  expiresAt: Date;
}

const COLUMNS = 'id, user_id, declared_bytes, original_name, details, created_at, expires_at';

function toUpload(row: Record<string, unknown>): ResumableUpload {
  return {
    id: String(row.id),
    userId: Number(row.user_id),
    declaredBytes: Number(row.declared_bytes),
    originalName: String(row.original_name),
    details: row.details as VideoDetails,
    createdAt: row.created_at as Date,
    expiresAt: row.expires_at as Date,
  };
}

export async function insertResumableUpload(db: Queryable, upload: Omit<ResumableUpload, 'createdAt'>): Promise<void> {
  await db.query(
    'INSERT INTO resumable_uploads (id, user_id, declared_bytes, original_name, details, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [upload.id, upload.userId, upload.declaredBytes, upload.originalName, JSON.stringify(upload.details), upload.expiresAt],
  );
}

/** The upload of this id, expired or not (the caller tells the two apart); null when there is none. */
export async function findResumableUpload(db: Queryable, id: string): Promise<ResumableUpload | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM resumable_uploads WHERE id = $1`, [id]);
  return rows[0] ? toUpload(rows[0]) : null;
}

/**
 * The account's uploads under way (not expired), oldest first: each will be a video once finished,
 * so the limits judged at a creation count them too. Uses resumable_uploads_user_idx.
 */
export async function findOpenResumableUploads(db: Queryable, ownerId: number): Promise<{ declaredBytes: number; createdAt: Date }[]> {
  const { rows } = await db.query('SELECT declared_bytes, created_at FROM resumable_uploads WHERE user_id = $1 AND expires_at > now() ORDER BY created_at', [ownerId]);
  return rows.map((r) => ({ declaredBytes: Number(r.declared_bytes), createdAt: r.created_at as Date }));
}

/** Bytes keep arriving: the upload is kept until `expiresAt`. Owner in the WHERE clause. */
export async function extendResumableUpload(db: Queryable, ownerId: number, id: string, expiresAt: Date): Promise<void> {
  await db.query('UPDATE resumable_uploads SET expires_at = $3 WHERE user_id = $1 AND id = $2', [ownerId, id, expiresAt]);
}

/**
 * Takes the row of a finished upload: the one request that gets it makes the video, a second
 * finishing request (a client retrying) finds nothing. Null when already taken or never there.
 */
export async function takeResumableUpload(db: Queryable, id: string): Promise<ResumableUpload | null> {
  const { rows } = await db.query(`DELETE FROM resumable_uploads WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
  return rows[0] ? toUpload(rows[0]) : null;
}

export async function deleteResumableUpload(db: Queryable, ownerId: number, id: string): Promise<void> {
  await db.query('DELETE FROM resumable_uploads WHERE user_id = $1 AND id = $2', [ownerId, id]);
}

/**
 * Deletes the uploads expired at `now` and returns their ids, for their files to go too. A
 * DELETE … RETURNING: several processes sweeping at once each get different rows.
 * Uses resumable_uploads_expires_idx.
 */
export async function deleteExpiredResumableUploads(db: Queryable, now: Date, limit = 500): Promise<string[]> {
  const { rows } = await db.query(
    'DELETE FROM resumable_uploads WHERE id IN (SELECT id FROM resumable_uploads WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id',
    [now, limit],
  );
  return rows.map((r) => String(r.id));
}

/** Which of `ids` have a row (expired or not), for the sweep of files left without one. */
export async function existingResumableUploadIds(db: Queryable, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query('SELECT id FROM resumable_uploads WHERE id = ANY($1::text[])', [ids]);
  return new Set(rows.map((r) => String(r.id)));
}
