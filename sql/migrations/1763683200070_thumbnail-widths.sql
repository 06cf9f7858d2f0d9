-- Up Migration

-- The widths of the thumbnail set thumbnail_stem names (thumb-<stem>-<width>.webp/.jpg), so pages
-- offer in srcset only files that exist. Every set made before this column has 320, 640 and
-- 1280 (the pipeline's widths until 480 was added); a constant default fills them without
-- rewriting the table. Sets made from now on record their own widths (markPlayable).
ALTER TABLE videos ADD COLUMN thumbnail_widths smallint[] NOT NULL DEFAULT '{320,640,1280}';
ALTER TABLE videos ALTER COLUMN thumbnail_widths SET DEFAULT '{}';

-- Down Migration
ALTER TABLE videos DROP COLUMN thumbnail_widths;
