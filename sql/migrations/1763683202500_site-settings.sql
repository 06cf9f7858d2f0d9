-- Up Migration

-- Site settings an administrator changes in the browser (issue 13, item 9), applied without a
-- restart. One row per setting that differs from its default: a key named as in
-- src/settings/site-settings.ts and its value as JSON, checked by that module when read, so a
-- new setting is a line of TypeScript and no migration. Environment variables keep what must be
-- known at start (the port, the database, the data directory) and give the defaults of the rest.
CREATE TABLE site_settings (
  key text PRIMARY KEY CHECK (key ~ '^[a-z][a-zA-Z0-9]{0,59}$'),
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by bigint REFERENCES users (id) ON DELETE SET NULL
);

-- Down Migration
DROP TABLE site_settings;
