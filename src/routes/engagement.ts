import type { Request, Response } from 'express';
import { rateVideo, type Rating } from '../db/ratings.js';
import { listFollowedChannels, subscribe, unsubscribe } from '../db/subscriptions.js';
import { listSubscriptionFeed } from '../db/video-listings.js';
import { recordView } from '../db/views.js';
import { field } from '../forms/fields.js';
import { badRequest, forbidden } from '../http/errors.js';
import { loadedChannel, loadedVideo } from '../http/guards.js';
import { backTo } from '../http/next.js';
import { isValidViewToken, viewerKey } from '../http/viewer-key.js';
import { classifyReferrer } from '../http/view-source.js';
import { prefersJson } from '../http/negotiation.js';
import type { RouteDeps } from './deps.js';
import { VIDEOS_PER_PAGE } from './home.js';
import { afterParam, keysetPage } from './pagination.js';
import { cardsOf } from './video-cards.js';
import { tellerOf } from '../notifications/tell.js';

const FOLLOWED_LIST_LIMIT = 200;

export function engagementRoutes(deps: RouteDeps) {
  const { config, pool, storage, secret } = deps;
  const tell = tellerOf(deps);
  return {
    /** POST /watch/:id/rate — like, dislike, or take it back (value=none); a form post, or JSON for the script. */
    async rate(req: Request, res: Response): Promise<void> {
      const value = field(req.body, 'value');
      if (!['like', 'dislike', 'none'].includes(value)) throw badRequest('Rate with like, dislike or none.');
      const video = loadedVideo(req);
      const rating: Rating = value === 'none' ? null : (value as Rating);
      const counts = await rateVideo(pool, req.viewer!.id, video.id, rating);
      if (prefersJson(req)) return void res.json({ rating, ...counts });
      res.redirect(303, `/watch/${video.publicId}`);
    },

    /**
     * POST /watch/:id/view — sent by the player after 10 s of watching (or half a short video).
     * Its token is checked before the video is loaded, as the CSRF check would come first for
     * any other form (route table: checkViewToken, loadVideo, view).
     */
    checkViewToken(req: Request, _res: Response, next: () => void): void {
      if (!isValidViewToken(secret, String(req.params.id ?? ''), field(req.body, 'token') || req.get('x-view-token'))) {
        throw forbidden('This form has expired or did not come from this site. Go back, reload the page and try again.');
      }
      next();
    },

    async view(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const counted = await recordView(pool, video.id, {
        viewerKey: viewerKey(req, secret),
        viewerId: req.viewer?.id ?? null,
        source: classifyReferrer(field(req.body, 'referrer'), config.publicUrl),
      });
      res.status(counted ? 201 : 200).json({ counted });
    },

    async subscribe(req: Request, res: Response): Promise<void> {
      const channel = loadedChannel(req);
      await subscribe(pool, req.viewer!.id, channel.id, tell);
      if (prefersJson(req)) return void res.json({ subscribed: true });
      res.redirect(303, backTo(req, `/@${channel.handle}`));
    },

    async unsubscribe(req: Request, res: Response): Promise<void> {
      const channel = loadedChannel(req);
      await unsubscribe(pool, req.viewer!.id, channel.id);
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
      const page = keysetPage(videos, VIDEOS_PER_PAGE, (v) => v.publicId);
      res.render('feed/subscriptions', {
        title: 'Subscriptions',
        cards: cardsOf(page.items, storage),
        channels,
        nextAfter: page.nextAfter,
        isFirstPage: !after,
      });
    },
  };
}
