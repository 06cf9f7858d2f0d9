import type { Request, Response } from 'express';
import { searchChannels, searchVideos } from '../db/search.js';
import { SEARCH_DURATIONS, SEARCH_QUERY_MAX_CHARS, SEARCH_RESULTS_MAX, SEARCH_SORTS, SEARCH_UPLOADED, pick, searchWords } from '../forms/search.js';
import { searchPlaylists } from '../db/playlist-discovery.js';
import { listPopularVideos } from '../db/popular-videos.js';
import { listPublicVideos } from '../db/video-listings.js';
import { highlight } from '../http/html.js';
import type { SiteSettings } from '../settings/site-settings.js';
import type { RouteDeps } from './deps.js';
import { afterParam, keysetPage } from './pagination.js';
import { cardsOf } from './video-cards.js';
import { thumbnailsOf } from './video-view.js';

export const VIDEOS_PER_PAGE = 24;
const POPULAR_ON_HOME = 8;
const CHANNELS_ABOVE_RESULTS = 3;
/**
 * Playlists whose title matches, on the first page only and without a duration or upload-date
 * filter (those describe videos): one more statement for such a search, none for the others.
 */
const PLAYLISTS_IN_RESULTS = 3;
/** Where they sit among the video results: after the first row of videos or so, as YouTube puts them. */
const PLAYLISTS_AFTER_VIDEOS = 4;
const RESULTS_PER_PAGE = 20;
const MAX_SEARCH_PAGE = SEARCH_RESULTS_MAX / RESULTS_PER_PAGE;

export function homeRoutes({ pool, storage, config }: RouteDeps) {
  return {
    async showHome(req: Request, res: Response): Promise<void> {
      const after = afterParam(req);
      // One more than a page tells whether there is a next page.
      const [videos, popularVideos] = await Promise.all([
        listPublicVideos(pool, { after, limit: VIDEOS_PER_PAGE + 1 }),
        // Worked out every minute by a worker (src/jobs/handlers/popular-videos.ts); here only read.
        after ? Promise.resolve([]) : listPopularVideos(pool, 'week', POPULAR_ON_HOME),
      ]);
      const page = keysetPage(videos, VIDEOS_PER_PAGE, (v) => v.publicId);
      res.render('home/index', {
        title: after ? 'Older videos' : 'Home',
        description: (res.locals.site as SiteSettings).siteDescription || `The latest and most watched videos on ${String(res.locals.siteName)}.`,
        cards: cardsOf(page.items, storage),
        popular: cardsOf(popularVideos, storage),
        nextAfter: page.nextAfter,
        isFirstPage: !after,
      });
    },

    async search(req: Request, res: Response): Promise<void> {
      const raw = typeof req.query.q === 'string' ? req.query.q : '';
      const query = [...searchWords(raw)].slice(0, SEARCH_QUERY_MAX_CHARS).join('');
      if (query === '') return res.redirect(303, '/');
      const sort = pick(req.query.sort, SEARCH_SORTS) ?? 'relevance';
      const duration = pick(req.query.duration, SEARCH_DURATIONS);
      const uploaded = pick(req.query.uploaded, SEARCH_UPLOADED);
      const pageNumber = Math.min(MAX_SEARCH_PAGE, Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1));
      const withPlaylists = pageNumber === 1 && !duration && !uploaded;
      const [channels, hits, playlists] = await Promise.all([
        pageNumber === 1 ? searchChannels(pool, query, CHANNELS_ABOVE_RESULTS) : Promise.resolve([]),
        searchVideos(pool, { query, sort, duration, uploaded, offset: (pageNumber - 1) * RESULTS_PER_PAGE, limit: RESULTS_PER_PAGE + 1 }),
        withPlaylists ? searchPlaylists(pool, { query, limit: PLAYLISTS_IN_RESULTS }) : Promise.resolve([]),
      ]);
      const page = hits.slice(0, RESULTS_PER_PAGE);
      const cards = cardsOf(page, storage).map((card, i) => ({ ...card, titleHtml: highlight(page[i]!.titleHighlighted), snippetHtml: highlight(page[i]!.snippet) }));
      const playlistCards = playlists.map((p) => ({ ...p, thumbnails: p.cover ? thumbnailsOf(storage, p.cover) : null }));
      const params = (overrides: Record<string, string | number | null>) => {
        const p = new URLSearchParams({ q: query });
        const all = { sort: sort === 'relevance' ? null : sort, duration, uploaded, ...overrides };
        for (const [k, v] of Object.entries(all)) if (v !== null && v !== undefined) p.set(k, String(v));
        return `/search?${p.toString()}`;
      };
      res.locals.searchQuery = query;
      res.render('search/results', {
        title: `${query} - Search`,
        description: `Videos, channels and playlists about “${query}” on ${String(res.locals.siteName)}.`,
        query, sort, duration, uploaded, channels, cards, playlistCards, playlistsAfter: Math.min(PLAYLISTS_AFTER_VIDEOS, cards.length),
        pageNumber,
        previousUrl: pageNumber > 1 ? params({ page: pageNumber - 1 }) : null,
        nextUrl: hits.length > RESULTS_PER_PAGE && pageNumber < MAX_SEARCH_PAGE ? params({ page: pageNumber + 1 }) : null,
      });
    },

    favicon(_req: Request, res: Response): void {
      res.redirect(301, '/static/icons/favicon.svg');
    },
  };
}
