import crypto from 'node:crypto';
import fs from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { processTempDir } from '../temp-dirs.js';
import { formatBytes } from '../format.js';
import { badRequest, payloadTooLarge } from './errors.js';

const UNREADABLE = 'That upload could not be read: send the form again, with one file in the field it names.';

/** Where this process streams uploads while a request is handled (see temp-dirs.ts). */
export function uploadTempDir(dataDir: string): string {
  return processTempDir(dataDir, 'uploads');
}

/**
 * One file from the form field `fieldName`, streamed to disk under a random name (never the
 * name the browser sent) with a size limit, so memory stays flat whatever the size. Multer
 * removes the partial file when the limit is hit or the client goes away; the error handler
 * removes it when the request fails later; handlers remove or move it when they are done.
 * `maxBytes` is fixed, or read from the request when the limit is the account's (video uploads:
 * the site settings and the account's exceptions, src/http/upload-limits.ts).
 */
export function receiveOneFile(options: { dataDir: string; fieldName: string; maxBytes: number | ((req: Request) => number); tooLarge?: (maxBytes: number) => string }) {
  const dir = uploadTempDir(options.dataDir);
  const storage = multer.diskStorage({
    destination: (_req, _file, cb) => fs.promises.mkdir(dir, { recursive: true }).then(() => cb(null, dir), (err) => cb(err, dir)),
    filename: (_req, _file, cb) => cb(null, `${crypto.randomBytes(16).toString('hex')}.upload`),
  });
  const receiverFor = (maxBytes: number) => multer({ storage, limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 16 * 1024, parts: 24 } }).single(options.fieldName);
  const { maxBytes } = options;
  // A fixed limit is one multer for the life of the process; a limit per request, one per request (cheap: options only).
  const fixed = typeof maxBytes === 'number' ? receiverFor(maxBytes) : null;
  const tooLarge = options.tooLarge ?? ((max: number) => `This file is larger than the ${formatBytes(max)} limit.`);
  return function receiveFile(req: Request, res: Response, next: NextFunction): void {
    const limit = typeof maxBytes === 'number' ? maxBytes : maxBytes(req);
    const upload = fixed ?? receiverFor(limit);
    upload(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') {
        return next(payloadTooLarge(tooLarge(limit)));
      }
      // busboy's own errors (no boundary, a part cut short, a malformed header) carry no code,
      // unlike the file system's (ENOSPC…): a request that is not a readable form is a 400.
      if (err instanceof Error && !(err instanceof multer.MulterError) && !(err as NodeJS.ErrnoException).code) return next(badRequest(UNREADABLE));
      // The name is only kept as a label, but Postgres cannot store a NUL in it.
      if (!err && req.file && /[\u0000-\u001f\u007f]/.test(req.file.originalname)) return next(badRequest('The file name holds control characters. Rename the file and try again.'));
      next(err);
    });
  };
}
