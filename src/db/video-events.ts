import type { Queryable } from './pool.js';
import { listed, ownerLive } from './visibility.js';

// Things that happened to a video which other parts of the site act on afterwards (the
// video_events table). Today one kind, 'published': the video became listed for the first time,
// which is when its channel's subscribers are told (src/jobs/handlers/notification-fanout.ts).
// At most one per video (video_events_published_key): a video made private and public again, or
// processed again, is not announced twice; each place below records it with ON CONFLICT DO
// NOTHING, and only if the video is listed at that moment (processed, not held or taken down by
// a moderator, its owner neither banned nor deleted). It is recorded
// - at its time for a scheduled video (publishDueVideos), or earlier by its owner's choice;
// - when its owner makes it public on the edit page, or in a bulk change (recordPublications);
// - when the processing of a video uploaded as public ends (the pipeline's onReady);
// - when a moderator approves a held upload (src/db/held-uploads.ts).
// Not when a video taken down is restored, nor when its owner's ban ends: it is not new. A video
// that turns public while it is not listed (still processing, held) is recorded when it becomes
// listed through one of the ways above; otherwise never.
// Every place queues the fan-out job in the same transaction (src/notifications/new-videos.ts);
// the job reads the events whose fanned_out_at is null, oldest first.

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
 * as it becomes listed. A video announced before (public, then scheduled again) is not announced
 * again. The caller queues the fan-out in the same transaction.
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
       ON CONFLICT (video_id) WHERE kind = 'published' DO NOTHING
     )
     SELECT id AS video_id FROM due ORDER BY published_at, id`,
    [now],
  );
  return rows.map((r) => r.video_id);
}

/**
 * Records a 'published' event for each of `videoIds` that is listed now and was never announced,
 * at its publication date; returns the ids recorded (none: nothing to tell anyone). Called in the
 * transaction that made them public, after the change.
 */
export async function recordPublications(db: Queryable, videoIds: readonly number[]): Promise<number[]> {
  if (videoIds.length === 0) return [];
  const { rows } = await db.query<{ video_id: number }>(
    `INSERT INTO video_events (video_id, kind, at)
     SELECT v.id, 'published', coalesce(v.published_at, now()) FROM videos v JOIN users u ON u.id = v.owner_id
     WHERE v.id = ANY ($1::bigint[]) AND ${listed('v', 'u')}
     ORDER BY v.id
     ON CONFLICT (video_id) WHERE kind = 'published' DO NOTHING
     RETURNING video_id`,
    [videoIds],
  );
  return rows.map((r) => r.video_id);
}

/** Events after `afterId`, oldest first: what a reader has not handled yet. */
export async function listVideoEventsAfter(db: Queryable, afterId: number, limit: number): Promise<VideoEvent[]> {
  const { rows } = await db.query<{ id: number; video_id: number; kind: VideoEventKind; at: Date }>(
    'SELECT id, video_id, kind, at FROM video_events WHERE id > $1 ORDER BY id LIMIT $2',
    [afterId, limit],
  );
  return rows.map((r) => ({ id: r.id, videoId: r.video_id, kind: r.kind, at: r.at }));
}
