import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import type { VideoStatus, Visibility } from './visibility.js';

// What one person made, for their page in /admin/users (issue 13, item 5): their newest videos
// in every state and their newest comments, deleted and held ones included, since a moderator
// judging an account needs what others no longer see. Each is one walk of the owner's index
// (videos_owner_created_idx, comments_author_idx) for a page's worth.

export interface PersonVideo {
  publicId: string;
  title: string;
  visibility: Visibility;
  status: VideoStatus;
  createdAt: Date;
}

export async function listPersonVideos(db: Queryable, userId: number, limit: number): Promise<PersonVideo[]> {
  const { rows } = await db.query<{ public_id: string; title: string; visibility: Visibility; status: VideoStatus; created_at: Date }>(prepared(
    'list-person-videos',
    `SELECT public_id, title, visibility, status, created_at FROM videos
     WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
    [userId, limit],
  ));
  return rows.map((r) => ({ publicId: r.public_id, title: r.title, visibility: r.visibility, status: r.status, createdAt: r.created_at }));
}

export interface PersonComment {
  id: number;
  threadId: number | null;
  /** The first characters of what it says now ('' once deleted). */
  excerpt: string;
  videoPublicId: string;
  videoTitle: string;
  held: boolean;
  deleted: boolean;
  createdAt: Date;
}

/** How much of a comment the list shows. */
const EXCERPT_CHARS = 200;

export async function listPersonComments(db: Queryable, userId: number, limit: number): Promise<PersonComment[]> {
  const { rows } = await db.query<{ id: string; thread_id: string | null; excerpt: string; public_id: string; title: string; held: boolean; deleted: boolean; created_at: Date }>(prepared(
    'list-person-comments',
    `SELECT c.id, c.thread_id, left(c.body, $3) AS excerpt, v.public_id, v.title, c.held, c.deleted_at IS NOT NULL AS deleted, c.created_at
     FROM comments c JOIN videos v ON v.id = c.video_id
     WHERE c.author_id = $1 ORDER BY c.created_at DESC LIMIT $2`,
    [userId, limit, EXCERPT_CHARS],
  ));
  return rows.map((r) => ({
    id: Number(r.id), threadId: r.thread_id === null ? null : Number(r.thread_id), excerpt: r.excerpt,
    videoPublicId: r.public_id, videoTitle: r.title, held: r.held, deleted: r.deleted, createdAt: r.created_at,
  }));
}
