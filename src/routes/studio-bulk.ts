import type { Request, Response } from 'express';
import { confirmBulkAction, findBulkAction, insertBulkAction, type BulkAction } from '../db/bulk-actions.js';
import { withTransaction } from '../db/pool.js';
import { listMatchingPublicIds, listOwnTitles } from '../db/studio-videos.js';
import { formatNumber } from '../format.js';
import { parseBulkForm } from '../forms/studio.js';
import { notFound, unprocessable } from '../http/errors.js';
import { prefersJson } from '../http/negotiation.js';
import { runBulkAction } from '../jobs/handlers/bulk-actions.js';
import type { Logger } from '../log.js';
import type { RouteDeps } from './deps.js';
import { describeAction } from './studio-list.js';

// Bulk actions on my videos (issue 10, item 7): change visibility, add or remove a tag, delete.

/**
 * Up to this many videos are changed in the request (a second or so at most, deletes included);
 * more run as a job, whose progress the studio shows, so no request runs long enough to time out.
 */
export const IN_REQUEST_MAX = 50;
/** "All matching" takes at most this many of my videos at once (the row keeps their ids). */
export const BULK_MAX = 20_000;
/** Titles listed on the page that confirms a delete. */
const CONFIRM_TITLES = 50;

/** "1 video", "1,234 videos": counts in full on a summary. */
const videos = (n: number) => `${formatNumber(n)} ${n === 1 ? 'video' : 'videos'}`;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function studioBulkRoutes(deps: RouteDeps) {
  const { pool, storage, queue } = deps;

  /**
   * A small action, run in the request (a large one was handed to a job in the transaction that
   * queued it). Should it fail part way (a lost connection, a deadlock), a job goes on from where
   * it stopped, so the summary never shows progress that nothing will finish.
   */
  async function runNow(action: BulkAction, logger: Logger): Promise<void> {
    try {
      await runBulkAction({ pool, storage, queue, logger }, action.id);
    } catch (err) {
      logger.warn({ err, bulkAction: action.id }, 'bulk action cut short in the request: a job goes on with it');
      await queue.enqueueBulkAction(action.id);
    }
  }
  const isLarge = (action: BulkAction) => action.videoPublicIds.length > IN_REQUEST_MAX;

  async function loadOwnAction(req: Request): Promise<BulkAction> {
    const id = String(req.params.id);
    const action = UUID_PATTERN.test(id) ? await findBulkAction(pool, req.viewer!.id, id) : null;
    if (!action) throw notFound('There is no such bulk change of your videos.');
    return action;
  }

  return {
    async createBulkAction(req: Request, res: Response): Promise<void> {
      const form = parseBulkForm(req.body);
      if (!form.ok) throw unprocessable({ action: form.message });
      const { kind, argument, scope, ids, filter } = form.value;
      const ownerId = req.viewer!.id;
      const videoPublicIds = scope === 'all' ? await listMatchingPublicIds(pool, ownerId, filter, BULK_MAX + 1) : ids;
      if (videoPublicIds.length === 0) throw unprocessable({ action: 'No video of yours matches the filter.' });
      if (videoPublicIds.length > BULK_MAX) throw unprocessable({ action: `Change at most ${formatNumber(BULK_MAX)} videos at once: narrow the filter.` });
      const state = kind === 'delete' ? 'pending' : 'queued';
      const action = await withTransaction(pool, async (client) => {
        const inserted = await insertBulkAction(client, { ownerId, action: kind, argument, videoPublicIds, state });
        if (state === 'queued' && isLarge(inserted)) await queue.enqueueBulkAction(inserted.id, client);
        return inserted;
      });
      if (state === 'queued' && !isLarge(action)) await runNow(action, req.log);
      res.redirect(303, `/studio/bulk/${action.publicId}`);
    },

    async showBulkAction(req: Request, res: Response): Promise<void> {
      const action = await loadOwnAction(req);
      const total = action.videoPublicIds.length;
      if (prefersJson(req)) return void res.json({ state: action.state, done: action.done, failed: action.failed, total });
      const toDelete = action.state === 'pending' ? await listOwnTitles(pool, action.ownerId, action.videoPublicIds.slice(0, CONFIRM_TITLES)) : [];
      res.render('studio/bulk', {
        title: action.state === 'pending' ? 'Delete these videos?' : 'Bulk change of your videos',
        action: { ...action, description: describeAction(action), total },
        counts: {
          total: videos(total), done: videos(action.done), failed: formatNumber(action.failed), reached: formatNumber(action.done + action.failed),
          of: formatNumber(total), notTried: formatNumber(total - action.done - action.failed), moreToDelete: `${formatNumber(total - toDelete.length)} more ${total - toDelete.length === 1 ? 'video' : 'videos'}`,
          unlistedErrors: formatNumber(action.failed - action.errors.length),
        },
        toDelete,
      });
    },

    async confirmBulkAction(req: Request, res: Response): Promise<void> {
      const action = await loadOwnAction(req);
      // A second click or a resubmitted form finds it already confirmed: nothing more to do.
      const confirmed = await withTransaction(pool, async (client) => {
        if (!(await confirmBulkAction(client, action.id))) return false;
        if (isLarge(action)) await queue.enqueueBulkAction(action.id, client);
        return true;
      });
      if (confirmed && !isLarge(action)) await runNow(action, req.log);
      res.redirect(303, `/studio/bulk/${action.publicId}`);
    },
  };
}
