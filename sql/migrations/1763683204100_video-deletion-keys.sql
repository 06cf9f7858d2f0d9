-- Up Migration

-- The deletion address of a video uploaded through the API (ShareX's "deletion URL", issue 15):
-- whoever holds the address may delete the video without signing in, as a shared screenshot
-- host lets its uploader do. Only the key's SHA-256 is kept, so a copy of the database deletes
-- nothing. One key per video, gone with it.
CREATE TABLE video_deletion_keys (
  video_id bigint PRIMARY KEY REFERENCES videos (id) ON DELETE CASCADE,
  key_hash bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE video_deletion_keys;
