import type { Request, Response } from 'express';
import { listOpenReportItems, parseQueueCursor, type QueueItem } from '../db/report-queue.js';
import { firstCharacters, timeAgo } from '../format.js';
import { isReportReason, reasonOfSeverity, REPORT_REASONS, reportReasonLabel, type ReportKind } from '../forms/report.js';
import { badRequest } from '../http/errors.js';
import type { RouteDeps } from './deps.js';
import { commentLink } from './comment-places.js';
import { keysetPage } from './pagination.js';

export const QUEUE_PER_PAGE = 50;
const KINDS: readonly ReportKind[] = ['video', 'comment', 'channel'];
/** How much of a reported comment the queue quotes, in characters. */
const QUOTE_MAX = 120;

/** `?kind=` and `?reason=`: empty or absent is "all"; anything else not in the list is a 400. */
function filterParam<T extends string>(value: unknown, accept: (v: string) => v is T, name: string): T | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || !accept(value)) throw badRequest(`Choose a ${name} from the list.`);
  return value;
}

const isKind = (v: string): v is ReportKind => (KINDS as readonly string[]).includes(v);

function shownItem(item: QueueItem) {
  let thing: { name: string; href: string } | null = null;
  if (item.kind === 'video' && item.video) thing = { name: item.video.title, href: `/watch/${item.video.publicId}` };
  if (item.kind === 'comment' && item.comment && item.video) thing = { name: firstCharacters(item.comment.body, QUOTE_MAX), href: commentLink(item.video.publicId, item.comment) };
  if (item.kind === 'channel') thing = { name: `${item.owner.displayName} (@${item.owner.handle})`, href: `/@${item.owner.handle}` };
  return { ...item, reasonLabel: reportReasonLabel(reasonOfSeverity(item.severity)), waiting: timeAgo(item.firstReportedAt), thing, claimedAgo: item.claim ? timeAgo(item.claim.at) : null };
}

/**
 * GET /admin/reports (issue 13, item 2; permission report.handle): the queue of open report
 * items, gravest first, then the most reported, then the longest waiting, filtered by kind and
 * by reason (an item's gravest), 50 a page by keyset, each with who claimed it. Claims, the item
 * page and its actions: src/routes/report-items.ts.
 */
export function adminReportRoutes({ pool }: RouteDeps) {
  return {
    async showQueue(req: Request, res: Response): Promise<void> {
      const kind = filterParam(req.query.kind, isKind, 'kind');
      const reason = filterParam(req.query.reason, isReportReason, 'reason');
      const after = parseQueueCursor(req.query.after);
      const rows = await listOpenReportItems(pool, { kind, severity: reason ? REPORT_REASONS[reason].severity : null }, { after, limit: QUEUE_PER_PAGE + 1 });
      const page = keysetPage(rows, QUEUE_PER_PAGE, (i) => i.cursor);
      const filters = new URLSearchParams({ ...(kind ? { kind } : {}), ...(reason ? { reason } : {}) }).toString();
      res.render('admin/reports', {
        title: 'Reports',
        items: page.items.map(shownItem),
        kinds: KINDS,
        reasons: REPORT_REASONS,
        chosen: { kind: kind ?? '', reason: reason ?? '' },
        firstPage: `/admin/reports${filters ? `?${filters}` : ''}`,
        nextPage: page.nextAfter ? `/admin/reports?${filters ? `${filters}&` : ''}after=${page.nextAfter}` : null,
        isFirstPage: after === null,
      });
    },
  };
}
