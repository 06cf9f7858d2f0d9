import type { Request, Response } from 'express';
import { findUserByHandle } from '../db/users.js';
import { listPublicVideos } from '../db/videos.js';
import { notFound } from '../http/errors.js';
import type { RouteDeps } from './deps.js';
import { VIDEOS_PER_PAGE } from './home.js';
import { afterParam } from './pagination.js';
import { cardsOf } from './video-cards.js';

const HANDLE_IN_URL = /^[a-zA-Z0-9_.-]{1,30}$/;

export function channelRoutes({ pool, storage }: RouteDeps) {
  async function loadChannel(req: Request) {
    const handle = String(req.params.handle ?? '');
    if (!HANDLE_IN_URL.test(handle)) throw notFound('There is no channel with this handle.');
    const channel = await findUserByHandle(pool, handle);
    if (!channel || channel.bannedAt) throw notFound('There is no channel with this handle.');
    return channel;
  }

  return {
    async showChannel(req: Request, res: Response): Promise<void> {
      const channel = await loadChannel(req);
      if (channel.handle !== req.params.handle) return res.redirect(301, `/@${channel.handle}`);
      const after = afterParam(req);
      const videos = await listPublicVideos(pool, { ownerId: channel.id, after, limit: VIDEOS_PER_PAGE + 1 });
      const page = videos.slice(0, VIDEOS_PER_PAGE);
      res.render('channels/show', {
        title: channel.displayName,
        channel,
        tab: 'videos',
        cards: cardsOf(page, storage),
        nextAfter: videos.length > VIDEOS_PER_PAGE ? page.at(-1)!.publicId : null,
        isFirstPage: !after,
      });
    },

    async showAbout(req: Request, res: Response): Promise<void> {
      const channel = await loadChannel(req);
      if (channel.handle !== req.params.handle) return res.redirect(301, `/@${channel.handle}/about`);
      res.render('channels/about', { title: `About ${channel.displayName}`, channel, tab: 'about' });
    },
  };
}
