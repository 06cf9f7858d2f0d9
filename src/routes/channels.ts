import type { Request, Response } from 'express';
import { can } from '../auth/permissions.js';
import { isSubscribed } from '../db/subscriptions.js';
import { findUserByHandle } from '../db/users.js';
import { channelStats, listPopularVideosOfChannel, listPublicVideos } from '../db/videos.js';
import { notFound } from '../http/errors.js';
import type { RouteDeps } from './deps.js';
import { VIDEOS_PER_PAGE } from './home.js';
import { afterParam } from './pagination.js';
import { cardsOf } from './video-cards.js';

const HANDLE_IN_URL = /^[a-zA-Z0-9_.-]{1,30}$/;

export function channelRoutes({ pool, storage }: RouteDeps) {
  /** The channel named in the URL with what its header shows; redirects to the canonical handle. */
  async function loadChannel(req: Request, res: Response, suffix: string) {
    const handle = String(req.params.handle ?? '');
    if (!HANDLE_IN_URL.test(handle)) throw notFound('There is no channel with this handle.');
    const channel = await findUserByHandle(pool, handle);
    if (!channel || channel.bannedAt) throw notFound('There is no channel with this handle.');
    if (channel.handle !== handle) {
      res.redirect(301, `/@${channel.handle}${suffix}`);
      return null;
    }
    const viewer = req.viewer;
    const [stats, subscribed] = await Promise.all([channelStats(pool, channel.id), viewer ? isSubscribed(pool, viewer.id, channel.id) : Promise.resolve(false)]);
    return { channel, stats, subscribed, canSubscribe: can(viewer, 'channel.subscribe') && viewer!.id !== channel.id };
  }

  return {
    async showChannel(req: Request, res: Response): Promise<void> {
      const loaded = await loadChannel(req, res, '');
      if (!loaded) return;
      const sort = req.query.sort === 'popular' ? 'popular' : 'newest';
      const after = afterParam(req);
      const videos = sort === 'popular'
        ? await listPopularVideosOfChannel(pool, loaded.channel.id, { after, limit: VIDEOS_PER_PAGE + 1 })
        : await listPublicVideos(pool, { ownerId: loaded.channel.id, after, limit: VIDEOS_PER_PAGE + 1 });
      const page = videos.slice(0, VIDEOS_PER_PAGE);
      res.render('channels/show', {
        title: loaded.channel.displayName,
        ...loaded,
        tab: 'videos',
        sort,
        cards: cardsOf(page, storage),
        nextAfter: videos.length > VIDEOS_PER_PAGE ? page.at(-1)!.publicId : null,
        isFirstPage: !after,
      });
    },

    async showPlaylists(req: Request, res: Response): Promise<void> {
      const loaded = await loadChannel(req, res, '/playlists');
      if (!loaded) return;
      res.render('channels/playlists', { title: `${loaded.channel.displayName}: playlists`, ...loaded, tab: 'playlists' });
    },

    async showAbout(req: Request, res: Response): Promise<void> {
      const loaded = await loadChannel(req, res, '/about');
      if (!loaded) return;
      res.render('channels/about', { title: `About ${loaded.channel.displayName}`, ...loaded, tab: 'about' });
    },
  };
}
