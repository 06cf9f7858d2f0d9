import type { Pool, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import type { VideoFile } from './video-files.js';

// A video's thumbnail set (thumb-<stem>-<width>.webp|jpg, named by videos.thumbnail_stem) and
// the three frames its creator may choose from (video_files of kind 'candidate').

/** A made file and, for one taken from the video, where in it the frame is. */
export interface FrameFile extends VideoFile {
  frameSeconds: number | null;
}

export interface ThumbnailCandidate {
  name: string;
  storageKey: string;
  frameSeconds: number;
}

/** The candidates of a video, in the order of the frames in it. */
export async function listThumbnailCandidates(db: Queryable, videoId: number): Promise<ThumbnailCandidate[]> {
  const { rows } = await db.query(
    `SELECT name, storage_key, frame_seconds FROM video_files WHERE video_id = $1 AND kind = 'candidate' ORDER BY frame_seconds, name`,
    [videoId],
  );
  return rows.map((r) => ({ name: r.name, storageKey: r.storage_key, frameSeconds: r.frame_seconds }));
}

/** Where the current thumbnail comes from: a frame (its time), or null for the pipeline's pick or an uploaded picture. */
export async function findThumbnailFrameSeconds(db: Queryable, videoId: number, stem: string): Promise<number | null> {
  const { rows } = await db.query(`SELECT frame_seconds FROM video_files WHERE video_id = $1 AND kind = 'thumbnail' AND name LIKE $2 LIMIT 1`, [videoId, `thumb-${stem}-%`]);
  return rows[0]?.frame_seconds ?? null;
}

async function insertFiles(db: Queryable, videoId: number, files: FrameFile[]): Promise<void> {
  if (files.length === 0) return;
  await db.query(
    `INSERT INTO video_files (video_id, kind, name, storage_key, mime_type, width, height, bytes, frame_seconds)
     SELECT $1, f.kind, f.name, f.storage_key, f.mime_type, f.width, f.height, f.bytes, f.frame_seconds
     FROM jsonb_to_recordset($2::jsonb) AS f(kind text, name text, storage_key text, mime_type text, width int, height int, bytes bigint, frame_seconds double precision)`,
    [videoId, JSON.stringify(files.map((f) => ({ kind: f.kind, name: f.name, storage_key: f.storageKey, mime_type: f.mimeType, width: f.width, height: f.height, bytes: f.bytes, frame_seconds: f.frameSeconds })))],
  );
}

/**
 * Claims the one try at making a video's missing candidates: true, and the try recorded, unless
 * one was made less than `retryAfterSeconds` ago (or the video is gone). One UPDATE, so of two
 * visits at once only one tries.
 */
export async function claimCandidateAttempt(db: Queryable, videoId: number, retryAfterSeconds: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE videos SET candidates_tried_at = now()
     WHERE id = $1 AND (candidates_tried_at IS NULL OR candidates_tried_at < now() - make_interval(secs => $2))`,
    [videoId, retryAfterSeconds],
  );
  return rowCount === 1;
}

/**
 * Records a video's candidates unless it has some already; false when it had (or is gone), and
 * then the caller removes the files it made. The row lock orders two makers of the same video
 * (the pipeline and a first visit to the studio page, or two visits at once): the second sees
 * the first's rows.
 */
export async function insertThumbnailCandidates(pool: Pool, videoId: number, files: FrameFile[]): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM videos WHERE id = $1 FOR UPDATE', [videoId]);
    if (rowCount !== 1) return false;
    const { rowCount: existing } = await client.query(`SELECT 1 FROM video_files WHERE video_id = $1 AND kind = 'candidate' LIMIT 1`, [videoId]);
    if (existing) return false;
    await insertFiles(client, videoId, files);
    return true;
  });
}

/**
 * Points a ready video of `ownerId` at a new thumbnail set whose files are already stored, in
 * one transaction: the old set's rows go, the new ones come, thumbnail_stem and
 * thumbnail_widths change. Returns the storage keys of the old set, for the caller to remove
 * once this has committed; null (and nothing changed) when the video is not the owner's, not
 * ready or gone.
 */
export async function replaceThumbnailSet(pool: Pool, videoId: number, ownerId: number, set: { stem: string; widths: readonly number[]; files: FrameFile[] }): Promise<string[] | null> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(`SELECT 1 FROM videos WHERE id = $1 AND owner_id = $2 AND status = 'ready' FOR UPDATE`, [videoId, ownerId]);
    if (rowCount !== 1) return null;
    const { rows: old } = await client.query(`DELETE FROM video_files WHERE video_id = $1 AND kind = 'thumbnail' RETURNING storage_key`, [videoId]);
    await insertFiles(client, videoId, set.files);
    await client.query(
      'UPDATE videos SET thumbnail_stem = $3, thumbnail_widths = $4, updated_at = now() WHERE id = $1 AND owner_id = $2',
      [videoId, ownerId, set.stem, [...set.widths].sort((a, b) => a - b)],
    );
    return old.map((r) => r.storage_key as string);
  });
}
