import type { NextFunction, Request, Response } from 'express';
import { can, type Permission, type Viewer } from '../auth/permissions.js';
import type { Comment } from '../db/comments.js';
import type { Playlist } from '../db/playlists.js';
import type { VideoWithOwner } from '../db/videos.js';
import type { User } from '../db/users.js';
import { forbidden, notFound } from './errors.js';

// Authorization steps of the route table: each reads like a sentence in a route's chain
// (`requireUser, loadVideo, allowVideo(canRateVideo), rate`) and uses the same predicates that
// templates call through res.locals (src/http/locals.ts), so a page offers only what is allowed.

/**
 * Where to come back to after signing in: the page itself for a GET; for a form post, the
 * page the form was on (only its path is kept, so it always stays on this site).
 */
function returnPath(req: Request): string {
  if (req.method === 'GET') return req.originalUrl;
  const referer = req.get('referer');
  if (!referer) return '/';
  try {
    return new URL(referer, 'http://local').pathname;
  } catch {
    return '/';
  }
}

function toSignIn(req: Request, res: Response): void {
  res.redirect(303, `/login?next=${encodeURIComponent(returnPath(req))}`);
}

/** Signed-in users only; others go to the sign-in page and come back. */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (!req.viewer) return toSignIn(req, res);
  next();
}

/** Signed out → sign-in page; signed in without the permission → 403. */
export function requirePermission(permission: Permission) {
  return function checkPermission(req: Request, res: Response, next: NextFunction): void {
    if (!req.viewer) return toSignIn(req, res);
    if (!can(req.viewer, permission)) throw forbidden('Your account is not allowed to do that.');
    next();
  };
}

/** The video `loadVideo` put on the request; a route that forgot the loader fails loudly. */
export function loadedVideo(req: Request): VideoWithOwner {
  if (!req.video) throw new Error(`${req.method} ${req.route?.path}: no loadVideo before this step`);
  return req.video;
}

/** The channel `loadChannel` put on the request. */
export function loadedChannel(req: Request): User {
  if (!req.channel) throw new Error(`${req.method} ${req.route?.path}: no loadChannel before this step`);
  return req.channel;
}

type Rule<T> = (viewer: Viewer | null, thing: T) => boolean;

/** 403 unless `rule(viewer, video)` holds for the loaded video. */
export function allowVideo(rule: Rule<VideoWithOwner>, refusal = 'You are not allowed to do that with this video.') {
  return function allowedOnVideo(req: Request, _res: Response, next: NextFunction): void {
    if (!rule(req.viewer, loadedVideo(req))) throw forbidden(refusal);
    next();
  };
}

/**
 * 404 unless `rule(viewer, video)` holds: for pages that are one person's own (the studio's),
 * where anyone else is told the video does not exist rather than that they may not, so a
 * private video's existence is never revealed.
 */
export function hideVideoUnless(rule: Rule<VideoWithOwner>) {
  return function videoShownOnlyTo(req: Request, _res: Response, next: NextFunction): void {
    if (!rule(req.viewer, loadedVideo(req))) throw notFound('This video does not exist, or it has been removed.');
    next();
  };
}

/** 403 unless `rule(viewer, channel)` holds for the loaded channel. */
export function allowChannel(rule: Rule<User>, refusal = 'You are not allowed to do that with this channel.') {
  return function allowedOnChannel(req: Request, _res: Response, next: NextFunction): void {
    if (!rule(req.viewer, loadedChannel(req))) throw forbidden(refusal);
    next();
  };
}

/** The comment `loadComment` put on the request. */
export function loadedComment(req: Request): Comment {
  if (!req.comment) throw new Error(`${req.method} ${req.route?.path}: no loadComment before this step`);
  return req.comment;
}

/** 403 unless `rule(viewer, comment, video)` holds for the loaded comment and its video (the creator's rules). */
export function allowCommentOnVideo(rule: (viewer: Viewer | null | undefined, comment: Comment, video: VideoWithOwner) => boolean, refusal: string) {
  return function allowedOnCommentOfVideo(req: Request, _res: Response, next: NextFunction): void {
    if (!rule(req.viewer, loadedComment(req), loadedVideo(req))) throw forbidden(refusal);
    next();
  };
}

/** 403 unless `rule(viewer, comment)` holds for the loaded comment. */
export function allowComment(rule: Rule<Comment>, refusal = 'You are not allowed to do that with this comment.') {
  return function allowedOnComment(req: Request, _res: Response, next: NextFunction): void {
    if (!rule(req.viewer, loadedComment(req))) throw forbidden(refusal);
    next();
  };
}

/** The playlist `loadPlaylist` put on the request. */
export function loadedPlaylist(req: Request): Playlist {
  if (!req.playlist) throw new Error(`${req.method} ${req.route?.path}: no loadPlaylist before this step`);
  return req.playlist;
}

/** 403 unless `rule(viewer, playlist)` holds for the loaded playlist. */
export function allowPlaylist(rule: Rule<Playlist>, refusal = 'You are not allowed to do that with this playlist.') {
  return function allowedOnPlaylist(req: Request, _res: Response, next: NextFunction): void {
    if (!rule(req.viewer, loadedPlaylist(req))) throw forbidden(refusal);
    next();
  };
}
