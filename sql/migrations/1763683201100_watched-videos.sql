-- Up Migration

-- The videos each account has watched: a view of that account was counted (src/db/views.ts,
-- recordView). Issue 12, item 7: "Remove watched videos" from Watch later. video_views cannot
-- answer it, as it keeps only the last hours (rollUpViews moves older views into daily counts
-- without viewer keys, on purpose), so a signed-in view also leaves one row here per account
-- and video, written by recordView's own statement the first time only (ON CONFLICT DO
-- NOTHING: a repeat view writes nothing). Signed-out views are never kept here.
CREATE TABLE watched_videos (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  video_id bigint NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  -- The first counted view.
  watched_at timestamptz NOT NULL DEFAULT now(),
  -- "Remove watched videos" probes it per Watch later item (user, video).
  PRIMARY KEY (user_id, video_id)
);
-- For ON DELETE CASCADE when a video is deleted.
CREATE INDEX watched_videos_video_idx ON watched_videos (video_id);

-- The accounts' views still held (the last hours in video_views, today's viewers in
-- video_day_viewers): what was watched before this table existed, as far as it is still known.
INSERT INTO watched_videos (user_id, video_id, watched_at)
SELECT u.id, v.id, min(seen.at)
FROM (
  SELECT video_id, viewer_key, viewed_at AS at FROM video_views WHERE viewer_key LIKE 'u:%'
  UNION ALL
  SELECT video_id, viewer_key, day::timestamptz FROM video_day_viewers WHERE viewer_key LIKE 'u:%'
) seen
JOIN users u ON 'u:' || u.id = seen.viewer_key
JOIN videos v ON v.id = seen.video_id
GROUP BY u.id, v.id
ON CONFLICT DO NOTHING;

-- Down Migration
DROP TABLE watched_videos;
