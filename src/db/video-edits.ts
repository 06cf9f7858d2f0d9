import type { PoolClient, Queryable } from './pool.js';
import type { Video } from './videos.js';

// A creator's changes to their video's details (the studio's edit page) and their record in
// video_edits, which the moderation issue's audit log reads.

/** The details the edit page changes, as the video row has them. */
export type VideoDetailsChange = Pick<Video, 'title' | 'description' | 'tags' | 'visibility' | 'publishAt' | 'category' | 'language'>;

type Field = keyof VideoDetailsChange;
/** One changed field, as video_edits.changes keeps it (times as ISO strings). */
export type FieldChange = { old: unknown; new: unknown };
export type Changes = Partial<Record<Field, FieldChange>>;

export interface VideoEditRecord {
  editorId: number;
  editedAt: Date;
  changes: Changes;
}

/** What saveVideoDetails returns when the schedule sent has passed and is not the one stored. */
export const TIME_PASSED = 'time-passed';

const FIELDS: readonly Field[] = ['title', 'description', 'tags', 'visibility', 'publishAt', 'category', 'language'];

/** Comparable and storable: Dates as ISO strings, the rest as they are. */
const plain = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/**
 * Saves the details of the owner's video, in the caller's transaction, and records what changed
 * (who, each field's old and new value) in video_edits. The owner is in the WHERE clause and the
 * row is locked while old and new are compared, so two saves at once each record what they
 * really changed. A save that changes nothing writes nothing (a form sent twice is no error).
 * Returns the changes, or null when the owner has no such video.
 *
 * A scheduled time that is not after `now` is kept only when it is the one stored for a video
 * still scheduled (the form rule, parseVideoEdit, applied again under the lock: the form was
 * checked against the video as the route loaded it). Otherwise, typically because the worker
 * published the video between that load and this lock, TIME_PASSED is returned and nothing is
 * written: saved, the video would go back from public to scheduled at a past time and be
 * published, and announced, a second time.
 *
 * A scheduled video made public here is published now: its publication date is now, as if its
 * time had come. A video made public here is announced by the caller, in the same transaction
 * (announcePublications, src/notifications/new-videos.ts), when it is listed and never was.
 */
export async function saveVideoDetails(client: PoolClient, ids: { videoId: number; ownerId: number }, next: VideoDetailsChange, now = new Date()): Promise<Changes | null | typeof TIME_PASSED> {
  // FOR NO KEY UPDATE, the lock the UPDATE below takes anyway: it keeps two saves apart, and does
  // not wait for the fan-out telling subscribers of this video, whose notifications' foreign key
  // holds FOR KEY SHARE on the row for each batch (src/db/notification-fanout.ts).
  const { rows } = await client.query(
    `SELECT v.title, v.description, v.tags, v.visibility, v.publish_at, v.category, v.language
     FROM videos v WHERE v.id = $1 AND v.owner_id = $2 FOR NO KEY UPDATE OF v`,
    [ids.videoId, ids.ownerId],
  );
  const row = rows[0];
  if (!row) return null;
  const old: VideoDetailsChange = { title: row.title, description: row.description, tags: row.tags, visibility: row.visibility, publishAt: row.publish_at, category: row.category, language: row.language };
  const keptSchedule = old.visibility === 'scheduled' && plain(old.publishAt) === plain(next.publishAt);
  if (next.visibility === 'scheduled' && next.publishAt && next.publishAt.getTime() <= now.getTime() && !keptSchedule) return TIME_PASSED;
  const changes: Changes = {};
  for (const name of FIELDS) {
    const [before, after] = [plain(old[name]), plain(next[name])];
    if (JSON.stringify(before) !== JSON.stringify(after)) changes[name] = { old: before, new: after };
  }
  if (Object.keys(changes).length === 0) return changes;

  const publishedNow = old.visibility === 'scheduled' && next.visibility === 'public';
  await client.query(
    `UPDATE videos SET title = $3, description = $4, tags = $5, visibility = $6, publish_at = $7, category = $8, language = $9,
       published_at = CASE WHEN $10::boolean THEN now() ELSE published_at END, updated_at = now()
     WHERE id = $1 AND owner_id = $2`,
    [ids.videoId, ids.ownerId, next.title, next.description, next.tags, next.visibility, next.publishAt, next.category, next.language, publishedNow],
  );
  await client.query('INSERT INTO video_edits (video_id, editor_id, changes) VALUES ($1, $2, $3)', [ids.videoId, ids.ownerId, JSON.stringify(changes)]);
  return changes;
}

/** A video's recorded edits, newest first. */
export async function listVideoEdits(db: Queryable, videoId: number, limit = 50): Promise<VideoEditRecord[]> {
  const { rows } = await db.query<{ editor_id: number; edited_at: Date; changes: Changes }>(
    'SELECT editor_id, edited_at, changes FROM video_edits WHERE video_id = $1 ORDER BY edited_at DESC, id DESC LIMIT $2',
    [videoId, limit],
  );
  return rows.map((r) => ({ editorId: r.editor_id, editedAt: r.edited_at, changes: r.changes }));
}
