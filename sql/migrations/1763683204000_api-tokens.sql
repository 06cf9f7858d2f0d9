-- Up Migration

-- Personal access tokens for the JSON API (issue 15). The secret is shown once and kept only
-- as its SHA-256: a copy of the database holds no usable token. `shown_start` is the secret's
-- first characters (prefix included), enough for a person to tell their tokens apart.
-- Revoking deletes the row, so a revoked token is exactly an unknown one.
CREATE TABLE api_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  scopes text[] NOT NULL CHECK (cardinality(scopes) BETWEEN 1 AND 20),
  -- 'sharex' tokens are made by "Download ShareX uploader" (upload only); listed with the rest.
  kind text NOT NULL DEFAULT 'personal' CHECK (kind IN ('personal', 'sharex')),
  token_hash bytea NOT NULL UNIQUE,
  shown_start text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  last_used_ip inet
);
-- The settings page lists an account's tokens, newest first.
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, id DESC);

-- Down Migration
DROP TABLE api_tokens;
