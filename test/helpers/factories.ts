import crypto from 'node:crypto';
import { hashPassword } from '../../src/auth/passwords.js';
import { grantRole } from '../../src/db/roles.js';
import { createAccount, softDeleteAccount, type User } from '../../src/db/users.js';
import { markFailed, markPlayable, markProcessing, setVideoProgress } from '../../src/db/video-processing.js';
import { insertVideo } from '../../src/db/videos.js';
import type { VideoStatus, Visibility } from '../../src/db/visibility.js';
import { testPool } from './database.js';

export const DEFAULT_PASSWORD = 'correct horse battery staple';

const hashes = new Map<string, Promise<string>>();
let sequence = 0;

/** A handle no other test uses. */
export function uniqueHandle(prefix = 'user'): string {
  sequence += 1;
  return `${prefix}${sequence}_${crypto.randomBytes(3).toString('hex')}`.slice(0, 30);
}

/** An account straight in the database (argon2 hashes are cached per password to keep tests quick). */
export async function createUser(options: { handle?: string; displayName?: string; email?: string; confirmedEmail?: boolean; password?: string; roles?: string[] } = {}): Promise<User & { password: string }> {
  const password = options.password ?? DEFAULT_PASSWORD;
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const handle = options.handle ?? uniqueHandle();
  const created = await createAccount(testPool(), {
    handle,
    displayName: options.displayName ?? `Test ${handle}`,
    email: options.email ?? null,
    passwordHash: await hashes.get(password)!,
    avatarKey: null,
  });
  if (!created.ok) throw new Error(`createUser: ${created.taken} taken`);
  for (const role of options.roles ?? []) await grantRole(testPool(), created.user.id, role);
  // As if its owner had followed the link mailed to it: only then does it sign in and get mail (issue 14).
  if (options.email && options.confirmedEmail) await testPool().query('UPDATE users SET email_confirmed_at = now() WHERE id = $1', [created.user.id]);
  return { ...created.user, password };
}

let videoSequence = 0;

/**
 * A video (no media files) recorded and moved through its states by the same data functions
 * the upload route and the worker use: ready and public unless told otherwise.
 */
export async function createVideo(owner: { id: number }, options: { title?: string; description?: string; tags?: string[]; visibility?: Visibility; status?: VideoStatus; durationSeconds?: number; publishedAt?: Date; publishAt?: Date } = {}) {
  videoSequence += 1;
  const publicId = `v${String(videoSequence).padStart(4, '0')}${crypto.randomBytes(5).toString('base64url')}`.slice(0, 11).replace(/[^A-Za-z0-9_-]/g, 'x');
  const status = options.status ?? 'ready';
  const db = testPool();
  const video = await insertVideo(db, {
    publicId, ownerId: owner.id, title: options.title ?? `Video ${videoSequence}`, description: options.description ?? '', tags: options.tags ?? [],
    // An upload is never scheduled (the edit page schedules): made private, then scheduled below.
    visibility: options.visibility === 'scheduled' ? 'private' : options.visibility ?? 'public', originalKey: `originals/${publicId}/source`, originalName: 'fixture.mp4', originalBytes: 0,
    durationSeconds: options.durationSeconds ?? 60, width: 1280, height: 720, frameRate: 30, videoCodec: 'h264', audioCodec: 'aac', probe: {},
  });
  if (status !== 'uploaded') await markProcessing(db, video.id);
  if (status === 'ready') {
    await markPlayable(db, video.id, null);
    await setVideoProgress(db, video.id, 100);
  }
  if (status === 'failed') await markFailed(db, video.id, 'Made failed by a test.');
  // No data function changes a publication time yet (scheduled publication will bring one).
  if (status === 'ready' && options.publishedAt) await db.query('UPDATE videos SET published_at = $2 WHERE id = $1', [video.id, options.publishedAt]);
  if (options.visibility === 'scheduled') {
    await db.query(`UPDATE videos SET visibility = 'scheduled', publish_at = $2 WHERE id = $1`, [video.id, options.publishAt ?? new Date(Date.now() + 24 * 3600 * 1000)]);
  }
  return { id: video.id, publicId: video.publicId };
}

/**
 * Bans the account as a moderator would. A single UPDATE for now: the moderation issue brings
 * the data function (with its audit row), and this factory should call it then.
 */
export async function banUser(user: { id: number }): Promise<void> {
  await testPool().query('UPDATE users SET banned_at = now() WHERE id = $1', [user.id]);
}

/** Deletes the account as its owner does from /settings/delete (the soft delete, sessions ended). */
export async function deleteUser(user: { id: number }): Promise<void> {
  await softDeleteAccount(testPool(), user.id);
}
