-- Up Migration

-- When the studio's thumbnail page last tried to take candidate frames from a video that had
-- none (a video processed before candidates existed, or one whose file gives no picture where
-- the frames are picked). Up to nine ffmpeg runs per try: without this, a video that gives no
-- frame was tried again on every visit. The page tries again a day later; processing the video
-- again clears it.
ALTER TABLE videos ADD COLUMN candidates_tried_at timestamptz;

-- Down Migration
ALTER TABLE videos DROP COLUMN candidates_tried_at;
