-- Up Migration

-- Per-account exceptions to the upload limits and storage quota of the site settings (issue 13,
-- item 9): a column left NULL follows the site setting, so a change of the site's value reaches
-- everyone without one. An administrator sets them on the person's page (/admin/users/:handle).
-- The ranges are the site settings' own (src/settings/site-settings.ts SETTING_CHECKS). No row,
-- or a row of NULLs, is no exception; a row of NULLs is deleted rather than kept.
CREATE TABLE upload_overrides (
  user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  max_upload_bytes bigint CHECK (max_upload_bytes BETWEEN 1024 AND 1099511627776),
  uploads_per_day integer CHECK (uploads_per_day BETWEEN 1 AND 1000000),
  upload_bytes_per_day bigint CHECK (upload_bytes_per_day BETWEEN 1024 AND 1125899906842624),
  storage_quota_bytes bigint CHECK (storage_quota_bytes BETWEEN 1024 AND 1125899906842624),
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by bigint REFERENCES users (id) ON DELETE SET NULL
);

-- Down Migration
DROP TABLE upload_overrides;
