import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { resolveBinaries } from '../../src/media/ffmpeg.js';

const run = promisify(execFile);

/** The ffmpeg the application uses (system or bundled), for making fixtures. */
export const binaries = resolveBinaries(loadConfig({ FFMPEG_PATH: process.env.FFMPEG_PATH, FFPROBE_PATH: process.env.FFPROBE_PATH }));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-fixtures-'));
const made = new Map<string, Promise<string>>();

// Under mocha the directory goes at the end of the run; scripts that borrow these helpers clean up themselves.
if (typeof after === 'function') after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface FixtureSpec {
  width: number;
  height: number;
  seconds?: number;
  audio?: boolean;
  /** 'mpeg4' makes the pipeline encode; 'h264' (with AAC) lets it remux. */
  codec?: 'mpeg4' | 'h264';
  rotate?: 90 | 270;
  fps?: number;
  extension?: string;
  /** 'color' (one flat colour) is much quicker than testsrc2 to make at huge sizes. */
  picture?: 'testsrc2' | 'color';
}

async function generate(name: string, spec: FixtureSpec): Promise<string> {
  const seconds = spec.seconds ?? 3;
  const fps = spec.fps ?? 30;
  const file = path.join(dir, `${name}.${spec.extension ?? (spec.codec === 'h264' ? 'mp4' : 'mkv')}`);
  const picture = spec.picture === 'color' ? 'color=c=gray:' : 'testsrc2=';
  const args = ['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', `${picture}size=${spec.width}x${spec.height}:rate=${fps}:duration=${seconds}`];
  if (spec.audio !== false) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`);
  if (spec.codec === 'h264') args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-profile:v', 'main');
  else args.push('-c:v', 'mpeg4', '-q:v', '5');
  if (spec.audio !== false) args.push('-c:a', spec.codec === 'h264' ? 'aac' : 'libmp3lame', '-b:a', '96k');
  if (spec.codec === 'h264') args.push('-b:v', '1500k', '-maxrate', '2000k', '-bufsize', '4000k');
  const encoded = spec.rotate ? file.replace(/(\.\w+)$/, '-upright$1') : file;
  args.push('-shortest', encoded);
  await run(binaries.ffmpeg, args);
  if (spec.rotate) await addRotation(encoded, file, spec.rotate);
  return file;
}

/**
 * Marks a file as rotated (as phones do) without touching its pixels. ffmpeg before 6 does
 * it with stream metadata on a copy; later versions with -display_rotation.
 */
async function addRotation(input: string, output: string, degrees: number): Promise<void> {
  await run(binaries.ffmpeg, ['-v', 'error', '-nostdin', '-y', '-i', input, '-c', 'copy', '-metadata:s:v:0', `rotate=${degrees}`, output]);
  const { stdout } = await run(binaries.ffprobe, ['-v', 'error', '-show_streams', '-of', 'json', output]);
  if (!/"rotation"|"rotate"/.test(stdout)) {
    await run(binaries.ffmpeg, ['-v', 'error', '-nostdin', '-y', '-display_rotation', String(degrees), '-i', input, '-c', 'copy', output]);
  }
  fs.rmSync(input);
}

/** A video file made by ffmpeg on first use (testsrc2 picture and a sine tone), cached for the run. */
export function fixture(name: string, spec: FixtureSpec): Promise<string> {
  if (!made.has(name)) made.set(name, generate(name, spec));
  return made.get(name)!;
}

export const fixtures = {
  landscape: () => fixture('landscape', { width: 1280, height: 720 }),
  portrait: () => fixture('portrait', { width: 720, height: 1280 }),
  rotated: () => fixture('rotated', { width: 1280, height: 720, codec: 'h264', rotate: 90 }),
  noAudio: () => fixture('no-audio', { width: 640, height: 360, audio: false }),
  h264: () => fixture('h264', { width: 1280, height: 720, codec: 'h264' }),
  highRes: () => fixture('high-res', { width: 2560, height: 1440, seconds: 2 }),
  long: () => fixture('long', { width: 1280, height: 720, seconds: 12 }),
  /** About 200 KB that decode to 8192×8192 pictures: 96 MiB each, the memory bomb of issue 8. */
  huge: () => fixture('huge', { width: 8192, height: 8192, seconds: 2, fps: 1, codec: 'h264', audio: false, picture: 'color' }),
  /** 4096×2304, the largest accepted by default, 60 frames (what the thumbnail filter compares). */
  largest: () => fixture('largest', { width: 4096, height: 2304, seconds: 2, fps: 30, codec: 'h264', audio: false, picture: 'color' }),
};

/** A file at `name` in the fixture directory with `content`. */
export function textFixture(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

export function fixtureDir(): string {
  return dir;
}
