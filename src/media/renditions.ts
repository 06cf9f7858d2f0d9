import type { Probe } from './ffmpeg.js';

/** The rendition ladder, by the short side (so portrait videos get the same qualities). */
export const LADDER = [360, 720, 1080] as const;
export const TOP_RUNG = 1080;
/** Browsers and phones play up to 60 frames per second smoothly; faster sources are halved or capped. */
export const MAX_OUTPUT_FPS = 60;
export const KEYFRAME_INTERVAL_SECONDS = 2;
const CRF = 23;

export interface Rendition {
  /** The short side: 360 for 640×360 and for 360×640. */
  rung: number;
  width: number;
  height: number;
  mode: 'encode' | 'remux';
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** The peak bitrate for a rung: about 6.5 Mb/s at 1080p, scaled by pixel count to the power 0.75. */
export function maxrateKbps(rung: number): number {
  return Math.round(6500 * Math.pow((rung * rung) / (TOP_RUNG * TOP_RUNG), 0.75));
}

export function dimensionsFor(probe: Pick<Probe, 'width' | 'height'>, rung: number): { width: number; height: number } {
  const landscape = probe.width >= probe.height;
  const shortSide = landscape ? probe.height : probe.width;
  const scale = rung / shortSide;
  return landscape ? { width: even(probe.width * scale), height: even(rung) } : { width: even(rung), height: even(probe.height * scale) };
}

/**
 * Already playable in every browser as it is: H.264 (8-bit 4:2:0, a profile browsers decode)
 * with AAC or no sound, no rotation flag, at most 60 fps and 1080p, in an MP4/MOV/MKV box, at a
 * bitrate viewers can stream. Such a file is copied into MP4 instead of encoded again.
 */
export function isRemuxable(probe: Probe): boolean {
  const shortSide = Math.min(probe.width, probe.height);
  return (
    probe.videoCodec === 'h264' &&
    ['yuv420p', 'yuvj420p'].includes(probe.pixelFormat) &&
    ['Baseline', 'Constrained Baseline', 'Main', 'High'].includes(probe.videoProfile) &&
    (probe.audioCodec === null || probe.audioCodec === 'aac') &&
    probe.rotation === 0 &&
    probe.frameRate <= MAX_OUTPUT_FPS &&
    shortSide <= TOP_RUNG &&
    /mov|mp4|matroska/.test(probe.container) &&
    (probe.bitRate === 0 || probe.bitRate <= 1.5 * maxrateKbps(shortSide) * 1000)
  );
}

/**
 * The renditions to make, in the order to make them: the one that is quickest to produce
 * first (a remux, else the smallest encode) so the video plays as soon as possible, then the
 * rest from small to large. Capped at the source's short side.
 */
export function planRenditions(probe: Probe): Rendition[] {
  const shortSide = Math.min(probe.width, probe.height);
  const top = Math.min(even(shortSide), TOP_RUNG);
  const rungs = [...LADDER.filter((r) => r < top), top];
  const remuxTop = isRemuxable(probe) && top === shortSide;
  const plan = rungs.map((rung): Rendition => ({ rung, ...dimensionsFor(probe, rung), mode: remuxTop && rung === top ? 'remux' : 'encode' }));
  return remuxTop ? [plan.at(-1)!, ...plan.slice(0, -1)] : plan;
}

/** Relative cost of making a rendition, for one progress percentage over the whole job. */
export function workOf(rendition: Rendition): number {
  return rendition.mode === 'remux' ? 0.05 : (rendition.width * rendition.height) / (1280 * 720);
}

const PIXELS_1080P = 1920 * 1080;
/** Start-up and a short clip on a busy machine; and no one encode may hold a worker for longer than half a day. */
export const ENCODE_TIME_FLOOR_SECONDS = 120;
export const ENCODE_TIME_CAP_SECONDS = 12 * 3600;

/**
 * How long one rendition may take: ENCODE_TIME_LIMIT_FACTOR seconds per unit of work, plus a
 * floor, capped. A unit is one second of video encoded at 1080p; the source's pixels count half
 * as much, for decoding and scaling them (a 4K source makes even its 360p slow). Measured on this
 * project's 2-core machine under load, at veryfast: about 0.65 s per unit (1080p→1080p 0.83 ×
 * the duration, 4096×2304→360p 1.6 ×), so the default 5 leaves about 8 × headroom. A remux copies
 * and takes a twentieth of an encode.
 */
export function encodeTimeLimitSeconds(probe: Pick<Probe, 'durationSeconds' | 'width' | 'height'>, rendition: Rendition, factor: number): number {
  const pixels = rendition.mode === 'remux' ? 0.05 * probe.width * probe.height : rendition.width * rendition.height + (probe.width * probe.height) / 2;
  const work = probe.durationSeconds * (pixels / PIXELS_1080P);
  return Math.min(ENCODE_TIME_CAP_SECONDS, Math.ceil(ENCODE_TIME_FLOOR_SECONDS + factor * work));
}

/** ffmpeg output options for one rendition (the input options are the caller's). */
export function renditionArgs(probe: Probe, rendition: Rendition, preset: string): string[] {
  const common = ['-map', '0:v:0', '-map', '0:a:0?', '-map_metadata', '-1', '-map_chapters', '-1', '-movflags', '+faststart', '-f', 'mp4'];
  if (rendition.mode === 'remux') return [...common, '-c', 'copy'];
  const fps = probe.frameRate > MAX_OUTPUT_FPS ? [`fps=${probe.frameRate > 2 * MAX_OUTPUT_FPS ? MAX_OUTPUT_FPS : probe.frameRate / 2}`] : [];
  const maxrate = maxrateKbps(rendition.rung);
  return [
    ...common,
    // ffmpeg has already turned rotated sources upright (autorotate), so the scale is in display terms.
    '-vf', [...fps, `scale=${rendition.width}:${rendition.height}`, 'setsar=1'].join(','),
    '-c:v', 'libx264', '-preset', preset, '-crf', String(CRF), '-maxrate', `${maxrate}k`, '-bufsize', `${maxrate * 2}k`,
    '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-force_key_frames', `expr:gte(t,n_forced*${KEYFRAME_INTERVAL_SECONDS})`,
    '-metadata:s:v:0', 'rotate=0',
    ...(probe.audioCodec ? ['-c:a', 'aac', '-b:a', '128k', '-ac', '2', '-ar', '48000'] : ['-an']),
  ];
}
