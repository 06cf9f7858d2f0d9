import type { Request, Response } from 'express';
import type { Viewer } from '../auth/permissions.js';
import { findOwnNotification, kindsOf, listNotifications, markNotificationRead, markNotificationsRead, type ListedNotification } from '../db/notification-listing.js';
import type { NotificationView } from '../db/notification-views.js';
import { timeAgo } from '../format.js';
import { FILTER_LABELS, LIST_FILTERS, listUrl, parseListPlace, parseMarkAll, parseNotificationId, returnFilter } from '../forms/notifications.js';
import { badRequest, notFound } from '../http/errors.js';
import { safeNextPath } from '../http/next.js';
import { bellCount } from '../notifications/bell.js';
import { describeNotification, type Described } from '../notifications/describe.js';
import { isKindFor } from '../notifications/access.js';
import type { RouteDeps } from './deps.js';
import { keysetPage } from './pagination.js';

export const NOTIFICATIONS_PER_PAGE = 20;

/**
 * Whether the viewer may still see what a notification is about: what it points to (the view's
 * `available`, asked of the database for its reader), and for a kind offered only with a
 * permission (new reports: report.handle), that the viewer still holds it. A moderator who lost
 * the role sees "no longer available", not the report.
 */
export function stillAvailable(viewer: Viewer, view: NotificationView): boolean {
  return view.available && isKindFor(viewer, view.kind);
}

/** What the list and the open link say of a notification, for this viewer. */
export function describeFor(viewer: Viewer, view: NotificationView): Described {
  if (view.available && !stillAvailable(viewer, view)) return { text: 'This notification is no longer available to you.', path: null, quote: null };
  return describeNotification(view);
}

/**
 * The notifications of the signed-in viewer (issue 14, item 1): the list with its filters and
 * pages, the bell's count for its script, and marking read. Every query names the viewer as the
 * reader: another person's notification is a 404, whatever its id.
 */
export function notificationRoutes({ pool, now }: RouteDeps) {
  return {
    /** GET /notifications — newest first, a page at a time (?after=), one filter (?filter=). */
    async list(req: Request, res: Response): Promise<void> {
      const parsed = parseListPlace(req.query);
      if (!parsed.ok) throw badRequest(parsed.message);
      const { filter, after } = parsed.place;
      const viewer = req.viewer!;
      const rows = await listNotifications(pool, viewer.id, { kinds: kindsOf(filter), after, limit: NOTIFICATIONS_PER_PAGE + 1 });
      const page = keysetPage(rows, NOTIFICATIONS_PER_PAGE, (n) => n.cursor);
      const at = now().getTime();
      res.render('notifications/list', {
        title: 'Notifications',
        filter,
        filters: LIST_FILTERS.map((f) => ({ value: f, label: FILTER_LABELS[f], href: listUrl(f) })),
        items: page.items.map((n: ListedNotification) => ({
          id: n.id,
          unread: n.readAt === null,
          available: stillAvailable(viewer, n),
          ...describeFor(viewer, n),
          updatedAt: n.updatedAt,
          ago: timeAgo(n.updatedAt, at),
        })),
        // The newest time shown: "mark all as read" leaves what came after it unread.
        upTo: after === null && page.items[0] ? page.items[0].cursor.split('-')[0] : '',
        unreadShown: page.items.some((n) => n.readAt === null),
        nextHref: page.nextAfter ? listUrl(filter, page.nextAfter) : null,
        firstHref: after ? listUrl(filter) : null,
      });
    },

    /** GET /notifications/unread.json — the bell's count for its script; never kept by a cache. */
    unread(req: Request, res: Response): void {
      const unread = req.viewer!.unread ?? 0;
      res.set('Cache-Control', 'no-store');
      res.json({ unread, ...bellCount(unread) });
    },

    /**
     * GET /notifications/:id/open — following a notification from the list: marks it read and
     * goes where it leads (a path of this site), or back to the list when it leads nowhere now.
     * A GET, so that the link is a link (open in a new tab, copy); it changes only the
     * viewer's own read mark.
     */
    async open(req: Request, res: Response): Promise<void> {
      const id = parseNotificationId(req.params.id);
      if (id === null) throw notFound();
      const view = await findOwnNotification(pool, req.viewer!.id, id);
      if (!view) throw notFound();
      await markNotificationRead(pool, req.viewer!.id, id);
      const path = describeFor(req.viewer!, view).path;
      res.redirect(303, path ? safeNextPath(path, '/notifications') : '/notifications');
    },

    /** POST /notifications/:id/read — marks one of mine read; back to the list (its filter). */
    async markRead(req: Request, res: Response): Promise<void> {
      const id = parseNotificationId(req.params.id);
      if (id === null || !(await markNotificationRead(pool, req.viewer!.id, id))) throw notFound();
      res.redirect(303, listUrl(returnFilter(req.body)));
    },

    /** POST /notifications/read-all — marks all of mine (of one filter) read; back to the list. */
    async markAll(req: Request, res: Response): Promise<void> {
      const parsed = parseMarkAll(req.body);
      if (!parsed.ok) throw badRequest(parsed.message);
      await markNotificationsRead(pool, req.viewer!.id, kindsOf(parsed.filter), parsed.upTo);
      res.redirect(303, listUrl(parsed.filter));
    },
  };
}
