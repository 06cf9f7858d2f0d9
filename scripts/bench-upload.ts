/**
 * The mixed mode's load beside the traffic: a 1080p clip uploaded through the real upload form
 * by a seeded account and processed by a worker (the entry of `npm run worker`, as its own
 * process) while the mix runs. Afterwards the worker is stopped (which stops its ffmpeg) and the
 * video deleted through the studio, so the catalogue stays as seeded.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Pool } from '../src/db/pool.js';
import { findVideoByPublicId } from '../src/db/videos.js';
import { ROOT_DIR } from '../src/paths.js';
import type { Session } from './bench-mix.js';

const run = promisify(execFile);
const POLL_MS = 250;

/** A 1920×1080, 30 fps clip of `seconds` with a tone (kept in the temporary directory for the next run). */
export async function makeClip(ffmpeg: string, seconds: number): Promise<string> {
  const file = path.join(os.tmpdir(), `tubestead-bench-1080p-${seconds}s.mp4`);
  if (fs.existsSync(file)) return file;
  const partial = `${file}.partial.mp4`;
  await run(ffmpeg, [
    '-v', 'error', '-nostdin', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', partial,
  ]);
  fs.renameSync(partial, file);
  return file;
}

export function startWorker(databaseUrl: string): ChildProcess {
  return fork(path.join(ROOT_DIR, 'src', 'cli', 'worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    // Not warn: stopping it mid-encode logs the killed ffmpeg as a failure, which here is expected.
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

export async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.kill('SIGTERM');
  await exited;
}

/** Uploads `file` as `session`'s account through POST /upload (as the upload page's script does); returns its public id. */
export async function uploadClip(base: string, session: Session, file: string): Promise<string> {
  const form = new FormData();
  form.set('file', await fs.openAsBlob(file, { type: 'video/mp4' }), path.basename(file));
  form.set('title', 'Benchmark upload (1080p)');
  form.set('description', 'Uploaded by npm run bench while the mix runs; deleted afterwards.');
  form.set('tags', 'benchmark');
  form.set('visibility', 'unlisted');
  const answer = await fetch(`${base}/upload?_csrf=${encodeURIComponent(session.csrf)}`, {
    method: 'POST', body: form, headers: { Cookie: session.cookie, Accept: 'application/json' },
  });
  if (answer.status !== 201) throw new Error(`the upload answered ${answer.status}: ${await answer.text()}`);
  return ((await answer.json()) as { id: string }).id;
}

export async function processingState(pool: Pool, publicId: string): Promise<{ status: string; progress: number }> {
  const video = await findVideoByPublicId(pool, publicId);
  if (!video) throw new Error(`the uploaded video ${publicId} is gone`);
  return { status: video.status, progress: video.progress };
}

/** Waits until the worker is encoding (progress above 0), so that the mix runs beside ffmpeg. */
export async function waitForEncoding(pool: Pool, publicId: string, timeoutSeconds: number): Promise<{ status: string; progress: number }> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const state = await processingState(pool, publicId);
    if (state.status === 'failed' || state.status === 'ready') throw new Error(`the upload was ${state.status} before the mix could run beside it`);
    if (state.status === 'processing' && state.progress > 0) return state;
    if (Date.now() > deadline) throw new Error(`the upload did not start encoding within ${timeoutSeconds} s (${state.status}, ${state.progress} %)`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Deletes the uploaded video as its owner would, from the studio. */
export async function deleteUpload(base: string, session: Session, publicId: string): Promise<void> {
  const answer = await fetch(`${base}/studio/videos/${publicId}/delete`, {
    method: 'POST', redirect: 'manual',
    headers: { Cookie: session.cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: session.csrf }),
  });
  if (answer.status !== 303) throw new Error(`deleting the upload ${publicId} answered ${answer.status}`);
}
