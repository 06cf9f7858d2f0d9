import crypto from 'node:crypto';
import type { Queryable } from '../../src/db/pool.js';
import { testPool } from './database.js';

/** search_words as stored: word → listed videos. */
export async function storedSearchWords(db: Queryable = testPool()): Promise<Map<string, number>> {
  const { rows } = await db.query(`SELECT word, videos FROM search_words`);
  return new Map(rows.map((r) => [r.word as string, r.videos as number]));
}

/** search_words as a recount from the videos would make it (ts_stat over listed videos; '' counts the videos). */
export async function recountedSearchWords(db: Queryable = testPool()): Promise<Map<string, number>> {
  const { rows } = await db.query(
    `SELECT word, ndoc::int AS videos FROM ts_stat($$SELECT search FROM videos WHERE status = 'ready' AND visibility = 'public'$$)
     UNION ALL SELECT '', count(*)::int FROM videos WHERE status = 'ready' AND visibility = 'public' HAVING count(*) > 0`,
  );
  return new Map(rows.map((r) => [r.word as string, r.videos as number]));
}

export interface BulkVideo {
  title: string;
  description?: string;
  visibility?: 'public' | 'unlisted' | 'private';
  viewCount?: number;
  /** How long ago it was published. */
  minutesAgo: number;
}

/**
 * Ready videos written in one INSERT, as the seed writes them: hundreds in a fraction of a
 * second, where createVideo takes several statements each. Returns their ids and public ids, in order.
 */
export async function insertVideos(owner: { id: number }, videos: BulkVideo[]): Promise<{ id: number; publicId: string }[]> {
  const publicIds = videos.map(() => crypto.randomBytes(8).toString('base64url').slice(0, 11));
  const { rows } = await testPool().query(
    `INSERT INTO videos (public_id, owner_id, title, description, visibility, status, progress, duration_seconds, width, height, view_count, published_at)
     SELECT p, $1, t, d, vis, 'ready', 100, 60, 1280, 720, vc, now() - m * interval '1 minute'
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::double precision[]) WITH ORDINALITY AS x (p, t, d, vis, vc, m, n)
     ORDER BY n
     RETURNING id, public_id`,
    [owner.id, publicIds, videos.map((v) => v.title), videos.map((v) => v.description ?? ''), videos.map((v) => v.visibility ?? 'public'),
      videos.map((v) => v.viewCount ?? 0), videos.map((v) => v.minutesAgo)],
  );
  const byPublicId = new Map(rows.map((r) => [r.public_id as string, r.id as number]));
  return publicIds.map((publicId) => ({ id: byPublicId.get(publicId)!, publicId }));
}
