-- Up Migration

-- The one-time setup address printed at start while the site has no administrator
-- (GET /setup?token=…). Only a SHA-256 of the token is kept: reading the database, or a
-- backup of it, does not give the address. Each start replaces the token; using it, or any
-- account becoming admin, ends setup.
CREATE TABLE setup_tokens (
  token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE setup_tokens;
