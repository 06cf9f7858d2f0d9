import fs from 'node:fs';
import path from 'node:path';
import { withTransaction, type Pool } from '../db/pool.js';
import { insertVideoFile, listVideoFiles, type VideoFile } from '../db/video-files.js';
import { clearOriginalKey, markPlayable, markProcessing, setStoryboard, setVideoProgress } from '../db/video-processing.js';
import { findVideoById, type Video } from '../db/videos.js';
import type { Logger } from '../log.js';
import { probe, runFfmpeg, type Binaries, type Probe } from './ffmpeg.js';
import { makeStoryboard, makeThumbnails } from './previews.js';
import { makeCandidates } from './thumbnail-choice.js';
import { encodeTimeLimitSeconds, planRenditions, renditionArgs, workOf, type Rendition } from './renditions.js';
import type { Storage } from './storage.js';
import { fileStamp, originalsDir, renditionName, storyboardName, thumbnailName, videoDir, videoFileKey } from './keys.js';
import { processTempDir } from '../temp-dirs.js';
import { tellNobody, type Tell } from '../notifications/tell.js';

export interface PipelineDeps {
  pool: Pool;
  storage: Storage;
  binaries: Binaries;
  dataDir: string;
  preset: string;
  /** ENCODE_TIME_LIMIT_FACTOR: seconds an encode may take per second of 1080p video (see encodeTimeLimitSeconds). */
  encodeTimeLimitFactor: number;
  keepOriginals: boolean;
  logger: Logger;
  /** Called once the video has become ready (playable): the worker queues its related videos. */
  onReady?: (videoId: number) => Promise<void>;
  /** Tells the owner their video is ready or failed (the worker's; a test of the pipeline alone tells nobody). */
  tell?: Tell;
}

/** The video was deleted while it was being processed: stop, and leave nothing behind. */
export class VideoGone extends Error {}

/** An administrator cancelled the job (/admin/jobs): stop, keeping what was made before. */
export class JobCancelled extends Error {}

/** How often progress is written at most; pages poll it every couple of seconds. */
const PROGRESS_WRITE_INTERVAL_MS = 1500;

export const workDirFor = (dataDir: string, publicId: string) => path.join(processTempDir(dataDir, 'work'), publicId);


/**
 * Upload → ready. Makes the first rendition (a remux when the source allows, else the smallest
 * encode) and the thumbnails, and makes the video playable at once; then the storyboard and
 * the other renditions, small to large. Safe to run again: renditions already recorded are
 * kept and skipped. Copes with the video being deleted at any point.
 */
export async function processVideo(deps: PipelineDeps, videoId: number, signal?: AbortSignal): Promise<void> {
  const { pool, storage } = deps;
  const video = await findVideoById(pool, videoId);
  if (!video) throw new VideoGone();
  const input = video.originalKey ? storage.localPath(video.originalKey) : null;
  if (!input || !fs.existsSync(input)) throw new Error('The uploaded file is missing, so this video cannot be processed again.');

  const workDir = workDirFor(deps.dataDir, video.publicId);
  await fs.promises.rm(workDir, { recursive: true, force: true });
  await fs.promises.mkdir(workDir, { recursive: true });
  try {
    if (!(await markProcessing(pool, videoId))) throw new VideoGone();
    const probed = await probe(deps.binaries, input);
    const plan = planRenditions(probed);
    const existing = await listVideoFiles(pool, videoId);
    const done = new Set(existing.filter((f) => f.kind === 'rendition').map((f) => f.height));
    const progress = progressTracker(deps, videoId, plan, done);

    const smallestRung = Math.min(...plan.map((r) => r.rung));
    let playable = video.status === 'ready' && video.thumbnailStem !== null;
    let hasStoryboard = video.storyboard !== null;
    for (const rendition of plan) {
      if (done.has(rendition.height)) continue;
      signal?.throwIfAborted();
      const file = await makeRendition(deps, video, probed, input, rendition, workDir, progress.onStep(rendition), signal);
      progress.finished(rendition);
      if (!playable) {
        await storePreviews(deps, video, probed, input, workDir);
        playable = true;
      }
      if (!hasStoryboard && rendition.rung === smallestRung) {
        await storeStoryboard(deps, video, file.storageKey, workDir);
        hasStoryboard = true;
      }
    }
    // A second run whose renditions all existed already: finish what the first run did not.
    if (!playable) await storePreviews(deps, video, probed, input, workDir);
    if (!hasStoryboard) {
      const smallest = (await listVideoFiles(pool, videoId)).filter((f) => f.kind === 'rendition').sort((a, b) => a.bytes - b.bytes)[0];
      if (smallest) await storeStoryboard(deps, video, smallest.storageKey, workDir);
    }
    signal?.throwIfAborted();
    await storeCandidateFrames(deps, video, input);
    await progress.settled();
    if (!(await setVideoProgress(pool, videoId, 100))) throw new VideoGone();
    if (!deps.keepOriginals && video.originalKey) {
      await storage.remove(video.originalKey);
      await clearOriginalKey(pool, videoId);
    }
  } catch (err) {
    if (err instanceof VideoGone) {
      // The delete removed what existed when it ran; this removes what the job wrote after.
      await storage.removeDirectory(videoDir(video.publicId));
      await storage.removeDirectory(originalsDir(video.publicId));
    }
    throw err;
  } finally {
    await fs.promises.rm(workDir, { recursive: true, force: true });
  }
}

async function makeRendition(deps: PipelineDeps, video: Video, probed: Probe, input: string, rendition: Rendition, workDir: string, onProgress: (f: number) => void, signal?: AbortSignal): Promise<VideoFile> {
  const name = renditionName(rendition.rung, fileStamp());
  const output = path.join(workDir, name);
  await runFfmpeg(deps.binaries, input, [], output, renditionArgs(probed, rendition, deps.preset), {
    durationSeconds: probed.durationSeconds,
    timeoutSeconds: encodeTimeLimitSeconds(probed, rendition, deps.encodeTimeLimitFactor),
    onProgress,
    signal,
  });
  const file: VideoFile = {
    kind: 'rendition',
    name,
    storageKey: videoFileKey(video.publicId, name),
    mimeType: 'video/mp4',
    width: rendition.width,
    height: rendition.height,
    bytes: (await fs.promises.stat(output)).size,
  };
  await record(deps, video, output, file);
  return file;
}

/** Moves a made file into storage and records it; a second run's duplicate is thrown away. */
async function record(deps: PipelineDeps, video: Video, localFile: string, file: VideoFile): Promise<void> {
  await deps.storage.putFile(file.storageKey, localFile);
  if (!(await insertVideoFile(deps.pool, video.id, file))) {
    await deps.storage.remove(file.storageKey);
    if (!(await findVideoById(deps.pool, video.id))) throw new VideoGone();
  }
}

async function storePreviews(deps: PipelineDeps, video: Video, probed: Probe, input: string, workDir: string): Promise<void> {
  const stem = fileStamp();
  const previews = await makeThumbnails(deps.binaries, input, probed, workDir);
  for (const preview of previews) {
    const name = thumbnailName(stem, preview.width, preview.format);
    const bytes = (await fs.promises.stat(preview.file)).size;
    await record(deps, video, preview.file, {
      kind: 'thumbnail',
      name,
      storageKey: videoFileKey(video.publicId, name),
      mimeType: preview.format === 'webp' ? 'image/webp' : 'image/jpeg',
      width: preview.width,
      height: preview.height,
      bytes,
    });
  }
  const widths = [...new Set(previews.map((p) => p.width))];
  const marked = await withTransaction(deps.pool, async (client) => {
    if (!(await markPlayable(client, video.id, { stem, widths }))) return false;
    // Told when it first becomes watchable (its status as this run found it, under the video's
    // processing lock): a second run over a ready video is no news.
    if (video.status !== 'ready') await (deps.tell ?? tellNobody)(client, { userId: video.ownerId, kind: 'video_ready', videoId: video.id });
    return true;
  });
  if (!marked) throw new VideoGone();
  deps.logger.info({ videoId: video.id, publicId: video.publicId }, 'video is playable');
  await deps.onReady?.(video.id);
}

async function storeStoryboard(deps: PipelineDeps, video: Video, renditionKey: string, workDir: string): Promise<void> {
  const source = deps.storage.localPath(renditionKey);
  if (!source) return;
  const { file, index } = await makeStoryboard(deps.binaries, source, video.durationSeconds, workDir);
  const name = storyboardName(fileStamp());
  const bytes = (await fs.promises.stat(file)).size;
  await record(deps, video, file, {
    kind: 'storyboard',
    name,
    storageKey: videoFileKey(video.publicId, name),
    mimeType: 'image/jpeg',
    width: index.columns * index.tileWidth,
    height: index.rows * index.tileHeight,
    bytes,
  });
  if (!(await setStoryboard(deps.pool, video.id, { name, ...index }))) throw new VideoGone();
}

/**
 * The three frames the studio offers as thumbnails, from the original. Not worth failing a
 * playable video for: the studio page makes them when they are missing.
 */
async function storeCandidateFrames(deps: PipelineDeps, video: Video, input: string): Promise<void> {
  try {
    await makeCandidates(deps, video, input);
  } catch (err) {
    if (!(await findVideoById(deps.pool, video.id))) throw new VideoGone();
    deps.logger.warn({ err, videoId: video.id, publicId: video.publicId }, 'thumbnail candidates not made');
  }
}

/** One percentage for the whole job, weighted by how much work each rendition is. */
function progressTracker(deps: PipelineDeps, videoId: number, plan: Rendition[], done: Set<number>) {
  const total = plan.reduce((sum, r) => sum + workOf(r), 0);
  let finished = plan.filter((r) => done.has(r.height)).reduce((sum, r) => sum + workOf(r), 0);
  let lastWrite = 0;
  // Writes go one after another: sent side by side on different pool connections, an earlier
  // 99 % could land after the final 100 % and leave the video looking unfinished for good.
  let pending: Promise<unknown> = Promise.resolve();
  const write = (percent: number) => {
    const now = Date.now();
    if (now - lastWrite < PROGRESS_WRITE_INTERVAL_MS) return;
    lastWrite = now;
    // Progress is informative; a failed write must not stop the encode (the next one will land).
    pending = pending.then(() => setVideoProgress(deps.pool, videoId, Math.min(99, percent))).catch(() => {});
  };
  return {
    /** Resolves once every progress write sent so far has landed. */
    settled: () => pending,
    onStep: (rendition: Rendition) => (fraction: number) => write(((finished + fraction * workOf(rendition)) / total) * 100),
    finished(rendition: Rendition) {
      finished += workOf(rendition);
      lastWrite = 0;
      write((finished / total) * 100);
    },
  };
}


