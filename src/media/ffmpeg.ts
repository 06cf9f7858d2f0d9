import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import ffmpeg from 'fluent-ffmpeg';

/*
 * Every run of ffmpeg and ffprobe. fluent-ffmpeg is archived upstream, so it is used only here.
 * Two of its features are avoided on purpose: 'progress' listeners (they make it run ffprobe on
 * the input without our whitelists; we parse time= from stderr instead) and its codec setters
 * (they run capability checks); arguments are passed raw.
 */

export interface Binaries {
  ffmpeg: string;
  ffprobe: string;
}

const require = createRequire(import.meta.url);

function onPath(name: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** FFMPEG_PATH/FFPROBE_PATH, else the system's (which gets security updates), else the npm-bundled one. */
export function resolveBinaries(config: { ffmpegPath: string | null; ffprobePath: string | null }): Binaries {
  const bundled = (pkg: string) => (require(pkg) as { path: string }).path;
  return {
    ffmpeg: config.ffmpegPath ?? onPath('ffmpeg') ?? bundled('@ffmpeg-installer/ffmpeg'),
    ffprobe: config.ffprobePath ?? onPath('ffprobe') ?? bundled('@ffprobe-installer/ffprobe'),
  };
}

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
    execFile(binaries.ffprobe, args, { timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
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
  const demuxer = /\[(\w+) @ [^\]]*\] Format not on whitelist/.exec(stderr)?.[1] ?? null;
  if (demuxer === null) return 'This file is damaged or not a video.';
  if (/hls|concat|playlist|m3u|dash|tee/.test(demuxer)) return 'This file is a playlist or a list of other files, not a video.';
  if (/_pipe$|^image2|^gif|^apng/.test(demuxer)) return 'This file is a picture, not a video.';
  return 'This file is not in a video format we accept (MP4, MOV, MKV, WebM, AVI, FLV, MPEG-TS, OGG, WMV).';
}

export interface Limits {
  maxVideoSeconds: number;
  maxVideoDimension: number;
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
  if (probed.frameRate > limits.maxVideoFps) {
    throw new MediaRejected(`This video has ${Math.round(probed.frameRate)} frames per second; up to ${limits.maxVideoFps} are accepted.`);
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export interface RunOptions {
  /** Seconds of output the run will produce, to turn ffmpeg's time= into a fraction. */
  durationSeconds: number;
  timeoutSeconds: number;
  onProgress?: (fraction: number) => void;
  /** Added to ffmpeg's niceness so encoding yields the CPU to the web process. */
  niceness?: number;
}

const running = new Set<ffmpeg.FfmpegCommand>();

/** Stops every ffmpeg this process started (at shutdown: an orphaned encode would run on for nothing). */
export function killRunningFfmpeg(): void {
  for (const command of running) command.kill('SIGKILL');
}

const TIME = /time=(\d+):(\d\d):(\d\d(?:\.\d+)?)/;

/** Runs ffmpeg on one user-supplied input under the whitelists, a time limit and a lower priority. */
export function runFfmpeg(binaries: Binaries, input: string, inputOptions: string[], output: string, outputOptions: string[], options: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const command = ffmpeg(input, { timeout: Math.ceil(options.timeoutSeconds), niceness: options.niceness ?? 10 })
      .setFfmpegPath(binaries.ffmpeg)
      .inputOptions(['-nostdin', '-hide_banner', ...SAFE_INPUT, ...inputOptions])
      .outputOptions(outputOptions)
      .output(output);
    command.on('stderr', (line: string) => {
      const match = TIME.exec(line);
      if (match && options.onProgress && options.durationSeconds > 0) {
        const seconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
        options.onProgress(Math.min(1, seconds / options.durationSeconds));
      }
    });
    running.add(command);
    command.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
      running.delete(command);
      const tail = (stderr ?? '').trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`ffmpeg failed: ${err.message}${tail ? ` (${tail})` : ''}`));
    });
    command.on('end', () => {
      running.delete(command);
      resolve();
    });
    command.run();
  });
}
