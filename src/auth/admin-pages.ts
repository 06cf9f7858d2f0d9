import { can, canReviewSiteHolds, canSeePeople, type Viewer } from './permissions.js';

/**
 * The administration pages in the order of their nav (src/views/partials/admin-nav.ejs), each
 * with who may open it (the route table's guard for that page). The nav lists those the viewer
 * may open; the account menu's "Administration" link goes to the first of them.
 */
const ADMIN_PAGES = [
  { key: 'dashboard', href: '/admin', label: 'Dashboard', allowed: (v: Viewer | null) => can(v, 'admin.access') },
  { key: 'reports', href: '/admin/reports', label: 'Reports', allowed: (v: Viewer | null) => can(v, 'report.handle') },
  { key: 'users', href: '/admin/users', label: 'Users', allowed: (v: Viewer | null) => canSeePeople(v) },
  { key: 'roles', href: '/admin/roles', label: 'Roles', allowed: (v: Viewer | null) => can(v, 'role.assign') },
  { key: 'appeals', href: '/admin/appeals', label: 'Appeals', allowed: (v: Viewer | null) => can(v, 'video.takedown') },
  { key: 'pending', href: '/admin/videos/pending', label: 'Pending videos', allowed: (v: Viewer | null) => can(v, 'video.approve') },
  { key: 'audit', href: '/admin/audit', label: 'Audit log', allowed: (v: Viewer | null) => can(v, 'audit.read') },
  { key: 'jobs', href: '/admin/jobs', label: 'Jobs', allowed: (v: Viewer | null) => can(v, 'admin.access') },
  { key: 'held-comments', href: '/admin/comments/held', label: 'Held comments', allowed: (v: Viewer | null) => canReviewSiteHolds(v) },
  { key: 'settings', href: '/admin/settings', label: 'Settings', allowed: (v: Viewer | null) => can(v, 'settings.edit') },
  { key: 'mail', href: '/admin/mail', label: 'Mail', allowed: (v: Viewer | null) => can(v, 'settings.edit') },
] as const;

export type AdminPage = Pick<(typeof ADMIN_PAGES)[number], 'key' | 'href' | 'label'>;

/** The administration pages this viewer may open, in the nav's order. */
export function adminPagesFor(viewer: Viewer | null): AdminPage[] {
  return ADMIN_PAGES.filter((page) => page.allowed(viewer));
}
