import type { Queryable } from './pool.js';

/** Deletion addresses of videos uploaded through the API (table video_deletion_keys, issue 15). */

/** Stores the hash of a video's deletion key. */
export async function insertDeletionKey(db: Queryable, videoId: number, keyHash: Buffer): Promise<void> {
  await db.query('INSERT INTO video_deletion_keys (video_id, key_hash) VALUES ($1, $2)', [videoId, keyHash]);
}

/**
 * Whether `keyHash` is the deletion key of the video (video_deletion_keys_pkey). The hash is
 * compared by the database: an equality on a SHA-256 of 256 random bits tells a guesser nothing.
 */
export async function isDeletionKeyOf(db: Queryable, videoId: number, keyHash: Buffer): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM video_deletion_keys WHERE video_id = $1 AND key_hash = $2', [videoId, keyHash]);
  return (rowCount ?? 0) > 0;
}
