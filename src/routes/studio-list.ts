import type { Request, Response } from 'express';
import { listRecentBulkActions, type BulkAction } from '../db/bulk-actions.js';
import { TOTALS_DAYS, channelTotals, type ChannelTotals, isOwnVideo, listStudioVideos, type StudioFilter, type StudioSort, type StudioVideo } from '../db/studio-videos.js';
import { formatDuration, formatNumber } from '../format.js';
import { SEARCH_MAX, STATES, parseStudioQuery } from '../forms/studio.js';
import { VISIBILITIES } from '../forms/upload.js';
import { badRequest } from '../http/errors.js';
import type { Storage } from '../media/index.js';
import type { RouteDeps } from './deps.js';
import { findUploadAllowance, type UploadAllowance } from './upload-allowance.js';
import { keysetPage } from './pagination.js';
import { thumbnailsOf } from './video-view.js';

// The studio's list of my videos (issue 10, item 1) and the form of its bulk actions (item 7,
// handled in studio-bulk.ts).

const PER_PAGE = 50;
/** Bulk actions of the last day shown above the list, running ones with their progress. */
const RECENT_BULK_ACTIONS = 5;
/**
 * How long a channel's 28-day totals are kept in this process: counting the views not rolled up
 * yet joins the site's last hour or two of views (7–20 ms with 20,000 of them and 10,000 videos in
 * the channel), and a creator going through pages of the list needs them once, not per page. A
 * minute behind is nothing in a 28-day figure.
 */
const TOTALS_KEPT_MS = 60_000;
/** Channels whose totals are kept at most; past it the store starts again empty. */
const TOTALS_KEPT_MAX = 10_000;

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
  return videos.map((video) => ({
    ...video,
    duration: formatDuration(video.durationSeconds),
    thumbnails: thumbnailsOf(storage, video),
    counts: { views: formatNumber(video.viewCount), likes: formatNumber(video.likeCount), dislikes: formatNumber(video.dislikeCount), comments: formatNumber(video.commentCount) },
  }));
}

export function studioListRoutes({ pool, storage, settings }: RouteDeps) {
  // The storage used against the quota is kept with the totals: a figure to read, a minute old
  // at most; uploads are judged by the limits and usage of their own request (upload-limits.ts).
  const kept = new Map<number, { totals: ChannelTotals & { storage: UploadAllowance }; until: number }>();
  async function totalsOf(ownerId: number): Promise<ChannelTotals & { storage: UploadAllowance }> {
    const now = Date.now();
    const hit = kept.get(ownerId);
    if (hit && hit.until > now) return hit.totals;
    const [channel, allowance] = await Promise.all([channelTotals(pool, ownerId), findUploadAllowance(pool, settings, ownerId)]);
    const totals = { ...channel, storage: allowance };
    if (kept.size >= TOTALS_KEPT_MAX) kept.clear();
    kept.set(ownerId, { totals, until: now + TOTALS_KEPT_MS });
    return totals;
  }

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
        totalsOf(ownerId),
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
        totals: { views: formatNumber(totals.views), newSubscribers: formatNumber(totals.newSubscribers), storage: totals.storage },
        totalsDays: TOTALS_DAYS,
        bulkActions: bulkActions.map((action) => ({ ...action, description: describeAction(action) })),
        options: { visibilities: VISIBILITIES, states: STATES, searchMax: SEARCH_MAX },
      });
    },
  };
}
