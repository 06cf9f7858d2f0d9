import type { Request, Response } from 'express';
import { removeComment } from '../db/comment-moderation.js';
import { approveSiteHeldComment, countSiteHeldComments, listSiteHeldComments } from '../db/site-held-comments.js';
import { parseCommentRemoval, REMOVAL_REASONS } from '../forms/comment-removal.js';
import { badRequest, notFound } from '../http/errors.js';
import { loadedComment } from '../http/guards.js';
import { linkifyComment } from '../http/html.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { commentLink } from './comment-places.js';
import { keysetPage } from './pagination.js';
import { tellerOf } from '../notifications/tell.js';

export const HELD_PER_PAGE = 50;
const CURSOR = /^[1-9]\d{0,17}$/;
const GONE = 'This comment is no longer waiting for review: approved or removed meanwhile.';

/**
 * /admin/comments/held (issue 13, item 9; comment.remove.any, canReviewSiteHolds): the comments
 * the site holds for its watched words, newest first, each approved or removed with a reason,
 * both recorded in the audit log. The route table's guards have run for the actions (loadComment,
 * canReviewSiteHold: held for a watched word, not deleted).
 */
export function adminHeldCommentRoutes(deps: RouteDeps) {
  const { pool } = deps;
  const tell = tellerOf(deps);
  async function render(req: Request, res: Response, status: number, values: Record<string, string> = {}, errors: Record<string, string> = {}): Promise<void> {
    const raw = req.query.after;
    if (raw !== undefined && (typeof raw !== 'string' || !CURSOR.test(raw))) throw badRequest('That page of held comments could not be found: start from the first.');
    const after = raw === undefined ? null : Number(raw);
    const [rows, waiting] = await Promise.all([listSiteHeldComments(pool, { after, limit: HELD_PER_PAGE + 1 }), countSiteHeldComments(pool)]);
    const page = keysetPage(rows, HELD_PER_PAGE, (c) => String(c.id));
    res.status(status).render('admin/held-comments', {
      title: 'Held comments',
      description: "Comments holding one of the site's watched words, waiting for a moderator.",
      waiting,
      items: page.items.map((c) => ({ ...c, href: commentLink(c.video.publicId, c), html: linkifyComment(c.body, `/watch/${c.video.publicId}`, c.video.durationSeconds) })),
      nextPage: page.nextAfter ? `/admin/comments/held?after=${page.nextAfter}` : null,
      isFirstPage: after === null,
      reasons: REMOVAL_REASONS,
      values,
      errors,
    });
  }

  return {
    /** GET /admin/comments/held?after= */
    show: (req: Request, res: Response) => render(req, res, 200),

    /** POST /admin/comments/held/:id/approve — shown to all and counted; audited ('comment.approve'). */
    async approve(req: Request, res: Response): Promise<void> {
      const comment = loadedComment(req);
      if (!(await approveSiteHeldComment(pool, { moderatorId: req.viewer!.id, commentId: comment.id }, tell))) throw notFound(GONE);
      flash(req, 'success', `The comment of @${comment.author.handle} is approved.`);
      res.redirect(303, '/admin/comments/held');
    },

    /** POST /admin/comments/held/:id/remove — reason (REMOVAL_REASONS), optional note; audited ('comment.remove'). */
    async remove(req: Request, res: Response): Promise<void> {
      const comment = loadedComment(req);
      const form = parseCommentRemoval(req.body);
      if (!form.ok) {
        // Each row has its own form: the messages name the fields of this comment's.
        const errors = Object.fromEntries(Object.entries(form.errors).map(([k, v]) => [`${k}-${comment.id}`, v]));
        return render(req, res, 422, { [`reason-${comment.id}`]: form.values.reason ?? '', [`note-${comment.id}`]: form.values.note ?? '' }, errors);
      }
      const outcome = await removeComment(pool, { moderatorId: req.viewer!.id, commentId: comment.id, reason: form.value.reason, note: form.value.note }, tell);
      if (outcome === 'nothing') throw notFound(GONE);
      flash(req, 'success', `The comment of @${comment.author.handle} is removed.`);
      res.redirect(303, '/admin/comments/held');
    },
  };
}
