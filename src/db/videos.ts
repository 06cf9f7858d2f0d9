import type { CommentsMode } from './comments.js';
import type { ChapterSource } from '../chapters.js';
import type { StoryboardIndex } from '../media/previews.js';
import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { ownerLive, type Moderation, type Visibility, type VideoStatus } from './visibility.js';

export type { Moderation, Visibility, VideoStatus } from './visibility.js';

// The video row: its columns, reading one, recording and deleting it. Listings are in
// video-listings.ts, files in video-files.ts, processing state in video-processing.ts.

export interface Video {
  id: number;
  publicId: string;
  ownerId: number;
  title: string;
  description: string;
  tags: string[];
  visibility: Visibility;
  /** When a scheduled video becomes public; set exactly while visibility is 'scheduled'. */
  publishAt: Date | null;
  /** A key of VIDEO_CATEGORIES and a tag of VIDEO_LANGUAGES (src/forms/video-choices.ts), or null. */
  category: string | null;
  language: string | null;
  status: VideoStatus;
  /** A moderator's hold: 'held' waiting for approval, 'taken_down' (src/db/takedowns.ts); 'none' otherwise. */
  moderation: Moderation;
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
  /** The widths of the thumbnail set `thumbnailStem`, ascending. */
  thumbnailWidths: number[];
  storyboard: StoryboardIndex | null;
  createdAt: Date;
  publishedAt: Date | null;
  viewCount: number;
  likeCount: number;
  dislikeCount: number;
  /** Visible comments, kept on the row with them (src/db/comments.ts). */
  commentCount: number;
  /** Comments on, off, or held for the creator's review. */
  commentsMode: CommentsMode;
  /** Where its chapters come from: the description, or the studio's table (video_chapters). */
  chaptersSource: ChapterSource;
}

/** A video with the channel it belongs to, as pages show it; `ownerLive` as visibility.ts defines it. */
export interface VideoWithOwner extends Video {
  owner: { handle: string; displayName: string; avatarKey: string | null; subscriberCount: number };
  ownerLive: boolean;
}

export const COLUMNS = `v.id, v.public_id, v.owner_id, v.title, v.description, v.tags, v.visibility, v.publish_at, v.category, v.language, v.status, v.moderation, v.progress,
  v.failure_reason, v.original_key, v.original_name, v.original_bytes, v.duration_seconds, v.width, v.height,
  v.frame_rate, v.video_codec, v.audio_codec, v.thumbnail_stem, v.thumbnail_widths, v.storyboard, v.created_at, v.published_at,
  v.view_count, v.like_count, v.dislike_count, v.comment_count, v.comments_mode, v.chapters_source`;
export const WITH_OWNER = `${COLUMNS}, u.handle AS owner_handle, u.display_name AS owner_display_name, u.avatar_key AS owner_avatar_key,
  u.subscriber_count AS owner_subscriber_count, (${ownerLive('u')}) AS owner_live`;

type Row = Record<string, unknown>;

export function toVideo(r: Row): Video {
  return {
    id: r.id as number,
    publicId: r.public_id as string,
    ownerId: r.owner_id as number,
    title: r.title as string,
    description: r.description as string,
    tags: r.tags as string[],
    visibility: r.visibility as Visibility,
    publishAt: r.publish_at as Date | null,
    category: r.category as string | null,
    language: r.language as string | null,
    status: r.status as VideoStatus,
    moderation: r.moderation as Moderation,
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
    thumbnailWidths: r.thumbnail_widths as number[],
    storyboard: r.storyboard as StoryboardIndex | null,
    createdAt: r.created_at as Date,
    publishedAt: r.published_at as Date | null,
    viewCount: r.view_count as number,
    likeCount: r.like_count as number,
    dislikeCount: r.dislike_count as number,
    commentCount: r.comment_count as number,
    commentsMode: r.comments_mode as CommentsMode,
    chaptersSource: r.chapters_source as ChapterSource,
  };
}

export function toVideoWithOwner(r: Row): VideoWithOwner {
  return {
    ...toVideo(r),
    owner: { handle: r.owner_handle as string, displayName: r.owner_display_name as string, avatarKey: r.owner_avatar_key as string | null, subscriberCount: r.owner_subscriber_count as number },
    ownerLive: r.owner_live as boolean,
  };
}

/** What an accepted upload records: the creator's details and what ffprobe found. */
export type NewVideo = Pick<
  Video,
  'publicId' | 'ownerId' | 'title' | 'description' | 'tags' | 'visibility' | 'originalName' | 'originalBytes' |
  'durationSeconds' | 'width' | 'height' | 'frameRate' | 'videoCodec' | 'audioCodec'
> & { originalKey: string; probe: unknown; /** 'held' when the site holds new uploads for approval; 'none' by default. */ moderation?: Moderation };

export async function insertVideo(db: Queryable, v: NewVideo): Promise<Video> {
  const { rows } = await db.query(
    `INSERT INTO videos AS v (public_id, owner_id, title, description, tags, visibility, original_key, original_name, original_bytes,
       duration_seconds, width, height, frame_rate, video_codec, audio_codec, probe, moderation)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     RETURNING ${COLUMNS}`,
    [v.publicId, v.ownerId, v.title, v.description, v.tags, v.visibility, v.originalKey, v.originalName, v.originalBytes,
      v.durationSeconds, v.width, v.height, v.frameRate, v.videoCodec, v.audioCodec, JSON.stringify(v.probe), v.moderation ?? 'none'],
  );
  return toVideo(rows[0]!);
}

/** A video by its public id (uses videos_public_id_key), whatever its state or its owner's; callers check who may see it (canSeeVideo). */
export async function findVideoByPublicId(db: Queryable, publicId: string): Promise<VideoWithOwner | null> {
  const { rows } = await db.query(prepared(
    'find-video-by-public-id',
    `SELECT ${WITH_OWNER} FROM videos v JOIN users u ON u.id = v.owner_id WHERE v.public_id = $1`,
    [publicId],
  ));
  return rows[0] ? toVideoWithOwner(rows[0]) : null;
}

export async function findVideoById(db: Queryable, id: number): Promise<Video | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM videos v WHERE v.id = $1`, [id]);
  return rows[0] ? toVideo(rows[0]) : null;
}

/** Deletes the video and its file rows; returns its public id (whose storage the caller removes), or null. */
export async function deleteVideo(db: Queryable, id: number): Promise<string | null> {
  const { rows } = await db.query<{ public_id: string }>('DELETE FROM videos WHERE id = $1 RETURNING public_id', [id]);
  return rows[0]?.public_id ?? null;
}

