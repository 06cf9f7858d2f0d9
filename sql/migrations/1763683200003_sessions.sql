-- Up Migration

-- The table connect-pg-simple keeps sessions in (its own schema, created here rather than
-- at run time so the web process needs no DDL rights).
CREATE TABLE sessions (
  sid varchar NOT NULL PRIMARY KEY,
  sess json NOT NULL,
  expire timestamp(6) NOT NULL
);
CREATE INDEX sessions_expire_idx ON sessions (expire);
-- Changing a password or deleting an account ends that user's other sessions.
CREATE INDEX sessions_user_idx ON sessions ((sess ->> 'userId'));

-- Down Migration
DROP TABLE sessions;
