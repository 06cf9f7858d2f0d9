import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import readline from 'node:readline';
import { formatBytes, formatDuration, formatMinutes } from '../format.js';
import type { Config } from '../config.js';

/*
 * Every run of ffmpeg and ffprobe, each under the whitelists, a time limit and a memory bound.
 * ffmpeg is started directly rather than through fluent-ffmpeg (archived upstream): it cannot
 * start ffmpeg under prlimit, and before a first run it ran `ffmpeg -formats` and `-encoders`
 * outside any bound.
 */

/** Which ffmpeg and ffprobe run, and under what memory bound. */
export interface Binaries {
  ffmpeg: string;
  ffprobe: string;
  /** Either is the npm-bundled build (ffmpeg's is from 2018): said loudly at start and to admins. */
  bundled: boolean;
  /** util-linux's prlimit, which starts each run under its memory bound; null where missing (then unbounded, and said at start). */
  prlimit: string | null;
  ffmpegMemoryBytes: number;
  ffprobeMemoryBytes: number;
}

const require = createRequire(import.meta.url);
const MIB = 1024 * 1024;

function onPath(name: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function bundledPath(pkg: string): string | null {
  try {
    return (require(pkg) as { path: string }).path;
  } catch {
    return null;
  }
}

type BinaryConfig = Pick<Config, 'ffmpegPath' | 'ffprobePath' | 'ffmpegMemoryMb' | 'ffprobeMemoryMb'>;

/** FFMPEG_PATH/FFPROBE_PATH, else the system's (which gets security updates), else the npm-bundled one. */
export function resolveBinaries(config: BinaryConfig): Binaries {
  const bundledFfmpeg = bundledPath('@ffmpeg-installer/ffmpeg');
  const bundledFfprobe = bundledPath('@ffprobe-installer/ffprobe');
  const ffmpeg = config.ffmpegPath ?? onPath('ffmpeg') ?? bundledFfmpeg;
  const ffprobe = config.ffprobePath ?? onPath('ffprobe') ?? bundledFfprobe;
  if (!ffmpeg || !ffprobe) throw new Error('No ffmpeg found: set FFMPEG_PATH and FFPROBE_PATH, or install one (apt-get install ffmpeg).');
  return {
    ffmpeg,
    ffprobe,
    bundled: ffmpeg === bundledFfmpeg || ffprobe === bundledFfprobe,
    prlimit: onPath('prlimit'),
    ffmpegMemoryBytes: config.ffmpegMemoryMb * MIB,
    ffprobeMemoryBytes: config.ffprobeMemoryMb * MIB,
  };
}

export const INSTALL_FFMPEG_COMMAND = 'apt-get install ffmpeg';

/** What start-up should say loudly about these binaries: nothing, when all is well. */
export function binaryWarnings(binaries: Binaries): string[] {
  const warnings: string[] = [];
  if (binaries.bundled) {
    warnings.push(`Uploads are decoded by the ffmpeg bundled in the npm package @ffmpeg-installer/ffmpeg, a 2018 build with years of known security holes (no system ffmpeg was found, or FFMPEG_PATH names it). Install a current one and restart: ${INSTALL_FFMPEG_COMMAND} (Debian/Ubuntu).`);
  }
  if (!binaries.prlimit) {
    warnings.push('prlimit (util-linux) was not found, so ffmpeg and ffprobe run without a memory bound: one hostile upload can take all of this machine\'s memory. Install it: apt-get install util-linux.');
  }
  return warnings;
}

/**
 * The program and arguments that start `program` under a memory bound. RLIMIT_DATA (heap and
 * private writable mappings: what ffmpeg allocates) rather than RLIMIT_AS (address space): the
 * address space ffmpeg reserves grows with threads and glibc's per-thread arenas, so a bound on
 * it that stops a hostile file would also stop ordinary encodes on a machine with many cores.
 */
function bounded(binaries: Binaries, program: string, bytes: number): { command: string; prefix: string[] } {
  if (!binaries.prlimit) return { command: program, prefix: [] };
  return { command: binaries.prlimit, prefix: [`--data=${bytes}`, '--', program] };
}

/**
 * How ffmpeg, its decoders and x264 say an allocation failed: there is no one message. x264 says
 * nothing when it cannot allocate while opening, and our encoder settings are fixed and known
 * to open, so "Error while opening encoder" is taken for a failed allocation too.
 */
const OUT_OF_MEMORY = /Cannot allocate memory|Could not allocate|get_buffer\(\) failed|malloc of size \d+ failed|Resource temporarily unavailable|out of memory|Error while opening encoder/i;

/**
 * Real media containers only. Playlist and list demuxers (hls, concat, …) are left out, so a
 * playlist renamed .mp4, or one hidden inside another container (the AVI/HLS attack: ffmpeg
 * copies these whitelists to nested demuxers), reads nothing.
 */
export const CONTAINER_WHITELIST = 'mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,flv,mpegts,ogg,asf,mpeg,mxf';
export const SAFE_INPUT = ['-protocol_whitelist', 'file', '-format_whitelist', CONTAINER_WHITELIST];

/** A file we will not process, with a reason its uploader can act on. */
export class MediaRejected extends Error {}

export interface Probe {
  container: string;
  durationSeconds: number;
  /** As shown: rotation applied. */
  width: number;
  height: number;
  rotation: number;
  frameRate: number;
  videoCodec: string;
  videoProfile: string;
  pixelFormat: string;
  bitRate: number;
  audioCodec: string | null;
  raw: unknown;
}

interface RawStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
}

const PROBE_TIMEOUT_MS = 30_000;

function rate(value: string | undefined): number {
  const [n, d] = (value ?? '0/1').split('/').map(Number);
  return n && d ? n / d : 0;
}

/** Reads a file's container and streams with ffprobe, under the whitelists and a time limit. */
export function probe(binaries: Binaries, file: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    if (fs.statSync(file).size === 0) return reject(new MediaRejected('This file is empty.'));
    const args = ['-v', 'error', '-hide_banner', ...SAFE_INPUT, '-show_format', '-show_streams', '-print_format', 'json', '-i', file];
    const { command, prefix } = bounded(binaries, binaries.ffprobe, binaries.ffprobeMemoryBytes);
    execFile(command, [...prefix, ...args], { timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new MediaRejected(refusalReason(stderr)));
      let data: { format?: { format_name?: string; duration?: string; bit_rate?: string }; streams?: RawStream[] };
      try {
        data = JSON.parse(stdout);
      } catch {
        return reject(new MediaRejected('This file is damaged or not a video.'));
      }
      const streams = data.streams ?? [];
      // Cover art in an audio file is a "video" stream of one picture; it does not count.
      const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
      if (!video || !video.width || !video.height) return reject(new MediaRejected('This file has no video stream.'));
      const audio = streams.find((s) => s.codec_type === 'audio');
      const duration = Number(data.format?.duration ?? video.duration);
      if (!Number.isFinite(duration) || duration <= 0) return reject(new MediaRejected('This file has no duration: it is damaged, or a still picture rather than a video.'));
      const rawRotation = video.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ?? Number(video.tags?.rotate ?? 0);
      const rotation = ((Math.round(rawRotation) % 360) + 360) % 360;
      const sideways = rotation === 90 || rotation === 270;
      resolve({
        container: data.format?.format_name ?? '',
        durationSeconds: duration,
        width: sideways ? video.height : video.width,
        height: sideways ? video.width : video.height,
        rotation,
        frameRate: rate(video.avg_frame_rate) || rate(video.r_frame_rate),
        videoCodec: video.codec_name ?? '',
        videoProfile: video.profile ?? '',
        pixelFormat: video.pix_fmt ?? '',
        bitRate: Number(data.format?.bit_rate ?? 0) || 0,
        audioCodec: audio?.codec_name ?? null,
        raw: data,
      });
    });
  });
}

/** What to tell the uploader when ffprobe would not open a file. */
function refusalReason(stderr: string): string {
  if (OUT_OF_MEMORY.test(stderr)) return 'This video needs more memory to read than this server allows: its pictures are too large, or the file is damaged.';
  const demuxer = /\[(\w+) @ [^\]]*\] Format not on whitelist/.exec(stderr)?.[1] ?? null;
  if (demuxer === null) return 'This file is damaged or not a video.';
  if (/hls|concat|playlist|m3u|dash|tee/.test(demuxer)) return 'This file is a playlist or a list of other files, not a video.';
  if (/_pipe$|^image2|^gif|^apng/.test(demuxer)) return 'This file is a picture, not a video.';
  return 'This file is not in a video format we accept (MP4, MOV, MKV, WebM, AVI, FLV, MPEG-TS, OGG, WMV).';
}

export interface Limits {
  maxVideoSeconds: number;
  maxVideoDimension: number;
  maxVideoPixels: number;
  maxVideoFps: number;
}

/** Limits checked on the probe, before anything is decoded. */
export function checkLimits(probed: Probe, limits: Limits): void {
  if (probed.durationSeconds > limits.maxVideoSeconds) {
    throw new MediaRejected(`This video is ${formatDuration(probed.durationSeconds)} long; videos up to ${formatDuration(limits.maxVideoSeconds)} are accepted.`);
  }
  if (Math.max(probed.width, probed.height) > limits.maxVideoDimension) {
    throw new MediaRejected(`This video is ${probed.width}×${probed.height}; videos up to ${limits.maxVideoDimension} pixels on a side are accepted.`);
  }
  if (probed.width * probed.height > limits.maxVideoPixels) {
    throw new MediaRejected(`This video is ${probed.width}×${probed.height}; the largest accepted is ${describePixelLimit(limits.maxVideoPixels)}.`);
  }
  if (probed.frameRate > limits.maxVideoFps) {
    throw new MediaRejected(`This video has ${Math.round(probed.frameRate)} frames per second; up to ${limits.maxVideoFps} are accepted.`);
  }
}

/** A pixel count in terms people know: "4096×2304 pixels (about 9.4 megapixels)", the 16:9 frame of that size. */
export function describePixelLimit(pixels: number): string {
  const width = Math.floor(Math.sqrt((pixels * 16) / 9) / 2) * 2;
  return `${width}×${Math.floor((width * 9) / 16 / 2) * 2} pixels (about ${(pixels / 1e6).toFixed(1)} megapixels)`;
}

export interface RunOptions {
  /** Seconds of output the run will produce, to turn ffmpeg's time= into a fraction. */
  durationSeconds: number;
  timeoutSeconds: number;
  onProgress?: (fraction: number) => void;
  /** Added to ffmpeg's niceness so encoding yields the CPU to the web process. */
  niceness?: number;
  /** Stops ffmpeg at once (its job was cancelled); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

const running = new Set<ChildProcess>();

/** Stops every ffmpeg this process started (at shutdown: an orphaned encode would run on for nothing). */
export function killRunningFfmpeg(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** How many ffmpeg processes this process has running (for the tests of cancelling). */
export function runningFfmpegCount(): number {
  return running.size;
}

const TIME = /time=(\d+):(\d\d):(\d\d(?:\.\d+)?)/;

/**
 * ffmpeg ran out of the memory FFMPEG_MEMORY_MB allows, or past its time limit (sized from the
 * work, with ample headroom): the file is the problem, so it is not tried again automatically.
 */
export class MemoryLimitExceeded extends MediaRejected {}
export class TimeLimitExceeded extends MediaRejected {}

/**
 * Runs ffmpeg on one user-supplied input under the whitelists, a time limit, a memory bound and
 * a lower priority: `nice -n 10 prlimit --data=N -- ffmpeg -nostdin … -i input … output`.
 */
export function runFfmpeg(binaries: Binaries, input: string, inputOptions: string[], output: string, outputOptions: string[], options: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(options.signal.reason);
    const { command, prefix } = bounded(binaries, binaries.ffmpeg, binaries.ffmpegMemoryBytes);
    const args = [...prefix, '-nostdin', '-hide_banner', ...SAFE_INPUT, ...inputOptions, '-i', input, '-y', ...outputOptions, output];
    const child = spawn('nice', ['-n', String(options.niceness ?? 10), command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    const stop = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', stop, { once: true });
    let outOfMemory = false;
    let timedOut = false;
    const tail: string[] = [];
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, Math.ceil(options.timeoutSeconds) * 1000);
    // readline ends a line at \r too, which ends ffmpeg's progress lines.
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      if (OUT_OF_MEMORY.test(line)) outOfMemory = true;
      tail.push(line);
      if (tail.length > 3) tail.shift();
      const match = TIME.exec(line);
      if (match && options.onProgress && options.durationSeconds > 0) {
        const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
        options.onProgress(Math.min(1, seconds / options.durationSeconds));
      }
    });
    const finish = (err: Error | null) => {
      clearTimeout(timer);
      running.delete(child);
      options.signal?.removeEventListener('abort', stop);
      if (!err) return resolve();
      if (options.signal?.aborted) return reject(options.signal.reason);
      if (timedOut) {
        return reject(new TimeLimitExceeded(`Processing took longer than this server allows for a video of this length and size (${formatMinutes(options.timeoutSeconds)}), so it was stopped: the file may be damaged. You can try again.`));
      }
      if (outOfMemory) {
        return reject(new MemoryLimitExceeded(`Processing needed more memory than this server allows each video (${formatBytes(binaries.ffmpegMemoryBytes)}): the video's pictures are too large, or the file is damaged.`));
      }
      reject(new Error(`ffmpeg failed: ${err.message}${tail.length ? ` (${tail.join(' | ')})` : ''}`));
    };
    child.on('error', finish);
    child.on('close', (code, signal) => {
      if (code === 0) return finish(null);
      finish(new Error(signal ? `killed with ${signal}` : `exited with code ${code}`));
    });
  });
}
