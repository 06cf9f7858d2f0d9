import type { Request } from 'express';
import { canSeeVideo } from '../auth/permissions.js';
import { findVideoByPublicId, type VideoWithOwner } from '../db/videos.js';
import type { Queryable } from '../db/pool.js';
import { notFound } from '../http/errors.js';
import { PUBLIC_ID_PATTERN } from './public-id.js';

/**
 * The video named by `req.params.id`, if the viewer may see it. A private or unfinished video
 * is a 404 to everyone else, not a 403: its existence is not to be revealed.
 */
export async function loadVisibleVideo(pool: Queryable, req: Request, param = 'id'): Promise<VideoWithOwner> {
  const publicId = String(req.params[param] ?? '');
  if (!PUBLIC_ID_PATTERN.test(publicId)) throw notFound('This video does not exist, or it has been removed.');
  const video = await findVideoByPublicId(pool, publicId);
  if (!video || !canSeeVideo(req.viewer, video)) throw notFound('This video does not exist, or it has been removed.');
  return video;
}
