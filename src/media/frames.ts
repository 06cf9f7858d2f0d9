import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { runFfmpeg, type Binaries, type Probe } from './ffmpeg.js';

/** Where the three candidate frames are taken, as fractions of the video. */
export const CANDIDATE_POSITIONS = [0.25, 0.5, 0.75] as const;
/**
 * When the frame at a position is black, white or one flat colour (a fade, a title card), the
 * frames this far either side (as a fraction of the video) are tried before settling for the
 * least flat of them.
 */
const CANDIDATE_NUDGE = 0.08;
/** A frame whose mean brightness (0–255) is outside this range is a fade to black or white. */
const USABLE_MEAN = { min: 24, max: 235 } as const;
/** A frame whose pixels vary less than this (standard deviation, 0–255) is one flat colour. */
const USABLE_STDEV_MIN = 10;
/** Frames are taken no nearer the end than this: a seek to the last instant finds no picture. */
const END_MARGIN_SECONDS = 0.1;
/** A fast seek (-ss before -i) and one decoded frame take well under a second; this is ample. */
const FRAME_TIME_LIMIT_SECONDS = 60;
/** Frames are scaled to fit the largest thumbnail, never up: a 4K frame would be 33 MB of PNG. */
const FRAME_BOX = { width: 1280, height: 720 } as const;

type Dimensions = Pick<Probe, 'durationSeconds' | 'width' | 'height'>;

/**
 * Writes the frame at `seconds` of `input` as PNG to `output`, scaled to fit 1280×720. The seek
 * comes before -i, so ffmpeg jumps to the keyframe before it and decodes from there, instead of
 * decoding everything from the start. Returns false when there is no picture at that time.
 */
export async function grabFrame(binaries: Binaries, input: string, video: Dimensions, seconds: number, output: string): Promise<boolean> {
  const fit = Math.min(1, FRAME_BOX.width / video.width, FRAME_BOX.height / video.height);
  const even = (n: number) => Math.max(2, Math.round((n * fit) / 2) * 2);
  await fs.promises.rm(output, { force: true });
  await runFfmpeg(binaries, input, ['-ss', seconds.toFixed(3)], output,
    ['-map', '0:v:0', '-vf', `scale=${even(video.width)}:${even(video.height)}`, '-frames:v', '1', '-an', '-c:v', 'png', '-f', 'image2'],
    { durationSeconds: 0, timeoutSeconds: FRAME_TIME_LIMIT_SECONDS });
  // ffmpeg ends without error and without a file when the seek went past the last frame.
  return fs.existsSync(output) && (await fs.promises.stat(output)).size > 0;
}

/** The latest time a frame is asked for. */
export const lastFrameSeconds = (durationSeconds: number) => Math.max(0, durationSeconds - END_MARGIN_SECONDS);

/** How far a frame is from being a fade or a flat colour: 0 when usable, else how flat it is. */
async function flatness(file: string): Promise<number> {
  const { channels } = await sharp(file).stats();
  const colour = channels.slice(0, 3);
  const mean = colour.reduce((sum, c) => sum + c.mean, 0) / colour.length;
  const stdev = colour.reduce((sum, c) => sum + c.stdev, 0) / colour.length;
  if (mean >= USABLE_MEAN.min && mean <= USABLE_MEAN.max && stdev >= USABLE_STDEV_MIN) return 0;
  return 1 / (1 + stdev);
}

export interface CandidateFrame {
  file: string;
  seconds: number;
}

/**
 * Three frames to choose a thumbnail from, at about a quarter, a half and three quarters of the
 * video; a frame that is black, white or flat is swapped for one a little later or earlier when
 * that one is not. Usually three runs of ffmpeg, at most nine.
 */
export async function pickCandidateFrames(binaries: Binaries, input: string, video: Dimensions, workDir: string): Promise<CandidateFrame[]> {
  const last = lastFrameSeconds(video.durationSeconds);
  const frames: CandidateFrame[] = [];
  for (const [index, position] of CANDIDATE_POSITIONS.entries()) {
    let best: { file: string; seconds: number; flatness: number } | null = null;
    for (const [attempt, nudge] of [0, CANDIDATE_NUDGE, -CANDIDATE_NUDGE].entries()) {
      // To the millisecond, as ffmpeg is told (-ss with three decimals) and as it is recorded.
      const seconds = Math.round(Math.min(last, Math.max(0, (position + nudge) * video.durationSeconds)) * 1000) / 1000;
      const file = path.join(workDir, `candidate-${index}-${attempt}.png`);
      if (!(await grabFrame(binaries, input, video, seconds, file))) continue;
      const score = await flatness(file);
      if (!best || score < best.flatness) best = { file, seconds, flatness: score };
      if (score === 0) break;
    }
    if (best) frames.push({ file: best.file, seconds: best.seconds });
  }
  return frames;
}
