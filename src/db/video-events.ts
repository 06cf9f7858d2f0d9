import type { Queryable } from './pool.js';
import { ownerLive } from './visibility.js';

// Things that happened to a video which other parts of the site act on afterwards (the
// video_events table). Today one kind, 'published': a scheduled video became public, at its time
// (publishDueVideos) or earlier by its owner's choice (the edit page), and was listed then
// (processed, not held or taken down by a moderator, its owner neither banned nor deleted). A
// scheduled video that turns public while still processing, failed, held, taken down or with its
// owner banned gets no event, then or later: like a video uploaded as public, it becomes listed
// when its processing ends or a moderator approves it, which no event records today.
// The notifications issue reads these in id order to tell subscribers; rows are only ever inserted.

export type VideoEventKind = 'published';

export interface VideoEvent {
  id: number;
  videoId: number;
  kind: VideoEventKind;
  at: Date;
}

/**
 * Makes public every scheduled video whose time is `now` or earlier, in one statement, with its
 * publication date set to the scheduled time, and records a 'published' event for each that is
 * listed now (ready, owner live: see the top of this file); returns the ids of all made public.
 * Safe to run from several workers at once: a row another run turned public first is no longer
 * 'scheduled' when this one gets its lock, so it is skipped, and each video is published and
 * recorded once. Reads videos_scheduled_idx; the search_words triggers count the video's words
 * as it becomes listed.
 */
export async function publishDueVideos(db: Queryable, now: Date): Promise<number[]> {
  // The INSERT runs though nothing reads its result: Postgres runs every data-modifying WITH.
  const { rows } = await db.query<{ video_id: number }>(
    `WITH due AS (
       UPDATE videos SET visibility = 'public', published_at = publish_at, publish_at = NULL, updated_at = now()
       WHERE visibility = 'scheduled' AND publish_at <= $1
       RETURNING id, owner_id, status, moderation, published_at
     ), announced AS (
       INSERT INTO video_events (video_id, kind, at)
       SELECT due.id, 'published', due.published_at FROM due JOIN users u ON u.id = due.owner_id
       WHERE due.status = 'ready' AND due.moderation = 'none' AND ${ownerLive('u')}
       ORDER BY due.published_at, due.id
     )
     SELECT id AS video_id FROM due ORDER BY published_at, id`,
    [now],
  );
  return rows.map((r) => r.video_id);
}

/** Records that a video was published at `at` (the edit page's "public now" for a scheduled one). */
export async function insertPublishedEvent(db: Queryable, videoId: number, at: Date): Promise<void> {
  await db.query(`INSERT INTO video_events (video_id, kind, at) VALUES ($1, 'published', $2)`, [videoId, at]);
}

/** Events after `afterId`, oldest first: what a reader has not handled yet. */
export async function listVideoEventsAfter(db: Queryable, afterId: number, limit: number): Promise<VideoEvent[]> {
  const { rows } = await db.query<{ id: number; video_id: number; kind: VideoEventKind; at: Date }>(
    'SELECT id, video_id, kind, at FROM video_events WHERE id > $1 ORDER BY id LIMIT $2',
    [afterId, limit],
  );
  return rows.map((r) => ({ id: r.id, videoId: r.video_id, kind: r.kind, at: r.at }));
}
