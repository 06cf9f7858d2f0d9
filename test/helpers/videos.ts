import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { insertVideoFile } from '../../src/db/video-files.js';
import type { Agent } from './agent.js';
import { tokenFor } from './agent.js';
import { runDataDir } from './app.js';
import { testPool } from './database.js';
import { fixture } from './fixtures.js';

/** Uploads `file` through the real form (multipart, token in the action's query string). */
export async function uploadVideo(agent: Agent, file: string, fields: Record<string, string> = {}, options: { json?: boolean } = {}) {
  const token = await tokenFor(agent, '/upload');
  let request = agent.post(`/upload?_csrf=${encodeURIComponent(token)}`);
  if (options.json) request = request.set('Accept', 'application/json');
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  return request.attach('file', file, path.basename(file));
}

export async function videoRow(publicId: string) {
  const { rows } = await testPool().query('SELECT * FROM videos WHERE public_id = $1', [publicId]);
  return rows[0] ?? null;
}

/** Waits until the video is ready with every rendition made (progress 100), or failed. */
export async function waitForProcessing(publicId: string, timeoutMs = 120_000): Promise<{ status: string; progress: number; failure_reason: string | null }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await videoRow(publicId);
    if (!row) throw new Error(`video ${publicId} is gone`);
    if (row.status === 'failed' || (row.status === 'ready' && row.progress === 100)) return row;
    if (Date.now() > deadline) {
      // What the queue says, so a failure here can be understood from the log alone.
      const { rows: jobs } = await testPool().query(`SELECT state, retry_count, started_on, output FROM pgboss.job WHERE name LIKE 'video.process%' AND (data ->> 'videoId')::bigint = $1`, [row.id]);
      throw new Error(`video ${publicId} still ${row.status} at ${row.progress}% after ${timeoutMs} ms (reason: ${row.failure_reason}; jobs: ${JSON.stringify(jobs)})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function publicIdFrom(location: string | undefined): string {
  const match = location?.match(/^\/watch\/([A-Za-z0-9_-]{11})$/);
  if (!match) throw new Error(`not a watch URL: ${location}`);
  return match[1]!;
}

/**
 * Gives a video made by the factory a real, playable rendition without running the pipeline: a
 * small H.264 file made by ffmpeg, copied where the shared DATA_DIR's storage keeps renditions
 * and recorded in video_files; `seconds` long (give the factory's video the same duration).
 * Returns the file's name in /media/videos/:id/:name.
 */
export async function attachRendition(video: { id: number; publicId: string }, seconds = 1): Promise<string> {
  const source = await fixture(`tiny-h264-${seconds}s`, { width: 320, height: 180, seconds, codec: 'h264' });
  const name = `180p-${crypto.randomBytes(3).toString('hex')}.mp4`;
  const storageKey = `videos/${video.publicId}/${name}`;
  const target = path.join(runDataDir(), 'media', storageKey);
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await fs.promises.copyFile(source, target);
  const bytes = (await fs.promises.stat(target)).size;
  await insertVideoFile(testPool(), video.id, { kind: 'rendition', name, storageKey, mimeType: 'video/mp4', width: 320, height: 180, bytes });
  return name;
}
