import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Metadata } from '@tus/server';
import pg from 'pg';
import { bearerHolder, refuseWithoutScope } from '../api/authenticate.js';
import { can } from '../auth/permissions.js';
import { isHttps } from '../config.js';
import { deleteResumableUpload, extendResumableUpload, findOpenResumableUploads, findResumableUpload, type ResumableUpload } from '../db/resumable-uploads.js';
import { findUploadUsage, type UploadUsage } from '../db/upload-quotas.js';
import { parseVideoDetails } from '../forms/upload.js';
import { csrfProtection } from '../http/csrf.js';
import { badRequest, forbidden, HttpError, notFound, tooManyRequests, unprocessable } from '../http/errors.js';
import { refusalFor } from '../http/upload-limits.js';
import { findUploadLimits } from '../settings/upload-limits.js';
import { createTusServer, rememberCheckedUpload, rememberCreation, resumableDir, RESUMABLE_UPLOAD_IDLE_HOURS, RESUMABLE_UPLOAD_IDLE_MS, UPLOAD_ID_PATTERN } from '../uploads/resumable.js';
import type { RouteDeps } from './deps.js';

/**
 * Connections for the locks of uploads under way (src/uploads/pg-locker.ts): a PATCH holds one
 * for as long as its bytes arrive, so they come from a pool of their own, not the pages' pool.
 * One of them is the locker's LISTEN connection. Past this many requests holding a lock at once,
 * the next waits for a connection for the pool's connectionTimeoutMillis, then answers 503.
 *
 * Why a connection for the whole transfer: a Postgres advisory lock belongs to the session that
 * took it, and is what makes every web process see the same locks and frees them when a process
 * dies. Holding it without a connection would need a lease (a row with a deadline renewed while
 * bytes arrive) and fencing of a holder that outlives its lease: not done. What keeps one account
 * from taking every connection is MAX_SENDING_PER_ACCOUNT below.
 */
const LOCK_CONNECTIONS_MAX = 20;
/**
 * Requests one account may have holding an upload's lock at once in this process (POST, PATCH,
 * DELETE; each holds a connection of LOCK_CONNECTIONS_MAX while its body arrives), counting each
 * upload once: a client resuming an upload whose previous request it lost may send one more for
 * it (tus asks the lost one to let go), so one account holds at most twice this many connections.
 * Counted in this process because the connections it protects are this process's: a count in
 * the database would outlive a process that dies with requests under way.
 */
export const MAX_SENDING_PER_ACCOUNT = 2;
/** Requests for one upload at once: the one under way and the client's takeover of it. */
const MAX_REQUESTS_PER_UPLOAD = 2;

/**
 * Uploads one account may have under way at once (created, not finished, ended or expired). Each
 * holds its declared bytes of the account's allowance until it finishes, and a file on disk.
 */
export const MAX_OPEN_UPLOADS_PER_ACCOUNT = 5;
/** When an account at MAX_OPEN_UPLOADS_PER_ACCOUNT may look again (one of its uploads may finish by then). */
const OPEN_UPLOADS_RETRY_SECONDS = 60;
/** When an account at MAX_SENDING_PER_ACCOUNT may try again. */
const SENDING_RETRY_SECONDS = 5;

const loadedUploads = new WeakMap<Request, ResumableUpload>();

/**
 * The account's usage as if its uploads under way were finished now: each one more upload of
 * the last 24 hours (counting for a day from now at the earliest) and its declared bytes toward
 * the day's bytes and the storage. Without them, N creations at once would each pass the limits.
 */
function withOpenUploads(usage: UploadUsage, open: { declaredBytes: number }[]): UploadUsage {
  const countsUntil = new Date(usage.now.getTime() + 24 * 60 * 60 * 1000);
  return {
    ...usage,
    recent: [...usage.recent, ...open.map((upload) => ({ bytes: upload.declaredBytes, countsUntil }))],
    storedBytes: usage.storedBytes + open.reduce((sum, upload) => sum + upload.declaredBytes, 0),
  };
}

/**
 * The steps of /uploads (tus, issue 15) before @tus/server handles the request: who sends it
 * (a session with its CSRF token, or an access token with videos:upload), the `video.upload`
 * permission, the account's limits judged from the declared length at creation, and the upload's
 * owner for everything after it. Errors answer as plain text, as tus clients show them.
 */
export function resumableUploadRoutes(deps: RouteDeps) {
  const { pool, config, settings } = deps;
  const lockPool = new pg.Pool({ ...(pool as pg.Pool & { options: pg.PoolConfig }).options, max: LOCK_CONNECTIONS_MAX, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
  lockPool.on('error', () => {});
  const { server } = createTusServer(deps, lockPool);
  const csrf = csrfProtection(deps.secret, isHttps(config));
  /** The requests holding (or about to take) a lock, by account, then by upload id (a symbol for a creation). */
  const sendingNow = new Map<number, Map<string | symbol, number>>();

  return {
    /**
     * A bearer token's account (it needs no CSRF token: a browser never sends one on its own),
     * or the session's, whose unsafe requests carry the page's token in X-CSRF-Token.
     */
    async uploader(req: Request, res: Response, next: NextFunction): Promise<void> {
      const header = req.get('authorization');
      if (header === undefined) return csrf(req, res, next);
      const { viewer, token } = await bearerHolder(pool, header, req.ip ?? null);
      refuseWithoutScope(token, 'videos:upload');
      req.viewer = viewer;
      req.apiToken = token;
      next();
    },

    /** Uploading is the `video.upload` permission, as for POST /upload. */
    mayUpload(req: Request, _res: Response, next: NextFunction): void {
      if (!req.viewer) throw new HttpError(401, 'Sign in, or send an access token with the "videos:upload" scope, to upload.', { 'WWW-Authenticate': 'Bearer realm="uploads"' });
      if (!can(req.viewer, 'video.upload')) throw forbidden('Your account is not allowed to upload videos.');
      next();
    },

    /**
     * A creation is judged before a byte is sent: the length must be declared and within the
     * account's limits (the same refusalFor as POST /upload, counting its uploads under way, at
     * most MAX_OPEN_UPLOADS_PER_ACCOUNT of them), and the details in Upload-Metadata
     * (filename, title, description, tags, visibility) must pass the upload form's parser.
     */
    async checkCreation(req: Request, _res: Response, next: NextFunction): Promise<void> {
      if (req.get('upload-defer-length') !== undefined) throw badRequest('Declare the upload\'s length (Upload-Length): uploads of unknown length are not accepted.');
      const length = req.get('upload-length') ?? '';
      if (!/^\d{1,15}$/.test(length)) throw badRequest('Send the file\'s size in bytes in the Upload-Length header.');
      let metadata: Record<string, string | null> = {};
      try {
        const header = req.get('upload-metadata');
        if (header !== undefined) metadata = Metadata.parse(header) ?? {};
      } catch {
        throw badRequest('The Upload-Metadata header is not valid: comma-separated keys, each with a base64 value.');
      }
      const fields = Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, value ?? '']));
      const originalName = (fields.filename ?? fields.name ?? '').slice(0, 255);
      // As POST /upload refuses multer's file name: Postgres refuses a NUL, and a control character has no place in a name.
      if (/[\u0000-\u001f\u007f]/.test(originalName)) throw unprocessable({ file: 'The file name holds control characters. Rename the file and try again.' });
      const form = parseVideoDetails(fields, originalName || undefined);
      if (!form.ok) throw unprocessable(form.errors);
      const declaredBytes = Number(length);
      const ownerId = req.viewer!.id;
      const [limits, usage, open] = await Promise.all([findUploadLimits(pool, settings, ownerId), findUploadUsage(pool, ownerId), findOpenResumableUploads(pool, ownerId)]);
      // Creations at the same moment (at most MAX_SENDING_PER_ACCOUNT per process: sendingSlot runs
      // first) may each see one fewer, so the cap can be passed by a few; the finish checks the limits again.
      if (open.length >= MAX_OPEN_UPLOADS_PER_ACCOUNT) {
        throw tooManyRequests(OPEN_UPLOADS_RETRY_SECONDS, `You have ${open.length} uploads under way, the most at once. Finish or cancel one of them before starting another (an upload nothing arrives for ends after ${RESUMABLE_UPLOAD_IDLE_HOURS} hours).`);
      }
      const judged = { ...limits, uploadsProcessingMax: config.uploadsProcessingMax };
      const refusal = refusalFor(withOpenUploads(usage, open), judged, declaredBytes, 'exact');
      if (refusal) {
        // refusalFor speaks of videos uploaded: say so when the uploads under way are what tipped it.
        if (open.length === 0 || refusalFor(usage, judged, declaredBytes, 'exact')) throw refusal;
        const under = open.length === 1 ? 'your upload under way' : `your ${open.length} uploads under way`;
        throw new HttpError(refusal.status, `${refusal.message} This counts ${under}: finish or cancel one to make room.`, refusal.headers);
      }
      rememberCreation(req, { ownerId, declaredBytes, originalName: originalName || 'upload', details: form.value, maxUploadBytes: limits.maxUploadBytes });
      next();
    },

    /** The upload the URL names: 404 when unknown, 410 once expired, 403 when another account's. */
    async loadUpload(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const id = String(req.params.id);
      const upload = UPLOAD_ID_PATTERN.test(id) ? await findResumableUpload(pool, id) : null;
      if (!upload) throw notFound('There is no upload at this address: it was finished, ended or never existed.');
      if (upload.userId !== req.viewer!.id) throw forbidden('This upload belongs to another account.');
      if (upload.expiresAt.getTime() <= Date.now()) throw new HttpError(410, 'This upload was abandoned and has expired. Start it again.');
      loadedUploads.set(req, upload);
      rememberCheckedUpload(req, upload);
      next();
    },

    /**
     * A sending slot (MAX_SENDING_PER_ACCOUNT) for the request before tus takes the upload's lock,
     * given back when its response closes (answered, or the connection gone); 429 when none is free.
     * A creation takes one before its limits are judged, which also bounds the creations judged at once.
     */
    sendingSlot(req: Request, res: Response, next: NextFunction): void {
      const accountId = req.viewer!.id;
      const key: string | symbol = loadedUploads.get(req)?.id ?? Symbol('creation');
      let sending = sendingNow.get(accountId);
      const current = sending?.get(key) ?? 0;
      if (current >= MAX_REQUESTS_PER_UPLOAD || (current === 0 && (sending?.size ?? 0) >= MAX_SENDING_PER_ACCOUNT)) {
        throw tooManyRequests(SENDING_RETRY_SECONDS, `Another upload of yours is being sent (at most ${MAX_SENDING_PER_ACCOUNT} at once). Try again when one of them has finished.`);
      }
      if (!sending) sendingNow.set(accountId, (sending = new Map()));
      const mine = sending;
      mine.set(key, current + 1);
      res.once('close', () => {
        const left = (mine.get(key) ?? 1) - 1;
        if (left > 0) mine.set(key, left);
        else mine.delete(key);
        if (mine.size === 0 && sendingNow.get(accountId) === mine) sendingNow.delete(accountId);
      });
      next();
    },

    /**
     * Bytes arriving keep the upload alive for another RESUMABLE_UPLOAD_IDLE_HOURS: a PATCH with a
     * body, at the upload's current offset (the size of its file, one stat). An empty PATCH, or one
     * at a wrong offset (409), adds nothing and keeps nothing alive, so an upload cannot be held
     * (its bytes counted against the account, its file on disk) forever without progress.
     */
    async keepAlive(req: Request, res: Response, next: NextFunction): Promise<void> {
      const upload = loadedUploads.get(req)!;
      const hasBody = Number(req.get('content-length')) > 0 || (req.get('content-length') === undefined && req.get('transfer-encoding') !== undefined);
      if (!hasBody) return next();
      const offset = await fs.promises.stat(path.join(resumableDir(config), upload.id)).then((stat) => stat.size, () => -1);
      if (req.get('upload-offset') !== String(offset)) return next();
      const expiresAt = new Date(Date.now() + RESUMABLE_UPLOAD_IDLE_MS);
      await extendResumableUpload(pool, upload.userId, upload.id, expiresAt);
      res.setHeader('Upload-Expires', expiresAt.toUTCString());
      next();
    },

    /** Ended by its owner: the row goes first, so nothing continues it; then tus removes the file. */
    async forget(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const upload = loadedUploads.get(req)!;
      await deleteResumableUpload(pool, upload.userId, upload.id);
      next();
    },

    /** @tus/server answers the request (its Location, offsets, the file on disk, the hooks). */
    tus: ((req, res) => {
      // srvx ends the response with res.end(callback); express-session's wrapped end takes
      // (chunk, encoding) only and would write the callback as the body. The callback is
      // called when the response closes instead, so the handler's promise settles.
      const end = res.end;
      res.end = function endWithCallback(this: Response, ...args: unknown[]) {
        const last = args.at(-1);
        if (typeof last === 'function') {
          args.pop();
          res.once('close', () => last());
        }
        return end.apply(this, args as Parameters<Response['end']>);
      } as Response['end'];
      return server.handle(req, res);
    }) as RequestHandler,

    /** Refusals as plain text with the tus version, as tus clients show a response's text. */
    answerError(err: unknown, _req: Request, res: Response, next: NextFunction): void {
      if (!(err instanceof HttpError) || res.headersSent) return next(err);
      res.status(err.status).set(err.headers).set('Tus-Resumable', '1.0.0').set('Cache-Control', 'no-store').type('text/plain').send(`${err.message}\n`);
    },
  };
}
