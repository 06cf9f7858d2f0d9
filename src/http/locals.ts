import type { NextFunction, Request, Response } from 'express';
import type { SiteSettingsStore } from '../settings/site-settings.js';
import { canGiveRole, canSeePeople } from '../auth/permissions.js';
import { canApproveComment } from '../auth/permissions.js';
import { areCommentsOpen, can, canChangeComment, canCurateComment, canDeleteComment, canCommentOn, canRateComment, canRemoveComment, canSeeCommentRevisions, canDeleteVideo, canEditChannel, canEditPlaylist, canEditVideo, canManagePlaylist, canManageUpload, canRateVideo, canRemoveWatchedFrom, canReportChannel, canReportComment, canReportVideo, canSaveVideo, canSeeVideo, canSubscribeTo, isOwnerOr, type Permission, type Viewer } from '../auth/permissions.js';
import { canRestore, canTakeDown } from '../auth/permissions.js';
import { isListed, isWatchableByLink } from '../db/visibility.js';
import { REMOVAL_REASONS } from '../forms/comment-removal.js';
import { formatCount, formatDate, formatDateTime, formatNumber, plural } from '../format.js';
import { avatarSizeFor2x, avatarUrl as avatarFileUrl, type AvatarSize, type Storage } from '../media/index.js';
import { adminPagesFor } from '../auth/admin-pages.js';
import { bellCount } from '../notifications/bell.js';

export interface ViewHelpers {
  avatarUrl(owner: { avatarKey: string | null }, size: AvatarSize): string;
  avatarSrcset(owner: { avatarKey: string | null }, size: AvatarSize): string;
  formatDate(date: Date): string;
  formatDateTime(date: Date): string;
  /** "1.2K", as counts are shown next to views, likes and subscribers. */
  formatCount(n: number): string;
  /** "1,234,567", as tables of figures show them. */
  formatNumber(n: number): string;
  /** "1 view", "2 views". */
  plural(n: number, one: string, many: string): string;
  /** The reasons a moderator removes a comment for (the removal form under each comment). */
  removalReasons: typeof REMOVAL_REASONS;
}

/** `asset` gives the address of a file of public/ (http/assets.ts). */
export function viewHelpers(storage: Storage, asset: (name: string) => string): ViewHelpers {
  const defaultAvatarUrl = asset('icons/avatar.svg');
  const avatarUrl = (owner: { avatarKey: string | null }, size: AvatarSize) =>
    owner.avatarKey ? avatarFileUrl(storage, owner.avatarKey, size) : defaultAvatarUrl;
  return {
    avatarUrl,
    /** `size` for ordinary screens and the next size up (about twice) for dense ones. */
    avatarSrcset(owner, size) {
      return `${avatarUrl(owner, size)} 1x, ${avatarUrl(owner, avatarSizeFor2x(size))} 2x`;
    },
    formatDate,
    formatDateTime,
    formatCount,
    formatNumber,
    plural,
    removalReasons: REMOVAL_REASONS,
  };
}

type Subject<F> = F extends (viewer: never, thing: infer T) => boolean ? T : never;

/**
 * The permission predicates of src/auth/permissions.ts, bound to this viewer: templates ask the
 * same questions the route table's guards ask, so a page offers only what the server allows.
 */
function setPredicates(res: Response, viewer: Viewer | null): void {
  res.locals.can = (permission: Permission) => can(viewer, permission);
  res.locals.isOwnerOr = (ownerId: number, permission: Permission) => isOwnerOr(viewer, ownerId, permission);
  res.locals.canEditChannel = (ownerId: number) => canEditChannel(viewer, ownerId);
  res.locals.canSeeVideo = (video: Subject<typeof canSeeVideo>) => canSeeVideo(viewer, video);
  res.locals.canRateVideo = (video: Subject<typeof canRateVideo>) => canRateVideo(viewer, video);
  res.locals.canSubscribeTo = (channel: Subject<typeof canSubscribeTo>) => canSubscribeTo(viewer, channel);
  res.locals.canDeleteVideo = (video: Subject<typeof canDeleteVideo>) => canDeleteVideo(viewer, video);
  res.locals.canManageUpload = (video: Subject<typeof canManageUpload>) => canManageUpload(viewer, video);
  res.locals.canEditVideo = (video: Subject<typeof canEditVideo>) => canEditVideo(viewer, video);
  res.locals.canCommentOn = (video: Subject<typeof canCommentOn>) => canCommentOn(viewer, video);
  res.locals.canChangeComment = (comment: Subject<typeof canChangeComment>) => canChangeComment(viewer, comment);
  res.locals.areCommentsOpen = (video: Subject<typeof areCommentsOpen>) => areCommentsOpen(viewer, video);
  res.locals.canRateComment = (comment: Subject<typeof canRateComment>) => canRateComment(viewer, comment);
  res.locals.canDeleteComment = (comment: Parameters<typeof canDeleteComment>[1], video: Parameters<typeof canDeleteComment>[2]) => canDeleteComment(viewer, comment, video);
  res.locals.canCurateComment = (comment: Parameters<typeof canCurateComment>[1], video: Parameters<typeof canCurateComment>[2]) => canCurateComment(viewer, comment, video);
  res.locals.canApproveComment = (comment: Parameters<typeof canApproveComment>[1], video: Parameters<typeof canApproveComment>[2]) => canApproveComment(viewer, comment, video);
  res.locals.canRemoveComment = (comment: Subject<typeof canRemoveComment>) => canRemoveComment(viewer, comment);
  res.locals.canSeeCommentRevisions = () => canSeeCommentRevisions(viewer);
  res.locals.canManagePlaylist = (playlist: Subject<typeof canManagePlaylist>) => canManagePlaylist(viewer, playlist);
  res.locals.canEditPlaylist = (playlist: Subject<typeof canEditPlaylist>) => canEditPlaylist(viewer, playlist);
  res.locals.canRemoveWatchedFrom = (playlist: Subject<typeof canRemoveWatchedFrom>) => canRemoveWatchedFrom(viewer, playlist);
  res.locals.canSaveVideo = (video: Subject<typeof canSaveVideo>) => canSaveVideo(viewer, video);
  // Reports (issue 13): templates offer the link to signed-out visitors too (`!viewer || …`): it leads to sign in.
  res.locals.canReportVideo = (video: Subject<typeof canReportVideo>) => canReportVideo(viewer, video);
  res.locals.canReportComment = (comment: Subject<typeof canReportComment>) => canReportComment(viewer, comment);
  res.locals.canReportChannel = (channel: Subject<typeof canReportChannel>) => canReportChannel(viewer, channel);
  res.locals.canSeePeople = () => canSeePeople(viewer);
  res.locals.canGiveRole = (permissions: readonly string[]) => canGiveRole(viewer, permissions);
  res.locals.adminPages = () => adminPagesFor(viewer);
  res.locals.canTakeDown = (video: Subject<typeof canTakeDown>) => canTakeDown(viewer, video);
  res.locals.canRestore = (video: Subject<typeof canRestore>) => canRestore(viewer, video);
}

/**
 * What every template may use, set before anything can fail so that error pages render too:
 * the site name, helpers, `asset('css/site.css')` (a file of public/ at its hashed address),
 * the request id, and a signed-out viewer.
 */
export function baseLocals(options: { siteName: string; helpers: ViewHelpers; asset: (name: string) => string }) {
  return function locals(req: Request, res: Response, next: NextFunction): void {
    res.locals.siteName = options.siteName;
    res.locals.helpers = options.helpers;
    res.locals.asset = options.asset;
    res.locals.requestId = String(req.id ?? '');
    res.locals.currentPath = req.originalUrl;
    res.locals.searchQuery = '';
    res.locals.viewer = null;
    res.locals.isListed = isListed;
    res.locals.isWatchableByLink = isWatchableByLink;
    // The header's notification bell (src/notifications/bell.ts).
    res.locals.bellCount = bellCount;
    setPredicates(res, null);
    res.locals.csrfToken = () => '';
    res.locals.flash = [];
    next();
  };
}

/**
 * The site settings of this request (src/settings/site-settings.ts) as `site`, and the site name
 * from them: after the page cache, so kept pages cost no read.
 */
export function siteLocals(settings: SiteSettingsStore) {
  return function locals(_req: Request, res: Response, next: NextFunction): void {
    settings.get().then((site) => {
      res.locals.site = site;
      res.locals.siteName = site.siteName;
      next();
    }, next);
  };
}

/**
 * Once the session and viewer are loaded: the viewer and the same permission predicates the
 * routes use, and flash messages. The CSRF token comes from csrfProtection (http/csrf.ts).
 */
export function sessionLocals(req: Request, res: Response, next: NextFunction): void {
  const viewer = req.viewer;
  res.locals.viewer = viewer;
  setPredicates(res, viewer);
  if (req.session?.flash) {
    res.locals.flash = req.session.flash;
    delete req.session.flash;
  }
  next();
}
