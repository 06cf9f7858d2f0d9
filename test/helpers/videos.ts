import path from 'node:path';
import type { Agent } from './agent.js';
import { tokenFor } from './agent.js';
import { testPool } from './database.js';

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
