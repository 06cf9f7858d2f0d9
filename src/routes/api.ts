import express, { type NextFunction, type Request, type Response } from 'express';
import { openApiDocument } from '../api/openapi/document.js';
import { videoJson } from '../api/video-json.js';
import { channelJson } from '../api/channel-json.js';
import { findUserById } from '../db/users.js';
import { listVideoFiles } from '../db/video-files.js';
import { HttpError, notFound } from '../http/errors.js';
import { loadedVideo } from '../http/guards.js';
import type { RouteDeps } from './deps.js';

/** A JSON or form body of the API: small, as the pages' forms are. Uploads have their own readers. */
const API_BODY_LIMIT = '256kb';

/** Handlers of the JSON API's plumbing (`/api/v1`, its own router in index.ts): JSON in, JSON or problem details out. */
export function apiRoutes({ pool, storage, config }: RouteDeps) {
  const document = JSON.stringify(openApiDocument(config.publicUrl));
  const json = express.json({ limit: API_BODY_LIMIT, strict: true });
  const form = express.urlencoded({ extended: false, limit: API_BODY_LIMIT, parameterLimit: 100 });
  return {
    /**
     * A body of a change: JSON or a urlencoded form, read into `req.body` for the same form
     * parsers the pages use. Anything else with a body is 415; multipart only to the upload route.
     */
    readBody(req: Request, res: Response, next: NextFunction): void {
      if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
      // Only the upload route reads a multipart body (its own reader, with the account's limits).
      if (req.is('multipart/form-data')) {
        if (req.method === 'POST' && req.path === '/uploads') return next();
        throw new HttpError(415, 'Send the body as application/json (or application/x-www-form-urlencoded); only POST /api/v1/uploads takes multipart/form-data.');
      }
      const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
      if (hasBody && !req.is(['application/json', 'application/x-www-form-urlencoded'])) {
        throw new HttpError(415, 'Send the body as application/json (or application/x-www-form-urlencoded).');
      }
      (req.is('application/json') ? json : form)(req, res, (err?: unknown) => {
        if (err) return next(err);
        req.body ??= {};
        if (typeof req.body !== 'object' || Array.isArray(req.body)) return next(new HttpError(400, 'The body must be a JSON object.'));
        next();
      });
    },

    /** GET /api/v1/openapi.json: the document, the same for everyone. */
    openApi(_req: Request, res: Response): void {
      res.set('Cache-Control', 'public, max-age=300').type('application/json').send(document);
    },

    /** GET /api/v1/videos/:id: a video's state, for whoever may see it (the upload page polls it). */
    async showVideo(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      res.set('Cache-Control', 'no-store').json(videoJson(video, await listVideoFiles(pool, video.id), storage, config.publicUrl));
    },

    /** GET /api/v1/me: the account the token (or session) belongs to, its address included. */
    async showMe(req: Request, res: Response): Promise<void> {
      const user = await findUserById(pool, req.viewer!.id);
      if (!user) throw notFound('This account no longer exists.');
      res.set('Cache-Control', 'no-store').json({
        ...channelJson(user, storage, config.publicUrl),
        email: user.email,
        scopes: req.apiToken?.scopes ?? null,
      });
    },

    /** Any other address under /api/v1. */
    noSuchEndpoint(req: Request): never {
      throw notFound(`There is no ${req.method} ${req.baseUrl}${req.path} in this API.`);
    },
  };
}
