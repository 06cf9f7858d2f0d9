import type { Request, Response } from 'express';
import { can } from '../auth/permissions.js';
import { rateVideo, type Rating } from '../db/ratings.js';
import { listFollowedChannels, subscribe, unsubscribe } from '../db/subscriptions.js';
import { findUserByHandle } from '../db/users.js';
import { listSubscriptionFeed } from '../db/videos.js';
import { recordView } from '../db/views.js';
import { field } from '../forms/fields.js';
import { badRequest, forbidden, notFound } from '../http/errors.js';
import { backTo } from '../http/next.js';
import { isValidViewToken, viewerKey } from '../http/viewer-key.js';
import { prefersJson } from '../http/negotiation.js';
import type { RouteDeps } from './deps.js';
import { VIDEOS_PER_PAGE } from './home.js';
import { loadVisibleVideo } from './load-video.js';
import { afterParam } from './pagination.js';
import { cardsOf } from './video-cards.js';

const FOLLOWED_LIST_LIMIT = 200;

export function engagementRoutes({ pool, storage, secret, pageCache }: RouteDeps) {
  return {
    /** POST /watch/:id/rate — like, dislike, or take it back (value=none); a form post, or JSON for the script. */
    async rate(req: Request, res: Response): Promise<void> {
      const value = field(req.body, 'value');
      if (!['like', 'dislike', 'none'].includes(value)) throw badRequest('Rate with like, dislike or none.');
      const video = await loadVisibleVideo(pool, req);
      if (!can(req.viewer, 'video.rate')) throw forbidden('Your account may not rate videos.');
      if (video.status !== 'ready') throw notFound('This video does not exist, or it has been removed.');
      const rating: Rating = value === 'none' ? null : (value as Rating);
      const counts = await rateVideo(pool, req.viewer!.id, video.id, rating);
      // Only counts change for signed-out visitors: kept pages stay (a loop of likes must not empty the cache).
      pageCache.keepPages(res);
      if (prefersJson(req)) return void res.json({ rating, ...counts });
      res.redirect(303, `/watch/${video.publicId}`);
    },

    /** POST /watch/:id/view — sent by the player after 10 s of watching (or half a short video). */
    async view(req: Request, res: Response): Promise<void> {
      // The token first, as the CSRF check would come first for any other form.
      if (!isValidViewToken(secret, String(req.params.id ?? ''), field(req.body, 'token') || req.get('x-view-token'))) {
        throw forbidden('This form has expired or did not come from this site. Go back, reload the page and try again.');
      }
      const video = await loadVisibleVideo(pool, req);
      if (video.status !== 'ready') throw notFound('This video does not exist, or it has been removed.');
      const counted = await recordView(pool, video.id, viewerKey(req, secret));
      pageCache.keepPages(res);
      res.status(counted ? 201 : 200).json({ counted });
    },

    async subscribe(req: Request, res: Response): Promise<void> {
      const channel = await findUserByHandle(pool, String(req.params.handle ?? ''));
      if (!channel || channel.bannedAt) throw notFound('There is no channel with this handle.');
      if (!can(req.viewer, 'channel.subscribe')) throw forbidden('Your account may not subscribe to channels.');
      if (channel.id === req.viewer!.id) throw forbidden('You cannot subscribe to your own channel.');
      await subscribe(pool, req.viewer!.id, channel.id);
      pageCache.keepPages(res);
      if (prefersJson(req)) return void res.json({ subscribed: true });
      res.redirect(303, backTo(req, `/@${channel.handle}`));
    },

    async unsubscribe(req: Request, res: Response): Promise<void> {
      const channel = await findUserByHandle(pool, String(req.params.handle ?? ''));
      if (!channel) throw notFound('There is no channel with this handle.');
      await unsubscribe(pool, req.viewer!.id, channel.id);
      pageCache.keepPages(res);
      if (prefersJson(req)) return void res.json({ subscribed: false });
      res.redirect(303, backTo(req, `/@${channel.handle}`));
    },

    /** GET /feed/subscriptions — the newest videos of the channels I follow. */
    async subscriptionFeed(req: Request, res: Response): Promise<void> {
      const after = afterParam(req);
      const [videos, channels] = await Promise.all([
        listSubscriptionFeed(pool, req.viewer!.id, { after, limit: VIDEOS_PER_PAGE + 1 }),
        listFollowedChannels(pool, req.viewer!.id, FOLLOWED_LIST_LIMIT),
      ]);
      const page = videos.slice(0, VIDEOS_PER_PAGE);
      res.render('feed/subscriptions', {
        title: 'Subscriptions',
        cards: cardsOf(page, storage),
        channels,
        nextAfter: videos.length > VIDEOS_PER_PAGE ? page.at(-1)!.publicId : null,
        isFirstPage: !after,
      });
    },
  };
}
