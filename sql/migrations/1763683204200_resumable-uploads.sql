-- Up Migration

-- Resumable uploads (tus, issue 15): one row per upload under way. The bytes are in
-- <DATA_DIR>/resumable/<id> (@tus/file-store); this row says whose upload it is (only that
-- account may look at, continue or end it), what it will be (the video's details, parsed at
-- creation) and until when it is kept. Any web process sharing the database and the data
-- directory can continue it: no state lives in a process.
CREATE TABLE resumable_uploads (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{22}$'),
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- Upload-Length as declared at creation; deferred lengths are refused.
  declared_bytes bigint NOT NULL CHECK (declared_bytes >= 0),
  -- The client's file name (a label only) and the parsed details: title, description, tags, visibility.
  original_name text NOT NULL,
  details jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Pushed forward by every PATCH: an upload is abandoned once nothing arrives for a while.
  expires_at timestamptz NOT NULL
);
-- The cleanup looks for expired uploads; an account's deletion cascades through user_id.
CREATE INDEX resumable_uploads_expires_idx ON resumable_uploads (expires_at);
CREATE INDEX resumable_uploads_user_idx ON resumable_uploads (user_id);

-- Down Migration
DROP TABLE resumable_uploads;
