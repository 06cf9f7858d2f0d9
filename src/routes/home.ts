import type { Request, Response } from 'express';
import { listNewestChannels, searchChannels } from '../db/users.js';
import type { RouteDeps } from './deps.js';

const NEWEST_CHANNELS_ON_HOME = 12;
const CHANNEL_RESULTS = 24;
/** Longer queries are cut, not refused: someone pasted a paragraph. */
const MAX_QUERY_CHARS = 200;

export function homeRoutes({ pool }: RouteDeps) {
  return {
    async showHome(_req: Request, res: Response): Promise<void> {
      const channels = await listNewestChannels(pool, NEWEST_CHANNELS_ON_HOME);
      res.render('home/index', { title: 'Home', channels });
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
