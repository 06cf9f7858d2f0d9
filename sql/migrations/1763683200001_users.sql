-- Up Migration

-- A user is also a channel (/@handle). Handles are kept in lower case, so the unique
-- index makes them unique case-insensitively; a deleted account keeps its row so its
-- handle is never given to somebody else.
CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  handle text NOT NULL CHECK (handle ~ '^[a-z0-9_.-]{3,30}$'),
  display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 50),
  email text CHECK (email IS NULL OR char_length(email) BETWEEN 3 AND 254),
  password_hash text NOT NULL,
  bio text NOT NULL DEFAULT '' CHECK (char_length(bio) <= 1000),
  avatar_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  banned_at timestamptz,
  ban_reason text,
  deleted_at timestamptz
);

CREATE UNIQUE INDEX users_handle_key ON users (handle);
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL;

-- Down Migration
DROP TABLE users;
