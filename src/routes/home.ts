import type { Request, Response } from 'express';
import { searchChannels } from '../db/users.js';
import { listPublicVideos } from '../db/videos.js';
import type { RouteDeps } from './deps.js';
import { afterParam } from './pagination.js';
import { cardsOf } from './video-cards.js';

export const VIDEOS_PER_PAGE = 24;
const CHANNEL_RESULTS = 24;
/** Longer queries are cut, not refused: someone pasted a paragraph. */
const MAX_QUERY_CHARS = 200;

export function homeRoutes({ pool, storage }: RouteDeps) {
  return {
    async showHome(req: Request, res: Response): Promise<void> {
      const after = afterParam(req);
      // One more than a page tells whether there is a next page.
      const videos = await listPublicVideos(pool, { after, limit: VIDEOS_PER_PAGE + 1 });
      const page = videos.slice(0, VIDEOS_PER_PAGE);
      res.render('home/index', {
        title: after ? 'Older videos' : 'Home',
        cards: cardsOf(page, storage),
        nextAfter: videos.length > VIDEOS_PER_PAGE ? page.at(-1)!.publicId : null,
        isFirstPage: !after,
      });
    },

    async search(req: Request, res: Response): Promise<void> {
      const raw = typeof req.query.q === 'string' ? req.query.q : '';
      const query = [...raw.replace(/[\u0000-\u001f\u007f]/g, ' ').trim()].slice(0, MAX_QUERY_CHARS).join('');
      if (query === '') return res.redirect(303, '/');
      const channels = await searchChannels(pool, query, CHANNEL_RESULTS);
      res.locals.searchQuery = query;
      res.render('search/results', { title: `${query} - Search`, query, channels });
    },

    favicon(_req: Request, res: Response): void {
      res.redirect(301, '/static/icons/favicon.svg');
    },
  };
}
