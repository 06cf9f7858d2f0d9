import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Pool } from '../db/pool.js';
import { claimCandidateAttempt, insertThumbnailCandidates, listThumbnailCandidates, replaceThumbnailSet, type ThumbnailCandidate } from '../db/thumbnails.js';
import { listVideoFiles } from '../db/video-files.js';
import type { Video } from '../db/videos.js';
import { processTempDir } from '../temp-dirs.js';
import { MediaRejected, type Binaries } from './ffmpeg.js';
import { grabFrame, lastFrameSeconds, pickCandidateFrames } from './frames.js';
import type { Storage } from './storage.js';
import { removeVideoFiles, storeCandidates, storeThumbnailSet } from './thumbnail-sets.js';

// The three ways a creator sets a video's thumbnail (a candidate frame, the frame at a time, a
// picture of their own), and the candidates for videos processed before candidates existed.
// Every change is made the same way, so that a failure at any step leaves the old thumbnail
// working and no file behind: the new set is written under a new stem, then one transaction
// points the video at it, and only then are the old set's files removed.

export interface ThumbnailDeps {
  pool: Pool;
  storage: Storage;
  binaries: Binaries;
  dataDir: string;
}

type ThumbnailVideo = Pick<Video, 'id' | 'publicId' | 'ownerId' | 'status' | 'originalKey' | 'durationSeconds' | 'width' | 'height'>;

/** A change that did not happen: the video stopped being the owner's, ready or there meanwhile. */
export class ThumbnailNotChanged extends Error {}

/** A directory of its own for one request's frames, removed whatever happens. */
async function inWorkDir<T>(dataDir: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = path.join(processTempDir(dataDir, 'work'), `thumbnail-${crypto.randomBytes(6).toString('hex')}`);
  await fs.promises.mkdir(dir, { recursive: true });
  try {
    return await work(dir);
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/**
 * The file frames are taken from: the largest rendition (made by us, rotation applied, and at
 * least as large as the largest thumbnail for any video of 720p or more), else the original.
 * Null for a store without local files.
 */
async function frameSource(deps: ThumbnailDeps, video: ThumbnailVideo): Promise<string | null> {
  const renditions = (await listVideoFiles(deps.pool, video.id)).filter((f) => f.kind === 'rendition').sort((a, b) => b.height - a.height);
  for (const key of [...renditions.map((r) => r.storageKey), video.originalKey]) {
    const local = key ? deps.storage.localPath(key) : null;
    if (local && fs.existsSync(local)) return local;
  }
  return null;
}

/** The dimensions frames are scaled from: a rendition's, which keep the video's shape. */
const shapeOf = (video: ThumbnailVideo) => ({ durationSeconds: video.durationSeconds, width: video.width, height: video.height });

/**
 * Picks, stores and records the candidates of a video made from `input`, unless it has some.
 * Used by the pipeline (from the original) and by the studio page for older videos.
 */
export async function makeCandidates(deps: ThumbnailDeps, video: ThumbnailVideo, input: string): Promise<void> {
  if ((await listThumbnailCandidates(deps.pool, video.id)).length > 0) return;
  await inWorkDir(deps.dataDir, async (dir) => {
    const frames = await pickCandidateFrames(deps.binaries, input, shapeOf(video), dir);
    if (frames.length === 0) return;
    const files = await storeCandidates(deps.storage, video.publicId, frames);
    let recorded = false;
    try {
      recorded = await insertThumbnailCandidates(deps.pool, video.id, files);
    } finally {
      if (!recorded) await removeVideoFiles(deps.storage, video.publicId, files.map((f) => f.storageKey));
    }
  });
}

/** A day: a video whose file gave no frames is not tried again sooner (unless processed again). */
export const CANDIDATE_RETRY_SECONDS = 24 * 60 * 60;

/**
 * The video's candidates, made now when a ready video has none (processed before they existed).
 * Up to nine ffmpeg runs: the caller holds a frame slot. A try that gives no frames, or fails,
 * is recorded and not made again for CANDIDATE_RETRY_SECONDS (claimCandidateAttempt).
 */
export async function candidatesOf(deps: ThumbnailDeps, video: ThumbnailVideo): Promise<ThumbnailCandidate[]> {
  const existing = await listThumbnailCandidates(deps.pool, video.id);
  if (existing.length > 0 || video.status !== 'ready') return existing;
  const input = await frameSource(deps, video);
  if (!input || !(await claimCandidateAttempt(deps.pool, video.id, CANDIDATE_RETRY_SECONDS))) return [];
  await makeCandidates(deps, video, input);
  return listThumbnailCandidates(deps.pool, video.id);
}

/** Writes a new set from `picture`, points the video at it, then removes the old set's files. */
async function replaceWith(deps: ThumbnailDeps, video: ThumbnailVideo, picture: string | Buffer, frameSeconds: number | null): Promise<void> {
  const set = await storeThumbnailSet(deps.storage, video.publicId, picture, frameSeconds);
  let oldKeys: string[] | null = null;
  try {
    oldKeys = await replaceThumbnailSet(deps.pool, video.id, video.ownerId, set);
  } finally {
    if (!oldKeys) await removeVideoFiles(deps.storage, video.publicId, set.files.map((f) => f.storageKey));
  }
  if (!oldKeys) throw new ThumbnailNotChanged();
  await removeVideoFiles(deps.storage, video.publicId, oldKeys);
}

/** The candidate named `name` becomes the thumbnail; false when the video has no such candidate. */
export async function chooseCandidate(deps: ThumbnailDeps, video: ThumbnailVideo, name: string): Promise<boolean> {
  const candidate = (await listThumbnailCandidates(deps.pool, video.id)).find((c) => c.name === name);
  const local = candidate ? deps.storage.localPath(candidate.storageKey) : null;
  if (!candidate || !local || !fs.existsSync(local)) return false;
  await replaceWith(deps, video, local, candidate.frameSeconds);
  return true;
}

/**
 * The frame at `seconds` becomes the thumbnail; false when there is no picture there (nor
 * at the last moment of the video, which is tried when the time is within its last second).
 */
export async function chooseFrameAt(deps: ThumbnailDeps, video: ThumbnailVideo, seconds: number): Promise<boolean> {
  const input = await frameSource(deps, video);
  if (!input) throw new MediaRejected('No file of this video is on this server to take a frame from.');
  return inWorkDir(deps.dataDir, async (dir) => {
    const file = path.join(dir, 'frame.png');
    let at = Math.min(seconds, lastFrameSeconds(video.durationSeconds));
    if (!(await grabFrame(deps.binaries, input, shapeOf(video), at, file))) {
      // Near the end a fast seek can land past the last frame of a stream shorter than the container.
      const fallback = Math.max(0, video.durationSeconds - 1);
      if (at - fallback > 1 || !(await grabFrame(deps.binaries, input, shapeOf(video), fallback, file))) return false;
      at = fallback;
    }
    await replaceWith(deps, video, file, at);
    return true;
  });
}

/** A picture already judged and cropped (cropUploadedPicture) becomes the thumbnail. */
export async function useUploadedPicture(deps: ThumbnailDeps, video: ThumbnailVideo, picture: Buffer): Promise<void> {
  await replaceWith(deps, video, picture, null);
}
