-- Up Migration

-- The studio's list of my videos (src/db/studio-videos.ts) filters by visibility or by state and
-- sorts by upload time. videos_owner_created_idx serves the list unfiltered; a filter that
-- matches few of a large channel's videos ("failed", "private") would walk all of them through
-- it, so each filter has its own index in the same order. Neither column changes with views or
-- likes, so counting a view stays a HOT update.
CREATE INDEX videos_owner_visibility_created_idx ON videos (owner_id, visibility, created_at DESC, id DESC);
CREATE INDEX videos_owner_status_created_idx ON videos (owner_id, status, created_at DESC, id DESC);

-- "New subscribers in the last 28 days" counts one channel's recent rows, not all its rows.
CREATE INDEX subscriptions_channel_subscribed_idx ON subscriptions (channel_id, subscribed_at);

-- Views per channel per day (UTC), so that the studio's "views in the last 28 days" reads at
-- most 28 rows, however many videos the channel has (summing video_view_days over 10,000 videos
-- probes 10,000 index ranges). Kept by the trigger below from video_view_days, which the view
-- roll-up (rollUpViews) fills; views not rolled up yet are counted from video_views. The views
-- of a deleted video stay in its channel's days, as the channel's history (YouTube's analytics
-- do the same).
CREATE TABLE channel_view_days (
  owner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  day date NOT NULL,
  views bigint NOT NULL CHECK (views >= 0),
  PRIMARY KEY (owner_id, day)
);

-- Once per statement: a roll-up batch of 10,000 rows is one upsert here. Rows are written in
-- (owner, day) order, so roll-ups running at the same time in several processes lock them in
-- the same order and never deadlock.
CREATE FUNCTION tubestead_count_channel_view_days() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO channel_view_days AS c (owner_id, day, views)
    SELECT v.owner_id, n.day, sum(n.views) FROM new_days n JOIN videos v ON v.id = n.video_id
    GROUP BY v.owner_id, n.day ORDER BY v.owner_id, n.day
    ON CONFLICT (owner_id, day) DO UPDATE SET views = c.views + excluded.views;
  ELSE
    INSERT INTO channel_view_days AS c (owner_id, day, views)
    SELECT v.owner_id, n.day, sum(n.views - o.views) FROM new_days n
    JOIN old_days o ON o.video_id = n.video_id AND o.day = n.day
    JOIN videos v ON v.id = n.video_id
    GROUP BY v.owner_id, n.day HAVING sum(n.views - o.views) <> 0 ORDER BY v.owner_id, n.day
    ON CONFLICT (owner_id, day) DO UPDATE SET views = greatest(0, c.views + excluded.views);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER video_view_days_channel_insert AFTER INSERT ON video_view_days
  REFERENCING NEW TABLE AS new_days FOR EACH STATEMENT EXECUTE FUNCTION tubestead_count_channel_view_days();
CREATE TRIGGER video_view_days_channel_update AFTER UPDATE ON video_view_days
  REFERENCING OLD TABLE AS old_days NEW TABLE AS new_days FOR EACH STATEMENT EXECUTE FUNCTION tubestead_count_channel_view_days();

LOCK TABLE video_view_days IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO channel_view_days (owner_id, day, views)
SELECT v.owner_id, d.day, sum(d.views) FROM video_view_days d JOIN videos v ON v.id = d.video_id GROUP BY 1, 2;

-- A bulk change of a creator's videos (studio, issue 10): what, on which videos, and how far it
-- got. Small selections run in the request and are recorded done; large ones are run by a job
-- (src/jobs/handlers/bulk-actions.ts) that moves `done` and `failed` as it goes, which the
-- studio shows as progress. A delete waits as 'pending' until its creator confirms it.
-- `video_public_ids` is the selection as sent, fixed when it was made ("all matching the filter" means the ones matching then); each is checked against owner_id
-- when it is changed, so another account's id fails as "not found". The first done + failed of
-- them have been dealt with (each batch moves them in the transaction of its change), so a job
-- run again after a crash goes on where it stopped. `errors` holds {video, title, reason} per
-- failed video, the first ERRORS_KEPT of them (src/db/bulk-actions.ts).
CREATE TABLE bulk_actions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  public_id uuid NOT NULL DEFAULT gen_random_uuid(),
  owner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  action text NOT NULL CHECK (action IN ('visibility', 'add-tag', 'remove-tag', 'delete')),
  argument text NOT NULL DEFAULT '' CHECK (char_length(argument) <= 100),
  video_public_ids text[] NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('pending', 'queued', 'running', 'done', 'failed')),
  done integer NOT NULL DEFAULT 0 CHECK (done >= 0),
  failed integer NOT NULL DEFAULT 0 CHECK (failed >= 0),
  errors jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE UNIQUE INDEX bulk_actions_public_id_key ON bulk_actions (public_id);
-- The studio shows my latest ones.
CREATE INDEX bulk_actions_owner_idx ON bulk_actions (owner_id, created_at DESC);

-- Down Migration
DROP TABLE bulk_actions;
DROP TRIGGER video_view_days_channel_update ON video_view_days;
DROP TRIGGER video_view_days_channel_insert ON video_view_days;
DROP FUNCTION tubestead_count_channel_view_days();
DROP TABLE channel_view_days;
DROP INDEX subscriptions_channel_subscribed_idx;
DROP INDEX videos_owner_status_created_idx;
DROP INDEX videos_owner_visibility_created_idx;
