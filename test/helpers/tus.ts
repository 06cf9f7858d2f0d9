import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import { FileStore } from '@tus/file-store';
import { Upload } from '@tus/server';
import { insertResumableUpload } from '../../src/db/resumable-uploads.js';
import { resumableDir } from '../../src/uploads/resumable.js';
import { testPool } from './database.js';

/** Helpers for the resumable upload (tus) tests. */

export const TUS = { 'Tus-Resumable': '1.0.0' };
export const OCTETS = { 'Content-Type': 'application/offset+octet-stream' };

/** An Upload-Metadata header: `key base64(value)`, comma-separated. */
export function tusMetadata(fields: Record<string, string>): string {
  return Object.entries(fields).map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`).join(',');
}

/** The upload id at the end of a creation's Location. */
export function uploadIdOf(location: string | undefined): string {
  return String(location).split('/').pop()!;
}

/** Where tus keeps an upload's bytes in the app's data directory. */
export function uploadFile(dataDir: string, id: string): string {
  return path.join(resumableDir({ dataDir }), id);
}

/** The app listening on a free port of 127.0.0.1, for requests cut off on purpose. */
export async function listening(app: Express): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** Waits until `check` holds, trying every 20 ms for up to `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A PATCH that announces `announced` bytes and sends only `sent`, left open: the caller ends it
 * (send the rest) or cuts it (destroy), as a dropped connection does.
 */
export function openPatch(port: number, id: string, offset: number, announced: number, headers: Record<string, string>) {
  const req = http.request({ host: '127.0.0.1', port, method: 'PATCH', path: `/uploads/${id}`, headers: { ...TUS, ...OCTETS, ...headers, 'Upload-Offset': String(offset), 'Content-Length': String(announced) } });
  const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    req.on('response', (res) => { res.resume(); res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers })); });
    req.on('error', reject);
  });
  answer.catch(() => {});
  return { req, answer };
}

export const fileSize = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : -1);

/** An upload of `ownerId` made as a creation makes it (its file and row), without a request; its id. */
export async function makeResumableUpload(dataDir: string, ownerId: number, length = 1000): Promise<string> {
  const id = crypto.randomBytes(16).toString('base64url');
  await new FileStore({ directory: resumableDir({ dataDir }) }).create(new Upload({ id, size: length, offset: 0, metadata: {} }));
  await insertResumableUpload(testPool(), { id, userId: ownerId, declaredBytes: length, originalName: 'matrix.mp4', details: { title: 'Matrix upload', description: '', tags: [], visibility: 'private' }, expiresAt: new Date(Date.now() + 3600_000) });
  return id;
}
