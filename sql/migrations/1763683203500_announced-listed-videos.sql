-- Up Migration

-- A video is announced to its subscribers the first time it is listed (src/db/video-events.ts).
-- Videos public before notifications existed were listed without an event: each gets its
-- 'published' event now, as already told, so that processing one again or making it private
-- and public again does not announce it years late (video_events_published_key: one per video).
-- A held upload was never shown, so its approval still announces it.
INSERT INTO video_events (video_id, kind, at, fanned_out_at)
SELECT v.id, 'published', coalesce(v.published_at, v.created_at), now() FROM videos v
WHERE v.status = 'ready' AND v.visibility = 'public' AND v.moderation <> 'held'
ORDER BY v.id
ON CONFLICT (video_id) WHERE kind = 'published' DO NOTHING;

-- Down Migration
-- Nothing to undo: the events read as if they had been recorded when the videos were published.
