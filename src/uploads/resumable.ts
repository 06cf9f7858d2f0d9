import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { FileStore } from '@tus/file-store';
import { Server, type Upload } from '@tus/server';
import type { Config } from '../config.js';
import { deleteExpiredResumableUploads, existingResumableUploadIds, insertResumableUpload, takeResumableUpload } from '../db/resumable-uploads.js';
import type { Pool } from '../db/pool.js';
import type { VideoDetails } from '../forms/upload.js';
import { findUploadUsage } from '../db/upload-quotas.js';
import { refusalFor } from '../http/upload-limits.js';
import { MediaRejected } from '../media/index.js';
import { findUploadLimits } from '../settings/upload-limits.js';
import type { RouteDeps } from '../routes/deps.js';
import { acceptVideoFile } from './intake.js';
import { PgLocker } from './pg-locker.js';

/** Where tus keeps the bytes of uploads under way: `<DATA_DIR>/resumable/<id>` and `<id>.json`. */
export const resumableDir = (config: Pick<Config, 'dataDir'>) => path.join(config.dataDir, 'resumable');
/**
 * An upload nothing arrives for in this long is abandoned: its file and row are deleted by the
 * housekeeping sweep (server.ts, removeExpiredUploads). Counted from the last PATCH, so a long
 * upload on a slow line lives as long as it keeps moving.
 */
export const RESUMABLE_UPLOAD_IDLE_HOURS = 24;
export const RESUMABLE_UPLOAD_IDLE_MS = RESUMABLE_UPLOAD_IDLE_HOURS * 60 * 60 * 1000;
/** An upload id: 16 random bytes, base64url (the migration checks the same shape). */
export const UPLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** The headers a finished upload answers with, for the client to find its video. */
export const VIDEO_ID_HEADER = 'Tubestead-Video-Id';
export const WATCH_URL_HEADER = 'Tubestead-Watch-Url';

/** What the route's steps found for a creation (POST), for the tus hooks that store it. */
export interface Creation {
  ownerId: number;
  declaredBytes: number;
  originalName: string;
  details: VideoDetails;
  maxUploadBytes: number;
}
const creations = new WeakMap<IncomingMessage, Creation>();
/**
 * The upload a HEAD, PATCH or DELETE was checked for (its owner, by the route's loadUpload step):
 * its id, and the length the request may go up to (its declared length).
 */
const checkedUploads = new WeakMap<IncomingMessage, { id: string; declaredBytes: number }>();

export const rememberCreation = (req: Request, creation: Creation) => void creations.set(req, creation);
export const rememberCheckedUpload = (req: Request, upload: { id: string; declaredBytes: number }) => void checkedUploads.set(req, { id: upload.id, declaredBytes: upload.declaredBytes });

/**
 * The id tus works on: exactly the one Express routed (`/uploads/:id`) and loadUpload checked the
 * owner of, never one tus finds in the URL itself. @tus/server reads the last path segment of the
 * whole URL, query string included, so `/uploads/<mine>?x=/<theirs>` would pass the check for
 * <mine> and act on <theirs>. Anything else (no checked upload, a different id) is no upload (404).
 */
export function checkedUploadId(node: IncomingMessage): string | undefined {
  const checked = checkedUploads.get(node);
  const routed = (node as Request).params?.id;
  if (!checked || typeof routed !== 'string' || !UPLOAD_ID_PATTERN.test(routed) || routed !== checked.id) return undefined;
  return checked.id;
}

/** The express request behind @tus/server's web Request (srvx keeps it as runtime.node.req). */
function nodeRequestOf(req: globalThis.Request): IncomingMessage {
  const node = (req as unknown as { runtime?: { node?: { req: IncomingMessage } } }).runtime?.node?.req;
  if (!node) throw new Error('@tus/server request without its node request');
  return node;
}

/** A tus error answer (@tus/server sends `body` with `status_code`). */
const tusError = (status: number, body: string) => ({ status_code: status, body: `${body}\n` });

type IntakeDeps = Pick<RouteDeps, 'pool' | 'storage' | 'queue' | 'binaries' | 'config' | 'settings'>;

/**
 * The tus 1.0 server (creation, termination, expiration; @tus/file-store) behind /uploads. Who
 * may create, see, continue or end an upload is decided by the routes' steps before a request
 * reaches it (src/routes/resumable-uploads.ts); here an upload is recorded when created and
 * becomes a video when its last byte arrives.
 */
export function createTusServer(deps: IntakeDeps, lockPool: Pool) {
  const { pool, config, settings } = deps;
  const datastore = new FileStore({ directory: resumableDir(config) });
  // Every upload declares its length (checkCreation refuses Upload-Defer-Length): not offered.
  datastore.extensions = datastore.extensions.filter((extension) => extension !== 'creation-defer-length');
  const server = new Server({
    path: '/uploads',
    datastore,
    locker: new PgLocker(lockPool),
    // The upload's address (Location) as the client reached the site: scheme and host read by
    // Express, which believes X-Forwarded-Proto and X-Forwarded-Host from the proxies TRUST_PROXY
    // names and from nobody else (tus's own respectForwardedHeaders would believe anyone).
    generateUrl(req, { path: base, id }) {
      const express = nodeRequestOf(req) as Request;
      return `${express.protocol}://${express.host}${base}/${id}`;
    },
    exposedHeaders: [VIDEO_ID_HEADER, WATCH_URL_HEADER],
    namingFunction: () => crypto.randomBytes(16).toString('base64url'),
    getFileIdFromRequest: (req) => checkedUploadId(nodeRequestOf(req)),
    // The account's largest upload for a creation; a known upload's own declared length; the site's for OPTIONS.
    async maxSize(req) {
      const node = nodeRequestOf(req);
      return creations.get(node)?.maxUploadBytes ?? checkedUploads.get(node)?.declaredBytes ?? (await settings.get()).maxUploadBytes;
    },
    async onUploadCreate(req, upload) {
      const creation = creations.get(nodeRequestOf(req));
      if (!creation) throw tusError(500, 'Internal server error');
      await insertResumableUpload(pool, { id: upload.id, userId: creation.ownerId, declaredBytes: creation.declaredBytes, originalName: creation.originalName, details: creation.details, expiresAt: new Date(Date.now() + RESUMABLE_UPLOAD_IDLE_MS) });
      return {};
    },
    onUploadFinish: (_req, upload) => finishUpload(deps, datastore, upload),
    // tus answers an unexpected error with its message; a 5xx never shows one (a database error's text).
    onResponseError: (_req, err) => ('status_code' in err && typeof err.status_code === 'number' ? undefined : tusError(500, 'Something went wrong on our side. Try again in a moment.')),
  });
  return { server, datastore };
}

/**
 * The last byte arrived: within the account's limits still (413 or 429 otherwise), the file
 * becomes a video of the upload's owner (judged by ffprobe,
 * copied into storage), then the upload's file and row go, whatever the outcome. A file that is
 * not a video answers 422 with the reason; the video's id and watch address go back in headers.
 */
async function finishUpload(deps: IntakeDeps, datastore: FileStore, upload: Upload) {
  const taken = await takeResumableUpload(deps.pool, upload.id);
  if (!taken) throw tusError(404, 'This upload was finished already, or it is gone.');
  try {
    // The limits again, with the exact size, against the account's videos as they are now: the
    // creation's check counted uploads under way, but others may have finished meanwhile.
    const [limits, usage] = await Promise.all([findUploadLimits(deps.pool, deps.settings, taken.userId), findUploadUsage(deps.pool, taken.userId)]);
    const refusal = refusalFor(usage, { ...limits, uploadsProcessingMax: deps.config.uploadsProcessingMax }, upload.size ?? upload.offset, 'exact');
    if (refusal) throw tusError(refusal.status, refusal.message);
    const video = await acceptVideoFile(deps, taken.userId, { path: path.join(datastore.directory, upload.id), originalName: taken.originalName, size: upload.size ?? upload.offset }, taken.details);
    const watchPath = `/watch/${video.publicId}`;
    return { headers: { [VIDEO_ID_HEADER]: video.publicId, [WATCH_URL_HEADER]: new URL(watchPath, deps.config.publicUrl).href } };
  } catch (err) {
    if (err instanceof MediaRejected) throw tusError(422, err.message);
    throw err;
  } finally {
    await datastore.remove(upload.id).catch(() => {});
  }
}

/**
 * Deletes the uploads abandoned by `now` (nothing arrived for RESUMABLE_UPLOAD_IDLE_HOURS): their
 * rows, then their files; then the files left without a row (removeOrphanedFiles). Run by the web process's housekeeping (server.ts), where the files are.
 */
export async function removeExpiredUploads(pool: Pool, config: Pick<Config, 'dataDir'>, now: Date): Promise<number> {
  const directory = resumableDir(config);
  let removed = 0;
  for (;;) {
    const ids = await deleteExpiredResumableUploads(pool, now);
    for (const id of ids) await removeUploadFiles(directory, id);
    removed += ids.length;
    if (ids.length === 0) return removed + (await removeOrphanedFiles(pool, directory, now));
  }
}

/** An upload's bytes and its `.json` sidecar, whichever are there. */
async function removeUploadFiles(directory: string, id: string): Promise<void> {
  await Promise.all([id, `${id}.json`].map((name) => fs.promises.rm(path.join(directory, name), { force: true }).catch(() => {})));
}

/**
 * Files of uploads that have no row, untouched for RESUMABLE_UPLOAD_IDLE_HOURS: a DELETE or a
 * finish whose file removal failed after its row went, a creation cut between file and row. The
 * age keeps it off an upload being created right now (its file is written just before its row).
 * Returns how many uploads' files were removed.
 */
async function removeOrphanedFiles(pool: Pool, directory: string, now: Date): Promise<number> {
  const names = await fs.promises.readdir(directory).catch(() => [] as string[]);
  const ids = [...new Set(names.map((name) => name.replace(/\.json$/, '')))].filter((id) => UPLOAD_ID_PATTERN.test(id));
  const idle: string[] = [];
  for (const id of ids) {
    const times = await Promise.all([id, `${id}.json`].map((name) => fs.promises.stat(path.join(directory, name)).then((stat) => stat.mtimeMs, () => 0)));
    if (now.getTime() - Math.max(...times) > RESUMABLE_UPLOAD_IDLE_MS) idle.push(id);
  }
  let removed = 0;
  for (let i = 0; i < idle.length; i += 500) {
    const batch = idle.slice(i, i + 500);
    const kept = await existingResumableUploadIds(pool, batch);
    for (const id of batch.filter((id) => !kept.has(id))) {
      await removeUploadFiles(directory, id);
      removed += 1;
    }
  }
  return removed;
}
