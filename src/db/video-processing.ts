import type { Queryable } from './pool.js';
import type { StoryboardIndex } from '../media/previews.js';

// A video's way from upload to ready or failed, as the worker records it.

/** The following updates return false when the video was deleted meanwhile. */
export async function setVideoProgress(db: Queryable, id: number, progress: number): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE videos SET progress = $2, updated_at = now() WHERE id = $1', [id, Math.max(0, Math.min(100, Math.floor(progress)))]);
  return rowCount === 1;
}

/** Processing again also gives the studio's thumbnail page a new try at candidate frames (candidates_tried_at). */
export async function markProcessing(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE videos SET status = CASE WHEN status = 'ready' THEN 'ready' ELSE 'processing' END, failure_reason = NULL, candidates_tried_at = NULL, updated_at = now() WHERE id = $1`,
    [id],
  );
  return rowCount === 1;
}

/** Playable: the first rendition and the thumbnails (their stem and widths; null for a video without any) exist. */
export async function markPlayable(db: Queryable, id: number, thumbnails: { stem: string; widths: readonly number[] } | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE videos SET status = 'ready', thumbnail_stem = $2, thumbnail_widths = $3, published_at = coalesce(published_at, now()), updated_at = now() WHERE id = $1`,
    [id, thumbnails?.stem ?? null, [...(thumbnails?.widths ?? [])].sort((a, b) => a - b)],
  );
  return rowCount === 1;
}

export async function setStoryboard(db: Queryable, id: number, index: StoryboardIndex): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE videos SET storyboard = $2, updated_at = now() WHERE id = $1', [id, JSON.stringify(index)]);
  return rowCount === 1;
}

const GAVE_UP = 'Processing stopped several times before it could finish. You can try again.';

/**
 * Failed with `reason`, or with the reason the last attempt noted when null. A video that is
 * already playable stays ready, done with the renditions it has (its higher ones failed).
 * `changed` when it is failed now and was not before, with the reason stored.
 */
export async function markFailed(db: Queryable, id: number, reason: string | null): Promise<{ ownerId: number; changed: boolean; reason: string } | null> {
  const { rows } = await db.query<{ owner_id: number; changed: boolean; failure_reason: string }>(
    `UPDATE videos v SET status = CASE WHEN v.status = 'ready' THEN 'ready' ELSE 'failed' END,
       progress = CASE WHEN v.status = 'ready' THEN 100 ELSE v.progress END,
       failure_reason = coalesce($2, v.failure_reason, $3), updated_at = now()
     FROM videos old WHERE v.id = $1 AND old.id = v.id
     RETURNING v.owner_id, v.status = 'failed' AND old.status <> 'failed' AS changed, v.failure_reason`,
    [id, reason, GAVE_UP],
  );
  return rows[0] ? { ownerId: Number(rows[0].owner_id), changed: rows[0].changed, reason: rows[0].failure_reason } : null;
}

/** Why the last attempt failed, kept for the page in case it was the last one. */
export async function noteFailureReason(db: Queryable, id: number, reason: string): Promise<void> {
  await db.query('UPDATE videos SET failure_reason = $2 WHERE id = $1', [id, reason]);
}

/** A failed video goes back in line; only a failed one (a second click changes nothing). */
export async function resetFailedVideo(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE videos SET status = 'uploaded', progress = 0, failure_reason = NULL, updated_at = now() WHERE id = $1 AND status = 'failed'`, [id]);
  return rowCount === 1;
}

export async function clearOriginalKey(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE videos SET original_key = NULL WHERE id = $1', [id]);
}

