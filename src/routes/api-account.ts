import type { Request, Response } from 'express';
import { channelJson } from '../api/channel-json.js';
import { apiPage, parsePageParams, readCursor } from '../api/pages.js';
import { kindsOf, listNotifications, parseNotificationCursor, type ListedNotification } from '../db/notification-listing.js';
import { listSubscriptions, parseSubscriptionCursor, type Subscription } from '../db/subscriptions.js';
import { unprocessable } from '../http/errors.js';
import type { RouteDeps } from './deps.js';
import { describeFor, stillAvailable } from './notifications.js';


/**
 * The signed-in account's own lists through the API (issue 15): whom it follows, and its
 * notifications as /notifications describes them. The caller is in every query's WHERE clause.
 */
export function apiAccountRoutes({ pool, storage, config }: RouteDeps) {
  const absolute = (path: string) => new URL(path, config.publicUrl).href;

  return {
    /** GET /api/v1/me/subscriptions — the channels I follow, last followed first, each with its bell. */
    async subscriptions(req: Request, res: Response): Promise<void> {
      const { limit, cursor } = parsePageParams(req);
      const after = readCursor(cursor, parseSubscriptionCursor);
      const rows = await listSubscriptions(pool, req.viewer!.id, { after, limit: limit + 1 });
      res.set('Cache-Control', 'private, no-store').json(apiPage(req, config.publicUrl, rows, limit, (s) => s.cursor, (s: Subscription) => ({
        channel: channelJson(s.channel, storage, config.publicUrl),
        bell: s.notify === 'all',
        subscribedAt: s.subscribedAt.toISOString(),
      })));
    },

    /**
     * GET /api/v1/me/notifications — mine, last updated first (`?unread=true`: only those not yet
     * read), each said as the list says it (describeFor: one no longer available names nothing).
     * Reading them here marks nothing read: the list's links do that.
     */
    async notifications(req: Request, res: Response): Promise<void> {
      const { limit, cursor } = parsePageParams(req);
      const unread = req.query.unread;
      if (unread !== undefined && unread !== 'true' && unread !== 'false') throw unprocessable({ unread: 'unread must be true or false.' });
      const after = readCursor(cursor, parseNotificationCursor);
      const viewer = req.viewer!;
      const rows = await listNotifications(pool, viewer.id, { kinds: kindsOf('all'), after, limit: limit + 1, unreadOnly: unread === 'true' });
      res.set('Cache-Control', 'private, no-store').json(apiPage(req, config.publicUrl, rows, limit, (n) => n.cursor, (n: ListedNotification) => {
        const available = stillAvailable(viewer, n);
        const said = describeFor(viewer, n);
        return {
          id: String(n.id),
          kind: n.kind,
          text: said.text,
          quote: said.quote,
          url: said.path ? absolute(said.path) : null,
          available,
          read: n.readAt !== null,
          readAt: n.readAt?.toISOString() ?? null,
          actor: available && n.actorHandle ? { handle: n.actorHandle, displayName: n.actorName ?? n.actorHandle, url: absolute(`/@${n.actorHandle}`) } : null,
          actorCount: n.actorCount,
          video: available ? (n.video?.publicId ?? null) : null,
          createdAt: n.createdAt.toISOString(),
          updatedAt: n.updatedAt.toISOString(),
        };
      }));
    },
  };
}
