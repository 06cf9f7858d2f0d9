import type { NextFunction, Request, Response } from 'express';
import { apiPage, matching, parsePageParams, readCursor, type PageParams } from '../api/pages.js';
import { channelJson } from '../api/channel-json.js';
import { videoJson, videoSummaryJson } from '../api/video-json.js';
import { searchVideos } from '../db/search.js';
import { isOwnVideo, listStudioVideos, type StudioFilter, type StudioSort } from '../db/studio-videos.js';
import { listPopularVideosOfChannel, listPublicVideos } from '../db/video-listings.js';
import { listVideoFiles } from '../db/video-files.js';
import { findVideoByPublicId, type VideoWithOwner } from '../db/videos.js';
import { length } from '../forms/fields.js';
import { parseStudioQuery } from '../forms/studio.js';
import { SEARCH_DURATIONS, SEARCH_QUERY_MAX_CHARS, SEARCH_RESULTS_MAX, SEARCH_SORTS, SEARCH_UPLOADED, pick, searchWords } from '../forms/search.js';
import { HttpError, notFound, unprocessable } from '../http/errors.js';
import { loadedChannel, loadedVideo } from '../http/guards.js';
import type { RouteDeps } from './deps.js';
import { PUBLIC_ID_PATTERN } from './public-id.js';
import { editValuesOf, editVideoDetails, removeVideo } from './video-changes.js';

// The videos and channels of the JSON API (issue 15, item 2): the site's listings, search and
// the studio's edit and delete, through the same db functions, predicates and form parser as
// the pages. Loading and authorizing are the route table's steps (src/routes/index.ts).

/** The fields PATCH /videos/:id reads: the studio edit form's (src/forms/video-edit.ts). */
export const EDIT_FIELDS = ['title', 'description', 'tags', 'visibility', 'category', 'language', 'publishDate', 'publishTime', 'timeZone'] as const;
const CHANNEL_SORTS = ['newest', 'popular'] as const;
const OFFSET_CURSOR = /^\d{1,4}$/;
const STUDIO_QUERY_FIELDS = ['visibility', 'state', 'q', 'sort'] as const;

/**
 * A change's fields over the video's current values (those not sent keep theirs), as the edit
 * form would post them: `tags` may also be a list, `category` and `language` null for none.
 * A field of another type is refused rather than read as empty.
 */
function mergedEdit(video: VideoWithOwner, body: Record<string, unknown>): Record<string, string> {
  const values = editValuesOf(video);
  const errors: Record<string, string> = {};
  for (const name of EDIT_FIELDS) {
    if (!Object.hasOwn(body, name)) continue;
    const value = body[name];
    if (typeof value === 'string') values[name] = value;
    else if (value === null && (name === 'category' || name === 'language')) values[name] = '';
    else if (name === 'tags' && Array.isArray(value) && value.every((tag) => typeof tag === 'string')) values[name] = value.join(', ');
    else errors[name] = name === 'tags' ? 'tags must be a list of strings, or one string of tags separated by commas.' : `${name} must be a string.`;
  }
  if (Object.keys(errors).length > 0) throw unprocessable(errors);
  return values;
}

/** A video listing's cursor: the last video's public id. */
const videoCursor = (page: PageParams) => readCursor(page.cursor, matching(PUBLIC_ID_PATTERN));

/** A single query parameter: absent is null, repeated (an array) is refused. */
function one(req: Request, name: string): string | null {
  const value = req.query[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw unprocessable({ [name]: `Give ${name} once.` });
  return value;
}

/** `?name=` when it is one of `allowed`, `fallback` when absent; anything else is a 422 naming the choices. */
function choice<T extends string>(req: Request, name: string, allowed: readonly T[], fallback: T | null): T | null {
  const value = one(req, name);
  if (value === null || value === '') return fallback;
  const picked = pick(value, allowed);
  if (!picked) throw unprocessable({ [name]: `${name} must be one of ${allowed.join(', ')}.` });
  return picked;
}

/**
 * The studio list's filters and order (`visibility`, `state`, `q`, `sort`), read by its own
 * parser (parseStudioQuery); a refused one is a 422 under its own name, each read alone to find it.
 */
function studioQuery(req: Request): StudioFilter & { sort: StudioSort } {
  const query = parseStudioQuery(req.query);
  if (query.ok) return query.value;
  const errors: Record<string, string> = {};
  for (const name of STUDIO_QUERY_FIELDS) {
    const alone = parseStudioQuery({ [name]: req.query[name] });
    if (!alone.ok) errors[name] = alone.message;
  }
  throw unprocessable(Object.keys(errors).length > 0 ? errors : { q: query.message });
}

export function apiVideoRoutes({ pool, storage, queue, config }: RouteDeps) {
  const summary = (video: Parameters<typeof videoSummaryJson>[0]) => videoSummaryJson(video, storage, config.publicUrl);
  const byPublicId = (video: { publicId: string }) => video.publicId;

  return {
    /** A signed-in viewer (a token, or a session for reading): 401 otherwise. */
    signedIn(req: Request, _res: Response, next: NextFunction): void {
      if (!req.viewer) throw new HttpError(401, 'This needs an access token (Authorization: Bearer), or a signed-in session.', { 'WWW-Authenticate': 'Bearer realm="api"' });
      next();
    },

    /** GET /api/v1/videos: the listed videos, newest first, as the home page lists them. */
    async listVideos(req: Request, res: Response): Promise<void> {
      const page = parsePageParams(req);
      const rows = await listPublicVideos(pool, { after: videoCursor(page), limit: page.limit + 1 });
      res.set('Cache-Control', 'no-store').json(apiPage(req, config.publicUrl, rows, page.limit, byPublicId, summary));
    },

    /**
     * GET /api/v1/search/videos?q=: the search page's videos (src/db/search.ts), in its orders
     * and with its filters, as deep as the page goes. A page's cursor is the number of results
     * before it. The query is refused when empty or longer than the page reads (which cuts it).
     */
    async searchVideos(req: Request, res: Response): Promise<void> {
      const page = parsePageParams(req);
      const query = searchWords(one(req, 'q') ?? '');
      if (query === '') throw unprocessable({ q: 'Type what to search for in q.' });
      if (length(query) > SEARCH_QUERY_MAX_CHARS) throw unprocessable({ q: `Search with at most ${SEARCH_QUERY_MAX_CHARS} characters (this is ${length(query)}).` });
      const sort = choice(req, 'sort', SEARCH_SORTS, 'relevance')!;
      const duration = choice(req, 'duration', SEARCH_DURATIONS, null);
      const uploaded = choice(req, 'uploaded', SEARCH_UPLOADED, null);
      const offset = readCursor(page.cursor, (cursor) => (OFFSET_CURSOR.test(cursor) && Number(cursor) < SEARCH_RESULTS_MAX ? Number(cursor) : null)) ?? 0;
      // No page past the search's depth: the last one is cut there and has no next.
      const limit = Math.min(page.limit, SEARCH_RESULTS_MAX - offset);
      const hits = await searchVideos(pool, { query, sort, duration, uploaded, offset, limit: limit + (offset + limit < SEARCH_RESULTS_MAX ? 1 : 0) });
      res.set('Cache-Control', 'no-store').json(apiPage(req, config.publicUrl, hits, limit, () => String(offset + limit), summary));
    },

    /** PATCH /api/v1/videos/:id: the studio edit form's change, the fields not sent kept; the video as saved. */
    async editVideo(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      // readBody leaves multipart bodies to the upload routes: here nothing would read one.
      if (req.is('multipart/form-data')) throw new HttpError(415, 'Send the changes as application/json (or application/x-www-form-urlencoded).');
      const outcome = await editVideoDetails({ pool, queue }, video, req.viewer!.id, mergedEdit(video, (req.body ?? {}) as Record<string, unknown>));
      if (!outcome.saved) throw unprocessable(outcome.errors);
      const saved = await findVideoByPublicId(pool, video.publicId);
      if (!saved) throw notFound('This video does not exist, or it has been removed.');
      res.set('Cache-Control', 'no-store').json(videoJson(saved, await listVideoFiles(pool, saved.id), storage, config.publicUrl));
    },

    /** DELETE /api/v1/videos/:id: the studio's delete; 204. */
    async deleteVideo(req: Request, res: Response): Promise<void> {
      await removeVideo({ pool, storage }, loadedVideo(req));
      res.status(204).end();
    },

    /** GET /api/v1/me/videos: my videos in every state, newest first unless told, with the studio list's filters. */
    async listMyVideos(req: Request, res: Response): Promise<void> {
      const page = parsePageParams(req);
      const viewer = req.viewer!;
      const after = videoCursor(page);
      // Not one of mine (deleted since, or someone else's): refused, so a cursor never tells
      // whether another account's id exists, and a list is never silently started again.
      if (after && !(await isOwnVideo(pool, viewer.id, after))) throw unprocessable({ cursor: 'cursor must be the "next" cursor of a previous page, unchanged; its video may have been deleted.' });
      const rows = await listStudioVideos(pool, viewer.id, { ...studioQuery(req), after, limit: page.limit + 1 });
      const owner = { handle: viewer.handle, displayName: viewer.displayName };
      res.set('Cache-Control', 'no-store').json(apiPage(req, config.publicUrl, rows, page.limit, byPublicId, (row) => summary({ ...row, owner })));
    },

    /** GET /api/v1/channels/:handle: a live channel, as its page shows it. */
    showChannel(req: Request, res: Response): void {
      res.set('Cache-Control', 'no-store').json(channelJson(loadedChannel(req), storage, config.publicUrl));
    },

    /** GET /api/v1/channels/:handle/videos: its listed videos, newest or most viewed first, as its page lists them (its owner too). */
    async listChannelVideos(req: Request, res: Response): Promise<void> {
      const page = parsePageParams(req);
      const channel = loadedChannel(req);
      const sort = choice(req, 'sort', CHANNEL_SORTS, 'newest');
      const after = videoCursor(page);
      const rows = sort === 'popular'
        ? await listPopularVideosOfChannel(pool, channel.id, { after, limit: page.limit + 1 })
        : await listPublicVideos(pool, { ownerId: channel.id, after, limit: page.limit + 1 });
      res.set('Cache-Control', 'no-store').json(apiPage(req, config.publicUrl, rows, page.limit, byPublicId, summary));
    },
  };
}
