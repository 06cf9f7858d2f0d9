import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config.js';
import type { Pool } from '../db/pool.js';
import { findUploadUsage, type UploadUsage } from '../db/upload-quotas.js';
import { payloadTooLarge, tooManyRequests, type HttpError } from './errors.js';
import { probeGate } from './probe-gate.js';
import { formatBytes, formatMinutes } from '../format.js';
import { findUploadLimits, type UploadLimits } from '../settings/upload-limits.js';
import type { SiteSettingsStore } from '../settings/site-settings.js';

type Limits = UploadLimits & Pick<Config, 'uploadsProcessingMax'>;

/** The limits beforeFile found for a request, for multer's size limit and afterFile. */
const limitsOfRequest = new WeakMap<Request, Limits>();

/** The limits that apply to this upload request (beforeFile has run). */
export function uploadLimitsOf(req: Request): UploadLimits {
  const limits = limitsOfRequest.get(req);
  if (!limits) throw new Error(`${req.method} ${req.route?.path}: no uploadGuards.beforeFile before this step`);
  return limits;
}

/**
 * A multipart body is the file plus the form's other fields and the part headers, which multer
 * caps far below this (20 fields of 16 KiB): a body this much larger than the room left holds a
 * file that does not fit.
 */
const FORM_OVERHEAD_BYTES = 1024 * 1024;
/**
 * Up to this size a refused request's body is read and thrown away before the answer (as multer
 * does past its limit), so that the client, which reads the answer once it has sent everything,
 * sees it. Above it the connection is closed after the answer instead: the client is spared streaming
 * gigabytes for nothing, at the cost that a browser may show a broken connection, not the message.
 */
const DRAIN_AT_MOST_BYTES = 64 * 1024 * 1024;
/** Processing slots free as videos finish; a minute is a fair time to look again. */
const PROCESSING_RETRY_SECONDS = 60;

/**
 * Per-account upload limits (the site settings maxUploadBytes, uploadsPerDay, uploadBytesPerDay
 * and storageQuotaBytes, or the account's own exceptions: src/settings/upload-limits.ts, read
 * afresh for each request; UPLOADS_PROCESSING_MAX from the environment), counted from the
 * account's videos. `beforeFile` runs before multer reads the body, so a refused client is
 * answered before it streams gigabytes (judging the file's size by Content-Length), and keeps the
 * limits for multer's size limit (uploadLimitsOf) and for `afterFile`, which checks the bytes
 * again with the file's real size: one request is judged by one set of limits, even if an
 * administrator changes them meanwhile. Concurrent uploads of one account are each checked
 * against what is recorded, so they may pass a limit by the few sent at the same moment.
 */
export function uploadLimits(pool: Pool, settings: SiteSettingsStore, processing: Pick<Config, 'uploadsProcessingMax'>) {
  return {
    async beforeFile(req: Request, res: Response, next: NextFunction): Promise<void> {
      const announced = Number(req.get('content-length'));
      const incoming = Number.isFinite(announced) ? Math.max(0, announced - FORM_OVERHEAD_BYTES) : 0;
      const [own, usage] = await Promise.all([findUploadLimits(pool, settings, req.viewer!.id), findUploadUsage(pool, req.viewer!.id)]);
      const limits: Limits = { ...own, uploadsProcessingMax: processing.uploadsProcessingMax };
      limitsOfRequest.set(req, limits);
      const refusal = refusalFor(usage, limits, incoming, 'estimated');
      if (refusal) {
        // A body of unknown length (chunked) could be any size: it is not read either.
        if (!(announced <= DRAIN_AT_MOST_BYTES)) res.set('Connection', 'close');
        else await drained(req);
        throw refusal;
      }
      next();
    },

    async afterFile(req: Request, _res: Response, next: NextFunction): Promise<void> {
      if (req.file) {
        const refusal = refusalFor(await findUploadUsage(pool, req.viewer!.id), limitsOfRequest.get(req)!, req.file.size, 'exact');
        if (refusal) throw refusal;
      }
      next();
    },
  };
}

/** The steps of POST /upload around multer: limits before and after the file, then a probe slot. */
export function uploadGuards(pool: Pool, config: Config, settings: SiteSettingsStore) {
  const limits = uploadLimits(pool, settings, config);
  return {
    beforeFile: limits.beforeFile,
    afterFile: limits.afterFile,
    probeSlot: probeGate({ maxConcurrent: config.probesMaxConcurrent, waitSeconds: config.probeWaitSeconds }),
  };
}

/** Reads the rest of a request's body into nothing. */
function drained(req: Request): Promise<void> {
  return new Promise((resolve) => {
    if (req.complete) return resolve();
    req.once('end', resolve);
    req.once('close', resolve);
    req.resume();
  });
}

/** The first limit an upload of `incoming` bytes would pass, as the error to answer with. */
export function refusalFor(usage: UploadUsage, limits: Limits, incoming: number, size: 'estimated' | 'exact'): HttpError | null {
  const { recent, now } = usage;
  // The estimate is below the file's real size (the form's overhead taken off generously), so a
  // file that fits is never refused here; multer stops one that passes the limit unannounced.
  if (incoming > limits.maxUploadBytes) return payloadTooLarge(tooLargeMessage(limits.maxUploadBytes, incoming));
  if (usage.processing >= limits.uploadsProcessingMax) {
    const videos = usage.processing === 1 ? '1 of your videos is' : `${usage.processing} of your videos are`;
    return tooManyRequests(PROCESSING_RETRY_SECONDS, `${videos} still being processed, the most at once. Upload this one when one of them is ready.`);
  }
  if (recent.length >= limits.uploadsPerDay) {
    // Room for one more once enough of the oldest have left the 24-hour window.
    const until = recent[recent.length - limits.uploadsPerDay]!.countsUntil;
    const count = recent.length === 1 ? '1 video' : `${recent.length} videos`;
    return tooManyRequests(secondsBetween(now, until), `You have uploaded ${count} in the last 24 hours, the most allowed. You can upload again ${when(now, until)}.`);
  }
  const file = size === 'exact' ? `This file (${formatBytes(incoming)})` : `This file (about ${formatBytes(incoming)})`;
  const needed = Math.max(incoming, 1);
  const usedToday = recent.reduce((sum, r) => sum + r.bytes, 0);
  if (usedToday + needed > limits.uploadBytesPerDay) {
    const daily = formatBytes(limits.uploadBytesPerDay);
    if (needed > limits.uploadBytesPerDay) return payloadTooLarge(`${file} is larger than the ${daily} you may upload in 24 hours.`);
    const until = roomAt(recent, needed, limits.uploadBytesPerDay);
    const message = incoming > 0
      ? `${file} would take you past the ${daily} you may upload in 24 hours (${formatBytes(usedToday)} used). There is room for it again ${when(now, until)}.`
      : `You have uploaded ${formatBytes(usedToday)} in the last 24 hours, the most allowed. You can upload again ${when(now, until)}.`;
    return payloadTooLarge(message, secondsBetween(now, until));
  }
  if (usage.storedBytes + needed > limits.storageQuotaBytes) {
    const quota = formatBytes(limits.storageQuotaBytes);
    const what = incoming > 0 ? `${file} would take your videos past your ${quota} of storage (${formatBytes(usage.storedBytes)} used).` : `Your videos use all of your ${quota} of storage.`;
    return payloadTooLarge(`${what} Delete videos you no longer need to make room.`);
  }
  return null;
}

/** The answer to a file over the largest upload allowed (before it is sent, and from multer). */
export function tooLargeMessage(maxUploadBytes: number, incoming?: number): string {
  const file = incoming === undefined ? 'This file' : `This file (about ${formatBytes(incoming)})`;
  return `${file} is larger than the ${formatBytes(maxUploadBytes)} limit for one upload.`;
}

/** When enough of the oldest uploads have left the window for `needed` more bytes to fit. */
function roomAt(recent: UploadUsage['recent'], needed: number, limit: number): Date {
  let remaining = recent.reduce((sum, r) => sum + r.bytes, 0);
  for (const upload of recent) {
    remaining -= upload.bytes;
    if (remaining + needed <= limit) return upload.countsUntil;
  }
  return recent.at(-1)!.countsUntil;
}

function secondsBetween(now: Date, then: Date): number {
  return Math.ceil((then.getTime() - now.getTime()) / 1000);
}

/** "in 3 h 12 min (at 14:05 UTC)": the wait rounded up to the minute, and the clock time. */
function when(now: Date, then: Date): string {
  return `in ${formatMinutes(secondsBetween(now, then))} (at ${then.toISOString().slice(11, 16)} UTC)`;
}
