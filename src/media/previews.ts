import path from 'node:path';
import sharp from 'sharp';
import { runFfmpeg, type Binaries, type Probe } from './ffmpeg.js';

/**
 * Thumbnail widths, always 16:9, offered to browsers in srcset: 320 and 480 for cards on
 * ordinary screens (a card is 260–360 px wide), 640 for cards on dense ones and phones, 1280
 * for the player's poster and metadata. Videos made before 480 was added lack it; the widths a
 * video has are recorded with it (videos.thumbnail_widths).
 */
export const THUMBNAIL_WIDTHS_PX = [320, 480, 640, 1280] as const;
export const STORYBOARD_MAX_FRAMES = 100;
export const STORYBOARD_TILE = { width: 160, height: 90 } as const;
const STORYBOARD_COLUMNS = 10;
/** How many frames the thumbnail filter compares to pick the most representative one. */
const THUMBNAIL_CANDIDATE_FRAMES = 60;
/**
 * The filter holds all its candidates at once, so they are scaled down first, to the largest
 * thumbnail: 60 frames of 8192×8192 took 6.7 GiB (measured), of 1280×720 they are about 80 MiB.
 */
const THUMBNAIL_FRAME_BOX = { width: 1280, height: 720 } as const;

export interface PreviewFile {
  file: string;
  format: 'webp' | 'jpg';
  width: number;
  height: number;
}

/**
 * A representative frame (ffmpeg's thumbnail filter, starting past the first second where
 * fades and titles sit), written by sharp as WebP and JPEG at every thumbnail width, the
 * frame fitted into 16:9 on black so portrait videos keep their shape.
 */
export async function makeThumbnails(binaries: Binaries, input: string, probe: Probe, workDir: string): Promise<PreviewFile[]> {
  const frame = path.join(workDir, 'frame.png');
  const args = thumbnailFrameArgs(probe);
  await runFfmpeg(binaries, input, args.input, frame, args.output, { durationSeconds: 0, timeoutSeconds: 300 });
  const files: PreviewFile[] = [];
  for (const width of THUMBNAIL_WIDTHS_PX) {
    const height = Math.round((width * 9) / 16);
    const resized = sharp(frame, { limitInputPixels: false }).resize(width, height, { fit: 'contain', background: '#000000' });
    const webp = path.join(workDir, `thumb-${width}.webp`);
    const jpg = path.join(workDir, `thumb-${width}.jpg`);
    await resized.clone().webp({ quality: 80 }).toFile(webp);
    await resized.clone().jpeg({ quality: 82, mozjpeg: true }).toFile(jpg);
    files.push({ file: webp, format: 'webp', width, height }, { file: jpg, format: 'jpg', width, height });
  }
  return files;
}

/**
 * ffmpeg options for the representative frame, past the first second where fades and titles
 * sit, picked among candidates scaled to fit the largest thumbnail (never scaled up).
 */
export function thumbnailFrameArgs(probe: Pick<Probe, 'durationSeconds' | 'width' | 'height'>): { input: string[]; output: string[] } {
  const { durationSeconds, width, height } = probe;
  const seek = durationSeconds > 2 ? Math.min(Math.max(1, durationSeconds * 0.1), 60) : 0;
  const fit = Math.min(1, THUMBNAIL_FRAME_BOX.width / width, THUMBNAIL_FRAME_BOX.height / height);
  const even = (n: number) => Math.max(2, Math.round((n * fit) / 2) * 2);
  return {
    input: ['-ss', seek.toFixed(3)],
    output: ['-map', '0:v:0', '-vf', `scale=${even(width)}:${even(height)},thumbnail=${THUMBNAIL_CANDIDATE_FRAMES}`, '-frames:v', '1', '-an', '-c:v', 'png', '-f', 'image2'],
  };
}

export interface StoryboardIndex {
  /** File name under /media/videos/:publicId/ (set when stored). */
  name: string;
  count: number;
  columns: number;
  rows: number;
  intervalSeconds: number;
  tileWidth: number;
  tileHeight: number;
}

/**
 * One sprite of up to 100 frames, 160×90 each, evenly spaced (at least a second apart), for
 * previews while hovering the seek bar. Made from the smallest rendition, decoding only its
 * keyframes (every 2 s), which is many times faster than decoding the source.
 */
export async function makeStoryboard(binaries: Binaries, rendition: string, durationSeconds: number, workDir: string): Promise<{ file: string; index: Omit<StoryboardIndex, 'name'> }> {
  const file = path.join(workDir, 'storyboard.jpg');
  const { index, input, output } = storyboardPlan(durationSeconds);
  await runFfmpeg(binaries, rendition, input, file, output, { durationSeconds: 0, timeoutSeconds: Math.max(300, durationSeconds) });
  return { file, index };
}

/** The sprite's layout and the ffmpeg options that make it. */
export function storyboardPlan(durationSeconds: number): { index: Omit<StoryboardIndex, 'name'>; input: string[]; output: string[] } {
  const count = Math.max(1, Math.min(STORYBOARD_MAX_FRAMES, Math.floor(durationSeconds)));
  const intervalSeconds = durationSeconds / count;
  const columns = Math.min(STORYBOARD_COLUMNS, count);
  const rows = Math.ceil(count / columns);
  const { width, height } = STORYBOARD_TILE;
  const filter = [
    `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${(intervalSeconds * 0.999).toFixed(3)})'`,
    `scale=${width}:${height}:force_original_aspect_ratio=decrease`,
    `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:black`,
    `tile=${columns}x${rows}`,
  ].join(',');
  return {
    index: { count, columns, rows, intervalSeconds, tileWidth: width, tileHeight: height },
    input: intervalSeconds >= 2 ? ['-skip_frame', 'nokey'] : [],
    output: ['-map', '0:v:0', '-vf', filter, '-vsync', 'vfr', '-frames:v', '1', '-an', '-q:v', '5', '-f', 'image2'],
  };
}
