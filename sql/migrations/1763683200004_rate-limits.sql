-- Up Migration

-- Fixed-window counters for express-rate-limit, shared by every web process.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  reset_at timestamptz NOT NULL
);
CREATE INDEX rate_limits_reset_at_idx ON rate_limits (reset_at);

-- Down Migration
DROP TABLE rate_limits;
