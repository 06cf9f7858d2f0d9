-- Up Migration

-- Three frames picked from a video (at about a quarter, a half and three quarters of it) that its
-- creator may choose as the thumbnail in the studio: one 1280×720 JPEG each, recorded beside the
-- video's other files so the media route serves them with the same access rules and a deleted
-- video takes them with it. frame_seconds says where in the video a candidate, or a thumbnail
-- set chosen from a frame, comes from (null for the pipeline's own pick and for uploaded pictures).
ALTER TABLE video_files DROP CONSTRAINT video_files_kind_check;
ALTER TABLE video_files ADD CONSTRAINT video_files_kind_check CHECK (kind IN ('rendition', 'thumbnail', 'storyboard', 'candidate'));
ALTER TABLE video_files ADD COLUMN frame_seconds double precision;

-- Down Migration
DELETE FROM video_files WHERE kind = 'candidate';
ALTER TABLE video_files DROP COLUMN frame_seconds;
ALTER TABLE video_files DROP CONSTRAINT video_files_kind_check;
ALTER TABLE video_files ADD CONSTRAINT video_files_kind_check CHECK (kind IN ('rendition', 'thumbnail', 'storyboard'));
