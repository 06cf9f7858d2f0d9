import type { Request, Response } from 'express';
import { listPublicPlaylistsOfChannel } from '../db/playlist-discovery.js';
import { findChannelBell } from '../db/notification-preferences.js';
import { channelStats, listPopularVideosOfChannel, listPublicVideos } from '../db/video-listings.js';
import { loadedChannel } from '../http/guards.js';
import type { RouteDeps } from './deps.js';
import { VIDEOS_PER_PAGE } from './home.js';
import { afterParam, keysetPage } from './pagination.js';
import { cardsOf } from './video-cards.js';
import { thumbnailsOf } from './video-view.js';

/** Public playlists a page of the channel's tab shows, last updated first. */
export const CHANNEL_PLAYLISTS_PER_PAGE = 24;

export function channelRoutes({ pool, storage }: RouteDeps) {
  /** What every tab's header shows about the loaded channel. */
  async function header(req: Request) {
    const channel = loadedChannel(req);
    const viewer = req.viewer;
    // The subscription's bell says whether the viewer follows the channel: null when not.
    const [stats, bell] = await Promise.all([channelStats(pool, channel.id), viewer ? findChannelBell(pool, viewer.id, channel.id) : Promise.resolve(null)]);
    const description = channel.bio || `Videos by ${channel.displayName} (@${channel.handle}).`;
    return { channel, stats, subscribed: bell !== null, bell, description };
  }

  return {
    async showChannel(req: Request, res: Response): Promise<void> {
      const loaded = await header(req);
      const sort = req.query.sort === 'popular' ? 'popular' : 'newest';
      const after = afterParam(req);
      const videos = sort === 'popular'
        ? await listPopularVideosOfChannel(pool, loaded.channel.id, { after, limit: VIDEOS_PER_PAGE + 1 })
        : await listPublicVideos(pool, { ownerId: loaded.channel.id, after, limit: VIDEOS_PER_PAGE + 1 });
      const page = keysetPage(videos, VIDEOS_PER_PAGE, (v) => v.publicId);
      res.render('channels/show', {
        title: loaded.channel.displayName,
        ...loaded,
        tab: 'videos',
        sort,
        cards: cardsOf(page.items, storage),
        nextAfter: page.nextAfter,
        isFirstPage: !after,
      });
    },

    /** GET /@:handle/playlists — its public playlists, last updated first, a page at a time (?after=<playlist id>). */
    async showPlaylists(req: Request, res: Response): Promise<void> {
      const loaded = await header(req);
      const after = afterParam(req);
      const rows = await listPublicPlaylistsOfChannel(pool, loaded.channel.id, { after, limit: CHANNEL_PLAYLISTS_PER_PAGE + 1 });
      const page = keysetPage(rows, CHANNEL_PLAYLISTS_PER_PAGE, (p) => p.publicId);
      const playlists = page.items.map((p) => ({ ...p, thumbnails: p.cover ? thumbnailsOf(storage, p.cover) : null }));
      res.render('channels/playlists', {
        title: `${loaded.channel.displayName}: playlists`, ...loaded, tab: 'playlists', playlists, nextAfter: page.nextAfter, isFirstPage: !after,
      });
    },

    async showAbout(req: Request, res: Response): Promise<void> {
      const loaded = await header(req);
      res.render('channels/about', { title: `About ${loaded.channel.displayName}`, ...loaded, tab: 'about' });
    },
  };
}
