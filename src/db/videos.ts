import type { StoryboardIndex } from '../media/previews.js';
import type { Queryable } from './pool.js';
import { prepared } from './pool.js';

export type Visibility = 'public' | 'unlisted' | 'private';
export type VideoStatus = 'uploaded' | 'processing' | 'ready' | 'failed';

export interface Video {
  id: number;
  publicId: string;
  ownerId: number;
  title: string;
  description: string;
  tags: string[];
  visibility: Visibility;
  status: VideoStatus;
  progress: number;
  failureReason: string | null;
  originalKey: string | null;
  originalName: string;
  originalBytes: number;
  durationSeconds: number;
  width: number;
  height: number;
  frameRate: number;
  videoCodec: string;
  audioCodec: string | null;
  thumbnailStem: string | null;
  storyboard: StoryboardIndex | null;
  createdAt: Date;
  publishedAt: Date | null;
  viewCount: number;
  likeCount: number;
  dislikeCount: number;
}

/** A video with the channel it belongs to, as pages show it. */
export interface VideoWithOwner extends Video {
  owner: { handle: string; displayName: string; avatarKey: string | null; subscriberCount: number };
}

const COLUMNS = `v.id, v.public_id, v.owner_id, v.title, v.description, v.tags, v.visibility, v.status, v.progress,
  v.failure_reason, v.original_key, v.original_name, v.original_bytes, v.duration_seconds, v.width, v.height,
  v.frame_rate, v.video_codec, v.audio_codec, v.thumbnail_stem, v.storyboard, v.created_at, v.published_at,
  v.view_count, v.like_count, v.dislike_count`;
export const WITH_OWNER = `${COLUMNS}, u.handle AS owner_handle, u.display_name AS owner_display_name, u.avatar_key AS owner_avatar_key,
  u.subscriber_count AS owner_subscriber_count`;

type Row = Record<string, unknown>;

function toVideo(r: Row): Video {
  return {
    id: r.id as number,
    publicId: r.public_id as string,
    ownerId: r.owner_id as number,
    title: r.title as string,
    description: r.description as string,
    tags: r.tags as string[],
    visibility: r.visibility as Visibility,
    status: r.status as VideoStatus,
    progress: r.progress as number,
    failureReason: r.failure_reason as string | null,
    originalKey: r.original_key as string | null,
    originalName: r.original_name as string,
    originalBytes: r.original_bytes as number,
    durationSeconds: r.duration_seconds as number,
    width: r.width as number,
    height: r.height as number,
    frameRate: r.frame_rate as number,
    videoCodec: r.video_codec as string,
    audioCodec: r.audio_codec as string | null,
    thumbnailStem: r.thumbnail_stem as string | null,
    storyboard: r.storyboard as StoryboardIndex | null,
    createdAt: r.created_at as Date,
    publishedAt: r.published_at as Date | null,
    viewCount: r.view_count as number,
    likeCount: r.like_count as number,
    dislikeCount: r.dislike_count as number,
  };
}

export function toVideoWithOwner(r: Row): VideoWithOwner {
  return {
    ...toVideo(r),
    owner: { handle: r.owner_handle as string, displayName: r.owner_display_name as string, avatarKey: r.owner_avatar_key as string | null, subscriberCount: r.owner_subscriber_count as number },
  };
}

/** What an accepted upload records: the creator's details and what ffprobe found. */
export type NewVideo = Pick<
  Video,
  'publicId' | 'ownerId' | 'title' | 'description' | 'tags' | 'visibility' | 'originalName' | 'originalBytes' |
  'durationSeconds' | 'width' | 'height' | 'frameRate' | 'videoCodec' | 'audioCodec'
> & { originalKey: string; probe: unknown };

export async function insertVideo(db: Queryable, v: NewVideo): Promise<Video> {
  const { rows } = await db.query(
    `INSERT INTO videos AS v (public_id, owner_id, title, description, tags, visibility, original_key, original_name, original_bytes,
       duration_seconds, width, height, frame_rate, video_codec, audio_codec, probe)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     RETURNING ${COLUMNS}`,
    [v.publicId, v.ownerId, v.title, v.description, v.tags, v.visibility, v.originalKey, v.originalName, v.originalBytes,
      v.durationSeconds, v.width, v.height, v.frameRate, v.videoCodec, v.audioCodec, JSON.stringify(v.probe)],
  );
  return toVideo(rows[0]!);
}

/** A video of a live account by its public id (uses videos_public_id_key), whatever its state; callers check who may see it. */
export async function findVideoByPublicId(db: Queryable, publicId: string): Promise<VideoWithOwner | null> {
  const { rows } = await db.query(prepared(
    'find-video-by-public-id',
    `SELECT ${WITH_OWNER} FROM videos v JOIN users u ON u.id = v.owner_id
     WHERE v.public_id = $1 AND u.deleted_at IS NULL AND u.banned_at IS NULL`,
    [publicId],
  ));
  return rows[0] ? toVideoWithOwner(rows[0]) : null;
}

export async function findVideoById(db: Queryable, id: number): Promise<Video | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM videos v WHERE v.id = $1`, [id]);
  return rows[0] ? toVideo(rows[0]) : null;
}

/**
 * Keyset pagination after the video whose public id is $2, in `column` DESC, id DESC order: the
 * CTE that reads that video's key, and the condition for the rows after it (every row when $2
 * is null or names no video). Inserts never shift a page, and no rows are skipped by OFFSET.
 */
function afterVideo(column: 'published_at' | 'view_count') {
  return {
    cursor: `cursor AS (SELECT ${column}, id FROM videos WHERE public_id = $2)`,
    condition: `($2::text IS NULL OR NOT EXISTS (SELECT 1 FROM cursor) OR (v.${column}, v.id) < (SELECT ${column}, id FROM cursor))`,
  };
}
const AFTER_NEWEST = afterVideo('published_at');
const AFTER_MOST_VIEWED = afterVideo('view_count');

/**
 * Ready public videos of live channels, newest first, the page after the video `after` (a
 * public id; keyset, so inserts never shift a page). Uses videos_public_listing_idx, or
 * videos_owner_public_listing_idx for one channel.
 */
export async function listPublicVideos(db: Queryable, options: { after?: string | null; limit: number; ownerId?: number }): Promise<VideoWithOwner[]> {
  const { after, limit, ownerId } = options;
  const { rows } = await db.query(
    `WITH ${AFTER_NEWEST.cursor}
     SELECT ${WITH_OWNER} FROM videos v JOIN users u ON u.id = v.owner_id
     WHERE v.status = 'ready' AND v.visibility = 'public' AND u.deleted_at IS NULL AND u.banned_at IS NULL
       AND ($1::bigint IS NULL OR v.owner_id = $1)
       AND ${AFTER_NEWEST.condition}
     ORDER BY v.published_at DESC, v.id DESC
     LIMIT $3`,
    [ownerId ?? null, after ?? null, limit],
  );
  return rows.map(toVideoWithOwner);
}

/**
 * A channel's ready public videos, most viewed first, after the video `after`. Finds them
 * through videos_owner_public_listing_idx and sorts them (7 ms for a channel of 900 videos):
 * an index on view counts would make every counted view update that index too.
 */
export async function listPopularVideosOfChannel(db: Queryable, ownerId: number, options: { after?: string | null; limit: number }): Promise<VideoWithOwner[]> {
  const { rows } = await db.query(
    `WITH ${AFTER_MOST_VIEWED.cursor}
     SELECT ${WITH_OWNER} FROM videos v JOIN users u ON u.id = v.owner_id
     WHERE v.owner_id = $1 AND v.status = 'ready' AND v.visibility = 'public' AND u.deleted_at IS NULL AND u.banned_at IS NULL
       AND ${AFTER_MOST_VIEWED.condition}
     ORDER BY v.view_count DESC, v.id DESC
     LIMIT $3`,
    [ownerId, options.after ?? null, options.limit],
  );
  return rows.map(toVideoWithOwner);
}

/** Ready public videos by id, in the order of `ids` (videos_pkey). */
export async function listPublicVideosByIds(db: Queryable, ids: number[]): Promise<VideoWithOwner[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query(prepared(
    'list-public-videos-by-ids',
    `SELECT ${WITH_OWNER} FROM unnest($1::bigint[]) WITH ORDINALITY AS wanted(id, position)
     JOIN videos v ON v.id = wanted.id JOIN users u ON u.id = v.owner_id
     WHERE v.status = 'ready' AND v.visibility = 'public' AND u.deleted_at IS NULL AND u.banned_at IS NULL
     ORDER BY wanted.position`,
    [ids],
  ));
  return rows.map(toVideoWithOwner);
}

/**
 * The newest ready public videos of the channels `subscriberId` follows, after `after`
 * (a public id). For each followed channel (subscriptions_pkey) takes its newest through
 * videos_owner_public_listing_idx, then sorts those: the work grows with the channels followed
 * and their videos, not with the catalogue.
 */
export async function listSubscriptionFeed(db: Queryable, subscriberId: number, options: { after?: string | null; limit: number }): Promise<VideoWithOwner[]> {
  const { rows } = await db.query(prepared(
    'list-subscription-feed',
    `WITH ${AFTER_NEWEST.cursor}
     SELECT ${WITH_OWNER} FROM subscriptions s
     JOIN videos v ON v.owner_id = s.channel_id JOIN users u ON u.id = v.owner_id
     WHERE s.subscriber_id = $1 AND v.status = 'ready' AND v.visibility = 'public' AND u.deleted_at IS NULL AND u.banned_at IS NULL
       AND ${AFTER_NEWEST.condition}
     ORDER BY v.published_at DESC, v.id DESC
     LIMIT $3`,
    [subscriberId, options.after ?? null, options.limit],
  ));
  return rows.map(toVideoWithOwner);
}

/**
 * Ids of videos to watch next: the same channel's and those whose text matches this one's title
 * and tags, ranked by that match and then by views; never the video itself. Only public, ready
 * videos at the time of asking; listPublicVideosByIds checks again when they are shown.
 */
export async function findRelatedVideoIds(db: Queryable, video: Pick<Video, 'id' | 'ownerId' | 'title' | 'tags'>, limit: number): Promise<number[]> {
  const words = [video.title, ...video.tags].join(' ');
  // Candidates are bounded, whatever the catalogue's size or the words' frequency: the channel's
  // newest 50 (videos_owner_public_listing_idx) and the text matches among the newest 2,000
  // public videos (walking videos_public_listing_idx, testing each tsvector). Older videos of
  // other channels are not suggested; that is the price of a watch page that stays fast.
  const { rows } = await db.query<{ id: number }>(
    `WITH q AS (SELECT replace(plainto_tsquery('english', $3)::text, '&', '|')::tsquery AS tsq),
     candidates AS (
       (SELECT v.id FROM videos v WHERE v.owner_id = $2 AND v.status = 'ready' AND v.visibility = 'public' ORDER BY v.published_at DESC LIMIT 50)
       UNION
       (SELECT recent.id FROM (
          SELECT v.id, v.search FROM videos v WHERE v.status = 'ready' AND v.visibility = 'public' ORDER BY v.published_at DESC, v.id DESC LIMIT 2000
        ) recent, q WHERE q.tsq::text <> '' AND recent.search @@ q.tsq)
     )
     SELECT v.id FROM candidates c JOIN videos v ON v.id = c.id JOIN users u ON u.id = v.owner_id, q
     WHERE v.id <> $1 AND u.deleted_at IS NULL AND u.banned_at IS NULL
     ORDER BY (CASE WHEN q.tsq::text <> '' THEN ts_rank(v.search, q.tsq) ELSE 0 END) + (CASE WHEN v.owner_id = $2 THEN 0.1 ELSE 0 END) DESC,
       v.view_count DESC, v.id DESC
     LIMIT $4`,
    [video.id, video.ownerId, words, limit],
  );
  return rows.map((r) => r.id);
}

/** All of one owner's videos in any state, newest upload first (uses videos_owner_created_idx). */
export async function listVideosOfOwner(db: Queryable, ownerId: number, limit: number): Promise<Video[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM videos v WHERE v.owner_id = $1 ORDER BY v.created_at DESC, v.id DESC LIMIT $2`, [ownerId, limit]);
  return rows.map(toVideo);
}

export interface VideoFile {
  kind: 'rendition' | 'thumbnail' | 'storyboard';
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

/** The following updates return false when the video was deleted meanwhile. */
export async function setVideoProgress(db: Queryable, id: number, progress: number): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE videos SET progress = $2, updated_at = now() WHERE id = $1', [id, Math.max(0, Math.min(100, Math.floor(progress)))]);
  return rowCount === 1;
}

export async function markProcessing(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE videos SET status = CASE WHEN status = 'ready' THEN 'ready' ELSE 'processing' END, failure_reason = NULL, updated_at = now() WHERE id = $1`,
    [id],
  );
  return rowCount === 1;
}

/** Playable: the first rendition and the thumbnails exist. */
export async function markPlayable(db: Queryable, id: number, thumbnailStem: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE videos SET status = 'ready', thumbnail_stem = $2, published_at = coalesce(published_at, now()), updated_at = now() WHERE id = $1`,
    [id, thumbnailStem],
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
 */
export async function markFailed(db: Queryable, id: number, reason: string | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE videos SET status = CASE WHEN status = 'ready' THEN 'ready' ELSE 'failed' END,
       progress = CASE WHEN status = 'ready' THEN 100 ELSE progress END,
       failure_reason = coalesce($2, failure_reason, $3), updated_at = now()
     WHERE id = $1`,
    [id, reason, GAVE_UP],
  );
  return rowCount === 1;
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

/** Deletes the video and its file rows; returns its public id (whose storage the caller removes), or null. */
export async function deleteVideo(db: Queryable, id: number): Promise<string | null> {
  const { rows } = await db.query<{ public_id: string }>('DELETE FROM videos WHERE id = $1 RETURNING public_id', [id]);
  return rows[0]?.public_id ?? null;
}

export interface ServableFile extends VideoFile {
  video: { id: number; ownerId: number; visibility: Visibility; status: VideoStatus };
}

/**
 * A file of a video of a live channel, with what deciding access needs, in one query (media
 * requests are many; videos_public_id_key, video_files_video_id_name_key).
 */
export async function findServableFile(db: Queryable, publicId: string, name: string): Promise<ServableFile | null> {
  const { rows } = await db.query(prepared(
    'find-servable-file',
    `SELECT f.kind, f.name, f.storage_key, f.mime_type, f.width, f.height, f.bytes, v.id AS video_id, v.owner_id, v.visibility, v.status
     FROM videos v JOIN video_files f ON f.video_id = v.id JOIN users u ON u.id = v.owner_id
     WHERE v.public_id = $1 AND f.name = $2 AND u.deleted_at IS NULL AND u.banned_at IS NULL`,
    [publicId, name],
  ));
  const r = rows[0];
  if (!r) return null;
  return { ...toFile(r), video: { id: r.video_id, ownerId: r.owner_id, visibility: r.visibility, status: r.status } };
}

/** Public videos and the channels with any, for the sitemap (newest first, at most `limit`; videos_public_listing_idx). */
export async function listSitemapEntries(db: Queryable, limit: number): Promise<{ videos: { publicId: string; updatedAt: Date }[]; channels: { handle: string }[] }> {
  const videos = await db.query<{ public_id: string; updated_at: Date }>(
    `SELECT v.public_id, v.updated_at FROM videos v JOIN users u ON u.id = v.owner_id
     WHERE v.status = 'ready' AND v.visibility = 'public' AND u.deleted_at IS NULL AND u.banned_at IS NULL
     ORDER BY v.published_at DESC, v.id DESC LIMIT $1`,
    [limit],
  );
  const channels = await db.query<{ handle: string }>(
    `SELECT handle FROM users WHERE deleted_at IS NULL AND banned_at IS NULL ORDER BY created_at DESC LIMIT $1`,
    [limit],
  );
  return { videos: videos.rows.map((r) => ({ publicId: r.public_id, updatedAt: r.updated_at })), channels: channels.rows };
}

/** A channel's public video count and their total views (uses videos_owner_public_listing_idx). */
export async function channelStats(db: Queryable, ownerId: number): Promise<{ videos: number; views: number }> {
  const { rows } = await db.query<{ videos: number; views: number }>(prepared(
    'channel-stats',
    `SELECT count(*)::int AS videos, coalesce(sum(view_count), 0)::bigint AS views FROM videos
     WHERE owner_id = $1 AND status = 'ready' AND visibility = 'public'`,
    [ownerId],
  ));
  return rows[0]!;
}
