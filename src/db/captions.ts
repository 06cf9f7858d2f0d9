import { distinctWords } from '../captions/cue-text.js';
import type { CaptionFormat } from '../captions/parse.js';
import { prepared, withTransaction, type Pool, type PoolClient, type Queryable } from './pool.js';

// A video's caption tracks (video_captions) and the caption words its search vector holds
// (videos.caption_text). A creator changes them in the studio; the watch and embed pages list
// them as <track> elements; /media/videos/:id/captions/:language.vtt serves one.

/** A track as pages list it. */
export interface CaptionTrack {
  language: string;
  label: string;
  sourceFormat: CaptionFormat;
  cueCount: number;
  bytes: number;
  updatedAt: Date;
}

/** Tracks a video may have: a language menu longer than this helps nobody, and it bounds a video's rows. */
export const MAX_CAPTION_TRACKS = 30;
/**
 * The caption words search is given per video, all tracks together. A tsvector of this many
 * characters of distinct words stays far below Postgres's 1 MB limit for the whole vector, and
 * a word after the limit (rare: an hour of speech uses a few thousand distinct words) is not found.
 */
export const CAPTION_SEARCH_MAX_CHARS = 100_000;

const TRACK_COLUMNS = 'language, label, source_format, cue_count, octet_length(vtt) AS bytes, updated_at';

function toTrack(r: Record<string, unknown>): CaptionTrack {
  return {
    language: r.language as string, label: r.label as string, sourceFormat: r.source_format as CaptionFormat,
    cueCount: r.cue_count as number, bytes: r.bytes as number, updatedAt: r.updated_at as Date,
  };
}

/** A video's tracks by label, for the watch and embed pages and the studio (video_captions_pkey). */
export async function listCaptionTracks(db: Queryable, videoId: number): Promise<CaptionTrack[]> {
  const { rows } = await db.query(prepared(
    'list-caption-tracks',
    `SELECT ${TRACK_COLUMNS} FROM video_captions WHERE video_id = $1 ORDER BY label, language`,
    [videoId],
  ));
  return rows.map(toTrack);
}

/** One track's WebVTT text and when it last changed (video_captions_pkey); null when there is none. */
export async function findCaptionFile(db: Queryable, videoId: number, language: string): Promise<{ vtt: string; updatedAt: Date } | null> {
  const { rows } = await db.query(prepared(
    'find-caption-file',
    'SELECT vtt, updated_at FROM video_captions WHERE video_id = $1 AND language = $2',
    [videoId, language],
  ));
  return rows[0] ? { vtt: rows[0].vtt, updatedAt: rows[0].updated_at } : null;
}

export interface NewCaptionTrack {
  language: string;
  label: string;
  sourceFormat: CaptionFormat;
  vtt: string;
  cueCount: number;
  /** The track's text, one string per cue, for search. */
  cueTexts: string[];
}

export type SaveCaptionResult = 'added' | 'replaced' | 'too-many' | 'no-video';

/**
 * Adds the owner's track for its language, or replaces the one there, and gives search the
 * video's caption words, in one transaction. The video's row is locked first, so two uploads
 * to one video at once are done one after the other: the track count and the words each
 * computes include the other's.
 */
export async function saveCaptionTrack(pool: Pool, videoId: number, ownerId: number, track: NewCaptionTrack): Promise<SaveCaptionResult> {
  return withTransaction(pool, async (client) => {
    if (!(await lockOwnedVideo(client, videoId, ownerId))) return 'no-video';
    const { rows } = await client.query(
      'SELECT count(*)::int AS tracks, bool_or(language = $2) AS present FROM video_captions WHERE video_id = $1',
      [videoId, track.language],
    );
    const present = rows[0].present === true;
    if (!present && rows[0].tracks >= MAX_CAPTION_TRACKS) return 'too-many';
    await client.query(
      `INSERT INTO video_captions (video_id, language, label, source_format, vtt, cue_count, search_words)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (video_id, language) DO UPDATE SET label = excluded.label, source_format = excluded.source_format,
         vtt = excluded.vtt, cue_count = excluded.cue_count, search_words = excluded.search_words, updated_at = now()`,
      [videoId, track.language, track.label, track.sourceFormat, track.vtt, track.cueCount, distinctWords(track.cueTexts, CAPTION_SEARCH_MAX_CHARS)],
    );
    await refreshCaptionText(client, videoId);
    return present ? 'replaced' : 'added';
  });
}

/** Removes the owner's track in `language`; false when there was none (already removed: a resubmitted form). */
export async function deleteCaptionTrack(pool: Pool, videoId: number, ownerId: number, language: string): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    if (!(await lockOwnedVideo(client, videoId, ownerId))) return false;
    const { rowCount } = await client.query('DELETE FROM video_captions WHERE video_id = $1 AND language = $2', [videoId, language]);
    if (rowCount === 0) return false;
    await refreshCaptionText(client, videoId);
    return true;
  });
}

async function lockOwnedVideo(client: PoolClient, videoId: number, ownerId: number): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM videos WHERE id = $1 AND owner_id = $2 FOR UPDATE', [videoId, ownerId]);
  return rowCount === 1;
}

/**
 * The video's caption words from all its tracks. Written only when they change: the update
 * re-makes the search vector and, for a listed video, recounts search_words for the words that
 * came and went (the trigger of *_search-words.sql).
 */
async function refreshCaptionText(client: PoolClient, videoId: number): Promise<void> {
  const { rows } = await client.query('SELECT search_words FROM video_captions WHERE video_id = $1 ORDER BY language', [videoId]);
  const words = distinctWords(rows.map((r) => r.search_words as string), CAPTION_SEARCH_MAX_CHARS);
  await client.query('UPDATE videos SET caption_text = $2 WHERE id = $1 AND caption_text IS DISTINCT FROM $2', [videoId, words]);
}
