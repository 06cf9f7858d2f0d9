import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { ownerLive, type VideoState } from './visibility.js';

type Row = Record<string, unknown>;

export interface VideoFile {
  kind: 'rendition' | 'thumbnail' | 'storyboard' | 'candidate';
  name: string;
  storageKey: string;
  mimeType: string;
  width: number;
  height: number;
  bytes: number;
}

function toFile(r: Row): VideoFile {
  return { kind: r.kind as VideoFile['kind'], name: r.name as string, storageKey: r.storage_key as string, mimeType: r.mime_type as string, width: r.width as number, height: r.height as number, bytes: r.bytes as number };
}

/** A video's files, renditions by height (video_files_video_id_name_key). */
export async function listVideoFiles(db: Queryable, videoId: number): Promise<VideoFile[]> {
  const { rows } = await db.query(prepared('list-video-files', 'SELECT kind, name, storage_key, mime_type, width, height, bytes FROM video_files WHERE video_id = $1 ORDER BY kind, height, name', [videoId]));
  return rows.map(toFile);
}

/** Records a made file; false when the video is gone or already has a rendition of that height (a second run). */
export async function insertVideoFile(db: Queryable, videoId: number, f: VideoFile): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO video_files (video_id, kind, name, storage_key, mime_type, width, height, bytes)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM videos WHERE id = $1)
     ON CONFLICT DO NOTHING`,
    [videoId, f.kind, f.name, f.storageKey, f.mimeType, f.width, f.height, f.bytes],
  );
  return rowCount === 1;
}

export interface ServableFile extends VideoFile {
  video: VideoState & { id: number; ownerId: number };
}

/**
 * A file of a video, with what deciding access needs, in one query (media requests are many;
 * videos_public_id_key, video_files_video_id_name_key).
 */
export async function findServableFile(db: Queryable, publicId: string, name: string): Promise<ServableFile | null> {
  const { rows } = await db.query(prepared(
    'find-servable-file',
    `SELECT f.kind, f.name, f.storage_key, f.mime_type, f.width, f.height, f.bytes, v.id AS video_id, v.owner_id, v.visibility, v.status, v.moderation,
       (${ownerLive('u')}) AS owner_live
     FROM videos v JOIN video_files f ON f.video_id = v.id JOIN users u ON u.id = v.owner_id
     WHERE v.public_id = $1 AND f.name = $2`,
    [publicId, name],
  ));
  const r = rows[0];
  if (!r) return null;
  return { ...toFile(r), video: { id: r.video_id, ownerId: r.owner_id, visibility: r.visibility, status: r.status, moderation: r.moderation, ownerLive: r.owner_live } };
}
