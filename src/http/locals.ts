import type { NextFunction, Request, Response } from 'express';
import { can, canEditChannel, isOwnerOr, type Permission } from '../auth/permissions.js';
import { AVATAR_SIZES_PX, avatarObjectKey, type AvatarSize } from '../media/images.js';
import type { Storage } from '../media/storage.js';

const DATE_FORMAT = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const DEFAULT_AVATAR_URL = '/static/icons/avatar.svg';

export interface ViewHelpers {
  avatarUrl(owner: { avatarKey: string | null }, size: AvatarSize): string;
  avatarSrcset(owner: { avatarKey: string | null }, size: AvatarSize): string;
  formatDate(date: Date): string;
  /** "1.2K", as counts are shown next to views, likes and subscribers. */
  formatCount(n: number): string;
  /** "1 view", "2 views". */
  plural(n: number, one: string, many: string): string;
}

const COMPACT = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function viewHelpers(storage: Storage): ViewHelpers {
  const avatarUrl = (owner: { avatarKey: string | null }, size: AvatarSize) =>
    owner.avatarKey ? storage.url(avatarObjectKey(owner.avatarKey, size)) : DEFAULT_AVATAR_URL;
  return {
    avatarUrl,
    /** `size` for ordinary screens and the next size up (about twice) for dense ones. */
    avatarSrcset(owner, size) {
      const double = AVATAR_SIZES_PX.find((s) => s >= size * 2) ?? AVATAR_SIZES_PX.at(-1)!;
      return `${avatarUrl(owner, size)} 1x, ${avatarUrl(owner, double)} 2x`;
    },
    formatDate: (date) => DATE_FORMAT.format(date),
    formatCount: (n) => COMPACT.format(n),
    plural: (n, one, many) => `${COMPACT.format(n)} ${n === 1 ? one : many}`,
  };
}

/**
 * What every template may use, set before anything can fail so that error pages render too:
 * the site name, helpers, the request id, and a signed-out viewer.
 */
export function baseLocals(options: { siteName: string; helpers: ViewHelpers }) {
  return function locals(req: Request, res: Response, next: NextFunction): void {
    res.locals.siteName = options.siteName;
    res.locals.helpers = options.helpers;
    res.locals.requestId = String(req.id ?? '');
    res.locals.currentPath = req.originalUrl;
    res.locals.searchQuery = '';
    res.locals.viewer = null;
    res.locals.can = () => false;
    res.locals.isOwnerOr = () => false;
    res.locals.canEditChannel = () => false;
    res.locals.csrfToken = () => '';
    res.locals.flash = [];
    next();
  };
}

/**
 * Once the session and viewer are loaded: the viewer and the same permission predicates the
 * routes use, and flash messages. The CSRF token comes from csrfProtection (http/csrf.ts).
 */
export function sessionLocals(req: Request, res: Response, next: NextFunction): void {
  const viewer = req.viewer;
  res.locals.viewer = viewer;
  res.locals.can = (permission: Permission) => can(viewer, permission);
  res.locals.isOwnerOr = (ownerId: number, permission: Permission) => isOwnerOr(viewer, ownerId, permission);
  res.locals.canEditChannel = (ownerId: number) => canEditChannel(viewer, ownerId);
  if (req.session?.flash) {
    res.locals.flash = req.session.flash;
    delete req.session.flash;
  }
  next();
}
