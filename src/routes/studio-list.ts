import type { Request, Response } from 'express';
import { listRecentBulkActions, type BulkAction } from '../db/bulk-actions.js';
import { TOTALS_DAYS, channelTotals, isOwnVideo, listStudioVideos, type StudioFilter, type StudioSort, type StudioVideo } from '../db/studio-videos.js';
import { formatDuration } from '../format.js';
import { ACTION_NAMES, SEARCH_MAX, STATES, parseStudioQuery } from '../forms/studio.js';
import { VISIBILITIES } from '../forms/upload.js';
import { badRequest } from '../http/errors.js';
import type { Storage } from '../media/index.js';
import type { RouteDeps } from './deps.js';
import { keysetPage } from './pagination.js';
import { thumbnailsOf } from './video-view.js';

// The studio's list of my videos (issue 10, item 1) and the form of its bulk actions (item 7,
// handled in studio-bulk.ts).

const PER_PAGE = 50;
/** Bulk actions of the last day shown above the list, running ones with their progress. */
const RECENT_BULK_ACTIONS = 5;

/** The list's address with these filters, sort and cursor; defaults are left out. */
export function studioUrl(filter: StudioFilter, sort: StudioSort = 'newest', after: string | null = null): string {
  const params = new URLSearchParams();
  if (filter.visibility) params.set('visibility', filter.visibility);
  if (filter.status) params.set('state', filter.status);
  if (filter.search) params.set('q', filter.search);
  if (sort !== 'newest') params.set('sort', sort);
  if (after) params.set('after', after);
  const query = params.toString();
  return query ? `/studio?${query}` : '/studio';
}

/** What the summary says the action was. */
export function describeAction(action: Pick<BulkAction, 'action' | 'argument'>): string {
  switch (action.action) {
    case 'visibility': return `Make ${action.argument}`;
    case 'add-tag': return `Add the tag “${action.argument}”`;
    case 'remove-tag': return `Remove the tag “${action.argument}”`;
    case 'delete': return 'Delete';
  }
}

function rowsOf(videos: StudioVideo[], storage: Storage) {
  return videos.map((video) => ({ ...video, duration: formatDuration(video.durationSeconds), thumbnails: thumbnailsOf(storage, video) }));
}

export function studioListRoutes({ pool, storage }: RouteDeps) {
  return {
    async showStudio(req: Request, res: Response): Promise<void> {
      const query = parseStudioQuery(req.query);
      if (!query.ok) throw badRequest(query.message);
      const ownerId = req.viewer!.id;
      const { sort, ...filter } = query.value;
      // A cursor that is not one of my videos (deleted since, or never mine) gives the first page.
      const after = query.value.after && (await isOwnVideo(pool, ownerId, query.value.after)) ? query.value.after : null;
      const [rows, totals, bulkActions] = await Promise.all([
        listStudioVideos(pool, ownerId, { ...filter, sort, after, limit: PER_PAGE + 1 }),
        channelTotals(pool, ownerId),
        listRecentBulkActions(pool, ownerId, RECENT_BULK_ACTIONS),
      ]);
      const page = keysetPage(rows, PER_PAGE, (video) => video.publicId);
      const filtered = Boolean(filter.visibility || filter.status || filter.search);
      res.render('studio/list', {
        title: 'Your videos',
        videos: rowsOf(page.items, storage),
        filter: { visibility: filter.visibility ?? '', state: filter.status ?? '', q: filter.search ?? '' },
        sort,
        filtered,
        firstPage: after === null,
        firstPageUrl: studioUrl(filter, sort),
        nextUrl: page.nextAfter ? studioUrl(filter, sort, page.nextAfter) : null,
        totals,
        totalsDays: TOTALS_DAYS,
        bulkActions: bulkActions.map((action) => ({ ...action, description: describeAction(action) })),
        options: { visibilities: VISIBILITIES, states: STATES, actions: ACTION_NAMES, searchMax: SEARCH_MAX },
      });
    },
  };
}
