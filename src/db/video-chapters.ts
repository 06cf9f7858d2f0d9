import type { Chapter, ChapterSource } from '../chapters.js';
import type { Pool, Queryable } from './pool.js';
import { prepared, withTransaction } from './pool.js';

// A video's chapters as the studio stores them: where they come from (videos.chapters_source)
// and the rows of the table (video_chapters). Chapters from the description are not stored.

export interface StoredChapters {
  source: ChapterSource;
  /** The table's chapters by start time, kept whatever the source, so switching back finds them. */
  table: Chapter[];
}

/**
 * The source and the table in one round trip (videos_pkey, then video_chapters_pkey, which also
 * gives the order). Null when the video is gone.
 */
export async function findStoredChapters(db: Queryable, videoId: number): Promise<StoredChapters | null> {
  const { rows } = await db.query<{ chapters_source: ChapterSource; start_seconds: number | null; title: string | null }>(prepared(
    'find-stored-chapters',
    `SELECT v.chapters_source, c.start_seconds, c.title
       FROM videos v LEFT JOIN video_chapters c ON c.video_id = v.id
      WHERE v.id = $1
      ORDER BY c.start_seconds`,
    [videoId],
  ));
  if (rows.length === 0) return null;
  const table = rows.filter((r) => r.start_seconds !== null).map((r) => ({ startSeconds: r.start_seconds!, title: r.title! }));
  return { source: rows[0]!.chapters_source, table };
}

/** The studio's table of chapters by start time (video_chapters_pkey gives the order). */
export async function findChapterTable(db: Queryable, videoId: number): Promise<Chapter[]> {
  const { rows } = await db.query<{ start_seconds: number; title: string }>(prepared(
    'find-chapter-table',
    'SELECT start_seconds, title FROM video_chapters WHERE video_id = $1 ORDER BY start_seconds',
    [videoId],
  ));
  return rows.map((r) => ({ startSeconds: r.start_seconds, title: r.title }));
}

/**
 * Replaces the owner's table of chapters and sets where the video's chapters come from, in one
 * transaction. The UPDATE comes first: it checks the owner in its WHERE clause and locks the
 * video's row, so two saves at once are applied one after the other, never interleaved. False
 * when the video is not this owner's (or is gone).
 */
export async function saveChapters(pool: Pool, ownerId: number, videoId: number, source: ChapterSource, table: Chapter[]): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const updated = await client.query(prepared(
      'set-chapters-source',
      'UPDATE videos SET chapters_source = $3 WHERE id = $1 AND owner_id = $2 RETURNING id',
      [videoId, ownerId, source],
    ));
    if (updated.rowCount === 0) return false;
    await client.query(prepared('delete-chapters', 'DELETE FROM video_chapters WHERE video_id = $1', [videoId]));
    if (table.length > 0) {
      await client.query(prepared(
        'insert-chapters',
        'INSERT INTO video_chapters (video_id, start_seconds, title) SELECT $1, s, t FROM unnest($2::int[], $3::text[]) AS u (s, t)',
        [videoId, table.map((c) => c.startSeconds), table.map((c) => c.title)],
      ));
    }
    return true;
  });
}
