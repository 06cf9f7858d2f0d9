import type { NextFunction, Request, Response } from 'express';
import { canSeeHeldComments, canSeePlaylist, canSeeVideo } from '../auth/permissions.js';
import { findChannelByHandle } from '../db/channels.js';
import { findComment } from '../db/comments.js';
import { findPlaylistByPublicId } from '../db/playlists.js';
import type { Queryable } from '../db/pool.js';
import { findVideoByPublicId, type VideoWithOwner } from '../db/videos.js';
import { isWatchableByLink } from '../db/visibility.js';
import { notFound } from '../http/errors.js';
import { PUBLIC_ID_PATTERN } from './public-id.js';

const HANDLE_IN_URL = /^[a-zA-Z0-9_.-]{1,30}$/;
const NO_VIDEO = 'This video does not exist, or it has been removed.';
const NO_COMMENT = 'This comment does not exist, or it has been removed.';
const COMMENT_ID = /^[1-9]\d{0,15}$/;
const NO_CHANNEL = 'There is no channel with this handle.';
const NO_PLAYLIST = 'This playlist does not exist, or it is private.';

/**
 * Loading steps of the route table: each finds the thing the URL names, answers 404 when it
 * is missing or hidden from this viewer, and puts it on the request for the steps after it.
 */
/** The video `publicId` names if anyone with the link may watch it, whoever asks; else null. */
export async function findShareableVideo(pool: Queryable, publicId: string): Promise<VideoWithOwner | null> {
  const video = PUBLIC_ID_PATTERN.test(publicId) ? await findVideoByPublicId(pool, publicId) : null;
  return video && isWatchableByLink(video) ? video : null;
}

export function loaders(pool: Queryable) {
  async function videoFrom(req: Request) {
    const publicId = String(req.params.id ?? '');
    return PUBLIC_ID_PATTERN.test(publicId) ? findVideoByPublicId(pool, publicId) : null;
  }

  return {
    /**
     * `:id`'s video, if this viewer may see it. A private or unfinished video is a 404 to
     * everyone else, not a 403: its existence is not to be revealed.
     */
    async loadVideo(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const video = await videoFrom(req);
      if (!video || !canSeeVideo(req.viewer, video)) throw notFound(NO_VIDEO);
      req.video = video;
      next();
    },

    /**
     * `:id`'s video if anyone with the link may watch it, whoever asks: what other sites embed,
     * and what counts views (an owner watching a private video adds none).
     */
    async loadSharedVideo(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const video = await findShareableVideo(pool, String(req.params.id ?? ''));
      if (!video) throw notFound(NO_VIDEO);
      req.video = video;
      next();
    },

    /**
     * `:id`'s comment and its video, if this viewer may see the video (the one rule, canSeeVideo)
     * and the comment's author is live; a held comment only to its author, the video's owner and moderators. Anything else is a
     * 404, whether the comment exists or not.
     */
    async loadComment(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const id = String(req.params.id ?? '');
      const comment = COMMENT_ID.test(id) ? await findComment(pool, Number(id)) : null;
      const video = comment ? await findVideoByPublicId(pool, comment.videoPublicId) : null;
      // A held comment: its author's, the creator's to review, and moderators' (canSeeHeldComments).
      const shown = comment && video && (!comment.held || comment.authorId === req.viewer?.id || canSeeHeldComments(req.viewer, video));
      if (!comment || !video || !shown || !canSeeVideo(req.viewer, video)) throw notFound(NO_COMMENT);
      req.comment = comment;
      req.video = video;
      next();
    },

    /**
     * `:id`'s playlist, if this viewer may see it (canSeePlaylist): a private one is a 404 to
     * everyone but its owner, as if it did not exist.
     */
    async loadPlaylist(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const publicId = String(req.params.id ?? '');
      const playlist = PUBLIC_ID_PATTERN.test(publicId) ? await findPlaylistByPublicId(pool, publicId) : null;
      if (!playlist || !canSeePlaylist(req.viewer, playlist)) throw notFound(NO_PLAYLIST);
      req.playlist = playlist;
      next();
    },

    /** `:handle`'s channel when live; a handle typed in another case moves to the canonical one (GET). */
    async loadChannel(req: Request, res: Response, next: NextFunction): Promise<void> {
      const handle = String(req.params.handle ?? '');
      const channel = HANDLE_IN_URL.test(handle) ? await findChannelByHandle(pool, handle) : null;
      if (!channel) throw notFound(NO_CHANNEL);
      // Pages only (no mount point): the API's addresses are not /@handle, and it answers the handle in any case.
      if (channel.handle !== handle && req.method === 'GET' && req.baseUrl === '') {
        // The address as sent may spell the handle percent-encoded (/@%42ob): replace its whole
        // first segment, never a slice as long as the decoded handle.
        const rest = req.originalUrl.replace(/^\/@[^/?#]*/, '');
        return res.redirect(301, `/@${channel.handle}${rest}`);
      }
      req.channel = channel;
      next();
    },
  };
}
