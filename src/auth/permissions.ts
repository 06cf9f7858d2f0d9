import type { Request, Response, NextFunction } from 'express';
import { forbidden } from '../http/errors.js';

/**
 * Every permission a role can grant, with what it allows. Roles get them through the
 * role_permissions table (seeded by sql/migrations/*_roles.sql); '*' grants them all.
 */
export const PERMISSIONS = {
  'video.upload': 'Upload videos to their own channel',
  'video.rate': 'Like and dislike videos',
  'comment.create': 'Comment on videos',
  'channel.subscribe': 'Subscribe to channels',
  'playlist.manage': 'Keep playlists',
  'video.remove.any': 'Remove any video',
  'video.hide.any': 'Hide any video from listings',
  'comment.remove.any': 'Remove any comment',
  'report.handle': 'Work the report queue',
  'user.ban': 'Ban and unban users',
  'role.assign': 'Give and take roles',
  'admin.access': 'Open the administration pages',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = '*';

/** The signed-in user as requests and templates see it. */
export interface Viewer {
  id: number;
  handle: string;
  displayName: string;
  avatarKey: string | null;
  roles: readonly string[];
  permissions: ReadonlySet<string>;
  banned: boolean;
}

/** May this viewer (or nobody signed in) do `permission`? A banned account may do nothing. */
export function can(viewer: Viewer | null | undefined, permission: Permission): boolean {
  if (!viewer || viewer.banned) return false;
  return viewer.permissions.has(ALL_PERMISSIONS) || viewer.permissions.has(permission);
}

/** The owner of a thing, or anyone holding `permission` over all such things. */
export function isOwnerOr(viewer: Viewer | null | undefined, ownerId: number, permission: Permission): boolean {
  if (!viewer || viewer.banned) return false;
  return viewer.id === ownerId || can(viewer, permission);
}

/** A channel's profile and settings are its owner's alone. */
export function canEditChannel(viewer: Viewer | null | undefined, channelOwnerId: number): boolean {
  return !!viewer && !viewer.banned && viewer.id === channelOwnerId;
}

/**
 * Where to come back to after signing in: the page itself for a GET; for a form post, the
 * page the form was on (only its path is kept, so it always stays on this site).
 */
function returnPath(req: Request): string {
  if (req.method === 'GET') return req.originalUrl;
  const referer = req.get('referer');
  return referer ? new URL(referer, 'http://local').pathname : '/';
}

/** Route guard: signed out → sign-in page; signed in without the permission → 403. */
export function requirePermission(permission: Permission) {
  return function checkPermission(req: Request, res: Response, next: NextFunction): void {
    if (!req.viewer) {
      res.redirect(303, `/login?next=${encodeURIComponent(returnPath(req))}`);
      return;
    }
    if (!can(req.viewer, permission)) throw forbidden('Your account is not allowed to do that.');
    next();
  };
}

/** Route guard: signed-in users only. */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (!req.viewer) {
    res.redirect(303, `/login?next=${encodeURIComponent(returnPath(req))}`);
    return;
  }
  next();
}

interface VideoAccess {
  ownerId: number;
  visibility: 'public' | 'unlisted' | 'private';
  status: 'uploaded' | 'processing' | 'ready' | 'failed';
}

/** Moderators see every video, whatever its visibility or state, to act on it. */
export function canModerateVideos(viewer: Viewer | null | undefined): boolean {
  return can(viewer, 'video.remove.any') || can(viewer, 'video.hide.any');
}

/**
 * Who may open a video and its media: anyone once it is ready and not private (an unlisted
 * one only through its unguessable id); its owner and moderators always.
 */
export function canSeeVideo(viewer: Viewer | null | undefined, video: VideoAccess): boolean {
  if (viewer && !viewer.banned && (viewer.id === video.ownerId || canModerateVideos(viewer))) return true;
  return video.status === 'ready' && video.visibility !== 'private';
}

/** Deleting: the owner, or a moderator who may remove any video. */
export function canDeleteVideo(viewer: Viewer | null | undefined, video: Pick<VideoAccess, 'ownerId'>): boolean {
  return isOwnerOr(viewer, video.ownerId, 'video.remove.any');
}

/** Retrying a failed video, and seeing why it failed: its owner. */
export function canManageUpload(viewer: Viewer | null | undefined, video: Pick<VideoAccess, 'ownerId'>): boolean {
  return !!viewer && !viewer.banned && viewer.id === video.ownerId;
}
