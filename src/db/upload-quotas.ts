import type { Queryable } from './pool.js';
import { prepared } from './pool.js';

/** What an account's per-account upload limits are checked against, all counted from its videos. */
export interface UploadUsage {
  /** The account's uploads of the last 24 hours, oldest first, each with when it stops counting. */
  recent: { bytes: number; countsUntil: Date }[];
  /** Videos waiting for or in processing: every rendition not yet made (a video plays before its ladder is done). */
  processing: number;
  /** Kept originals plus every made file (renditions, thumbnails, storyboard). */
  storedBytes: number;
  /** The database's clock, which stamped created_at, so waits are not skewed by the web host's. */
  now: Date;
}

/**
 * One round trip, by the owner's index (videos_owner_created_idx). Deleted videos are gone from
 * every count: deleting frees storage and processing slots, and also the day's count, which a
 * separate log of uploads would be needed to keep.
 */
export async function findUploadUsage(db: Queryable, ownerId: number): Promise<UploadUsage> {
  const { rows } = await db.query<{ now: Date; processing: number; stored_bytes: string; recent: { bytes: number; countsUntil: string }[] }>(prepared(
    'find-upload-usage',
    `SELECT now() AS now,
       (SELECT count(*)::int FROM videos
         WHERE owner_id = $1 AND (status IN ('uploaded', 'processing') OR (status = 'ready' AND progress < 100))) AS processing,
       (SELECT coalesce(sum(original_bytes) FILTER (WHERE original_key IS NOT NULL), 0) FROM videos WHERE owner_id = $1)
       + (SELECT coalesce(sum(f.bytes), 0) FROM video_files f JOIN videos v ON v.id = f.video_id WHERE v.owner_id = $1) AS stored_bytes,
       (SELECT coalesce(json_agg(json_build_object('bytes', original_bytes, 'countsUntil', created_at + interval '24 hours') ORDER BY created_at), '[]')
          FROM videos WHERE owner_id = $1 AND created_at > now() - interval '24 hours') AS recent`,
    [ownerId],
  ));
  const row = rows[0]!;
  return {
    now: row.now,
    processing: row.processing,
    storedBytes: Number(row.stored_bytes),
    recent: row.recent.map((r) => ({ bytes: Number(r.bytes), countsUntil: new Date(r.countsUntil) })),
  };
}
