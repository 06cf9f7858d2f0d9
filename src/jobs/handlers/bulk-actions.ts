import type PgBoss from 'pg-boss';
import {
  finishBulkAction, findBulkAction, lockBulkAction, lockOwnVideos, recordBulkProgress, setTagsOfOwnVideos, setVisibilityOfOwnVideos,
  type BulkAction, type BulkError, type OwnVideo,
} from '../../db/bulk-actions.js';
import { notifyPagesStale } from '../../db/page-events.js';
import { withTransaction, type Pool, type PoolClient } from '../../db/pool.js';
import { deleteVideo } from '../../db/videos.js';
import type { Visibility } from '../../db/visibility.js';
import { TAGS_MAX } from '../../forms/upload.js';
import type { Logger } from '../../log.js';
import { announcePublications } from '../../notifications/new-videos.js';
import { removeVideoMedia, type Storage } from '../../media/index.js';
import type { JobQueue } from '../queue.js';

export interface BulkActionJobData {
  bulkActionId: number;
}

export interface BulkDeps {
  pool: Pool;
  storage: Storage;
  queue: JobQueue;
  logger: Logger;
}

/** Videos changed per transaction: one statement each for their locks, changes and progress. */
const CHANGE_BATCH = 100;
/** Deletes per transaction: each video's files go once its rows are gone, before the next batch. */
const DELETE_BATCH = 10;

const NOT_FOUND = 'Not found: it is not one of your videos, or it was deleted.';

interface Outcome {
  done: number;
  errors: BulkError[];
  /** Videos whose title, tags or visibility changed: their related lists are worked out again. */
  changed: number[];
  /** Public ids of videos deleted, whose files go once the transaction has committed. */
  deleted: string[];
}

/** Decides and makes one batch's changes; `videos` are those of `batch` that are mine, locked. */
async function applyBatch(client: PoolClient, action: BulkAction, batch: string[], videos: OwnVideo[]): Promise<Outcome> {
  const mine = new Map(videos.map((v) => [v.publicId, v]));
  const outcome: Outcome = { done: 0, errors: [], changed: [], deleted: [] };
  const tagChanges: { id: number; tags: string[] }[] = [];
  for (const publicId of batch) {
    const video = mine.get(publicId);
    if (!video) {
      outcome.errors.push({ video: publicId, title: null, reason: NOT_FOUND });
      continue;
    }
    const has = video.tags.some((t) => t.toLowerCase() === action.argument.toLowerCase());
    if (action.action === 'visibility') {
      if (video.visibility !== action.argument) outcome.changed.push(video.id);
    } else if (action.action === 'add-tag' && !has) {
      // The upload form's rule: at most TAGS_MAX tags, the same tag once whatever its case.
      if (video.tags.length >= TAGS_MAX) {
        outcome.errors.push({ video: publicId, title: video.title, reason: `It already has ${TAGS_MAX} tags, the most a video may have.` });
        continue;
      }
      tagChanges.push({ id: video.id, tags: [...video.tags, action.argument] });
    } else if (action.action === 'remove-tag' && has) {
      tagChanges.push({ id: video.id, tags: video.tags.filter((t) => t.toLowerCase() !== action.argument.toLowerCase()) });
    } else if (action.action === 'delete') {
      // The delete path of POST /studio/videos/:id/delete: the row (and its file rows) here,
      // the files after commit.
      if (await deleteVideo(client, video.id)) outcome.deleted.push(video.publicId);
    }
    outcome.done += 1;
  }
  if (action.action === 'visibility') await setVisibilityOfOwnVideos(client, action.ownerId, outcome.changed, action.argument as Visibility);
  await setTagsOfOwnVideos(client, action.ownerId, tagChanges);
  outcome.changed.push(...tagChanges.map((c) => c.id));
  return outcome;
}

/**
 * Runs a queued bulk action to its end, a batch per transaction: the changes, their progress on
 * the bulk_actions row and their related-video jobs commit together, so a run cut short (a
 * crash, a deploy) and started again goes on from where it stopped and counts nothing twice.
 * Used by the request for small selections and by the job for large ones. Returns the action as
 * it ended, or null when there is none.
 */
export async function runBulkAction(deps: BulkDeps, bulkActionId: number): Promise<BulkAction | null> {
  const { pool, storage, queue, logger } = deps;
  for (;;) {
    const step = await withTransaction(pool, async (client) => {
      const action = await lockBulkAction(client, bulkActionId);
      if (!action || !['queued', 'running'].includes(action.state)) return { action, deleted: [] as string[], changed: false, finished: true };
      const start = action.done + action.failed;
      const batch = action.videoPublicIds.slice(start, start + (action.action === 'delete' ? DELETE_BATCH : CHANGE_BATCH));
      if (batch.length === 0) {
        await finishBulkAction(client, action.id, 'done');
        return { action, deleted: [], changed: false, finished: true };
      }
      const outcome = await applyBatch(client, action, batch, await lockOwnVideos(client, action.ownerId, batch));
      await recordBulkProgress(client, action, outcome.done, outcome.errors);
      // Made public: those listed and never announced are, in this batch's transaction.
      if (action.action === 'visibility' && action.argument === 'public') await announcePublications(client, queue, outcome.changed);
      for (const id of outcome.changed) await queue.enqueueRelated(id, client);
      return { action, deleted: outcome.deleted, changed: outcome.changed.length + outcome.deleted.length > 0, finished: false };
    });
    for (const publicId of step.deleted) {
      // The rows are gone; a file left behind is only disk space, not a visible video.
      await removeVideoMedia(storage, publicId).catch((err) => logger.warn({ err, publicId }, 'bulk delete: removing files failed'));
    }
    // Other web processes' kept pages (the request's own are emptied by its POST as well).
    if (step.changed) await notifyPagesStale(pool).catch((err) => logger.warn({ err }, 'bulk action: telling the web processes failed'));
    if (step.finished) return step.action ? findBulkAction(pool, step.action.ownerId, step.action.publicId) : null;
  }
}

/**
 * The job for a large selection. A bulk action deleted meanwhile (its account deleted) is
 * skipped; one whose last try failed is marked failed, so the studio stops showing progress.
 */
export function bulkActionHandler(deps: BulkDeps) {
  return async function handle([job]: PgBoss.JobWithMetadata<BulkActionJobData>[]): Promise<void> {
    if (!job) return;
    try {
      await runBulkAction(deps, job.data.bulkActionId);
    } catch (err) {
      if (job.retryCount >= job.retryLimit) await finishBulkAction(deps.pool, job.data.bulkActionId, 'failed');
      throw err;
    }
  };
}
