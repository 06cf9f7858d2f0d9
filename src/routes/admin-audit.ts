import type { Request, Response } from 'express';
import { can, canSeePeople, canSeeVideo, type Viewer } from '../auth/permissions.js';
import { auditDiff } from '../audit/diff.js';
import { findAuditTargets, findUserIdByHandle, listAuditEntries, type AuditRow, type AuditTarget } from '../db/audit-log-listing.js';
import { AUDIT_FILTER_FIELDS, auditQueryString, parseAuditQuery, type AuditQuery } from '../forms/audit-filters.js';
import type { RouteDeps } from './deps.js';
import { commentLink } from './comment-places.js';

/** Where a target is, for this viewer: a link when it still exists and they may see it. */
function targetLink(viewer: Viewer | null, target: AuditTarget | undefined): { href: string; label: string } | null {
  if (!target) return null;
  switch (target.kind) {
    case 'video':
      return canSeeVideo(viewer, target.access) ? { href: `/watch/${target.publicId}`, label: target.title } : null;
    case 'comment':
      return canSeeVideo(viewer, target.access) ? { href: commentLink(target.videoPublicId, { id: target.commentId, threadId: target.threadId }), label: 'the comment' } : null;
    case 'user':
      // The person's administration page for who may see it (their history is there), else their channel.
      if (canSeePeople(viewer)) return { href: `/admin/users/${target.handle}`, label: `@${target.handle}` };
      return target.live ? { href: `/@${target.handle}`, label: `@${target.handle}` } : null;
    case 'role':
      return can(viewer, 'role.assign') ? { href: `/admin/roles/${target.name}`, label: target.name } : null;
    case 'report':
      return can(viewer, 'report.handle') ? { href: `/admin/reports/${target.itemId}`, label: `report item ${target.itemId}` } : null;
  }
}

/**
 * The audit log (issue 13, item 6; permission audit.read): every moderation and administration
 * action, newest first, 50 a page after a cursor, filtered by actor, action, target and days.
 */
export function adminAuditRoutes({ pool }: RouteDeps) {
  function render(res: Response, status: number, view: { values: Record<string, string>; errors: Record<string, string>; rows: unknown[]; next: string | null; first?: string | null; filtered: boolean }) {
    res.status(status).render('admin/audit', { title: 'Audit log', fields: AUDIT_FILTER_FIELDS, first: null, ...view });
  }

  async function present(viewer: Viewer | null, rows: AuditRow[]) {
    const targets = await findAuditTargets(pool, rows);
    return rows.map((row) => ({
      ...row,
      link: row.targetKind === 'settings' ? (can(viewer, 'settings.edit') ? { href: '/admin/settings', label: 'the site settings' } : null) : targetLink(viewer, targets.get(`${row.targetKind}:${row.targetId}`)),
      diff: auditDiff(row.before, row.after),
    }));
  }

  return {
    /** GET /admin/audit — bad filters are a 400 with the form and its messages, never a 500. */
    async show(req: Request, res: Response): Promise<void> {
      const parsed = parseAuditQuery(req.query as Record<string, unknown>);
      if (!parsed.ok) return render(res, 400, { values: parsed.values, errors: parsed.errors, rows: [], next: null, filtered: true });
      const query: AuditQuery = parsed.value;
      const values = Object.fromEntries(AUDIT_FILTER_FIELDS.map((f) => [f, query[f] ?? '']));
      const filtered = AUDIT_FILTER_FIELDS.some((f) => query[f] !== null);
      // An unknown handle matches nothing: the page says so, rather than showing everyone's actions.
      const actorId = query.actor === null ? null : await findUserIdByHandle(pool, query.actor);
      if (query.actor !== null && actorId === null) return render(res, 200, { values, errors: {}, rows: [], next: null, filtered });
      const page = await listAuditEntries(pool, { actorId, action: query.action, targetKind: query.kind, targetId: query.target, from: query.from, to: query.to, after: query.after });
      const rows = await present(req.viewer, page.rows);
      const next = page.hasMore ? `/admin/audit${auditQueryString(query, page.rows.at(-1)!.id)}` : null;
      const first = query.after !== null ? `/admin/audit${auditQueryString(query, null)}` : null;
      render(res, 200, { values, errors: {}, rows, next, first, filtered });
    },
  };
}
