import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import multer from 'multer';

/** Where uploads are streamed while a request is handled; emptied at every start. */
export function uploadTempDir(dataDir: string): string {
  return path.join(dataDir, 'tmp', 'uploads');
}

/** Removes temporaries left by a process that was killed mid-upload. */
export async function cleanUploadTempDir(dataDir: string): Promise<void> {
  const dir = uploadTempDir(dataDir);
  await fs.promises.rm(dir, { recursive: true, force: true });
  await fs.promises.mkdir(dir, { recursive: true });
}

/**
 * One file from the form field `fieldName`, streamed to disk under a random name (never the
 * name the browser sent) with a size limit. Multer removes the partial file when the limit is
 * hit or the client goes away; the error handler removes it when the request fails later.
 */
export function receiveOneFile(options: { dataDir: string; fieldName: string; maxBytes: number }) {
  const dir = uploadTempDir(options.dataDir);
  return multer({
    storage: multer.diskStorage({
      destination: (_req, _file, cb) => fs.promises.mkdir(dir, { recursive: true }).then(() => cb(null, dir), (err) => cb(err, dir)),
      filename: (_req, _file, cb) => cb(null, `${crypto.randomBytes(16).toString('hex')}.upload`),
    }),
    limits: { fileSize: options.maxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
  }).single(options.fieldName);
}
