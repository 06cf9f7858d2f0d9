import { withTransaction, type PoolClient } from '../db/pool.js';
import { insertVideo, type Video } from '../db/videos.js';
import type { VideoDetails } from '../forms/upload.js';
import { judgeUpload, removeVideoMedia, storeOriginal } from '../media/index.js';
import { newPublicId } from '../routes/public-id.js';
import type { RouteDeps } from '../routes/deps.js';

export interface ReceivedFile {
  /** Where the whole file is on disk; the caller removes it afterwards, accepted or not (it is copied into storage). */
  path: string;
  /** The name the client gave, kept as a label only. */
  originalName: string;
  size: number;
}

/**
 * Turns a received file into a video of `ownerId`, whichever way it arrived: the upload form,
 * the API's multipart upload (ShareX) or a finished resumable upload (tus). The file is judged
 * by ffprobe (MediaRejected with a reason a person can read when it is not a video this site
 * takes), stored as the original, and the video row and its processing job are written in one
 * transaction. Held for a moderator first when the site says so (src/db/held-uploads.ts).
 * The account's limits are checked by the caller, before the bytes arrive. `alsoWrite` adds the
 * caller's own rows (an API upload's deletion key) to that transaction: all or nothing.
 */
export async function acceptVideoFile(deps: Pick<RouteDeps, 'pool' | 'storage' | 'queue' | 'binaries' | 'config' | 'settings'>, ownerId: number, file: ReceivedFile, details: VideoDetails, alsoWrite?: (client: PoolClient, video: Video) => Promise<void>): Promise<Video> {
  const { pool, storage, queue, binaries, config, settings } = deps;
  const probed = await judgeUpload(binaries, file.path, config);
  const moderation = (await settings.get()).newUploads === 'held' ? 'held' : 'none';
  const publicId = newPublicId();
  const key = await storeOriginal(storage, publicId, file.path);
  try {
    return await withTransaction(pool, async (client) => {
      const inserted = await insertVideo(client, {
        publicId, ownerId, ...details,
        originalKey: key, originalName: file.originalName.slice(0, 255), originalBytes: file.size,
        durationSeconds: probed.durationSeconds, width: probed.width, height: probed.height, frameRate: probed.frameRate,
        videoCodec: probed.videoCodec, audioCodec: probed.audioCodec, probe: probed.raw, moderation,
      });
      await queue.enqueueVideo(inserted.id, probed.durationSeconds, client);
      await alsoWrite?.(client, inserted);
      return inserted;
    });
  } catch (err) {
    await removeVideoMedia(storage, publicId);
    throw err;
  }
}
