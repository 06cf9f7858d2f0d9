import type { Request, Response } from 'express';
import { listCommentRevisions, removeComment } from '../db/comment-moderation.js';
import { parseCommentRemoval, REMOVAL_NOTE_MAX, REMOVAL_REASONS } from '../forms/comment-removal.js';
import { notFound } from '../http/errors.js';
import { loadedComment, loadedVideo } from '../http/guards.js';
import { linkifyComment } from '../http/html.js';
import { prefersJson } from '../http/negotiation.js';
import type { RouteDeps } from './deps.js';
import { tellerOf } from '../notifications/tell.js';
import { commentPlace } from './comment-places.js';

/**
 * Moderators' tools on comments (issue 11, item 8; permission `comment.remove.any`): removing
 * any comment with a reason, recorded in the audit log, and reading an edited comment's earlier
 * versions. The route table's guards (loadComment, then canRemoveComment or
 * canSeeCommentRevisions) have run: the comment is one this moderator may see.
 */
export function commentModerationRoutes(deps: RouteDeps) {
  const { pool } = deps;
  const tell = tellerOf(deps);
  /** Where a comment sits on the watch page. */
  function commentPath(req: Request): string {
    const comment = loadedComment(req);
    return commentPlace(loadedVideo(req).publicId, comment);
  }

  /** The removal page: the comment, the reason list and the note (with errors: 422, typed values kept). */
  function renderRemove(req: Request, res: Response, status: number, values: Record<string, string>, errors: Record<string, string>): void {
    const comment = loadedComment(req);
    const video = loadedVideo(req);
    if (status === 422 && prefersJson(req)) return void res.status(422).json({ error: { status: 422, message: Object.values(errors)[0], fields: errors } });
    res.status(status).render('comments/remove', {
      title: 'Remove a comment',
      video,
      comment,
      html: linkifyComment(comment.body, `/watch/${video.publicId}`, video.durationSeconds),
      back: commentPath(req),
      reasons: REMOVAL_REASONS,
      noteMax: REMOVAL_NOTE_MAX,
      values,
      errors,
    });
  }

  return {
    /** GET /comments/:id/remove — the confirmation page with the reason (works without scripts). */
    showRemove(req: Request, res: Response): void {
      renderRemove(req, res, 200, { reason: '', note: '' }, {});
    },

    /** POST /comments/:id/remove — reason (from REMOVAL_REASONS) and an optional note; recorded in the audit log. */
    async remove(req: Request, res: Response): Promise<void> {
      const form = parseCommentRemoval(req.body);
      if (!form.ok) return renderRemove(req, res, 422, form.values, form.errors);
      const comment = loadedComment(req);
      const video = loadedVideo(req);
      const outcome = await removeComment(pool, { moderatorId: req.viewer!.id, commentId: comment.id, reason: form.value.reason, note: form.value.note }, tell);
      if (outcome === 'nothing') throw notFound('This comment does not exist, or it has been removed.');
      if (prefersJson(req)) return void res.json({ id: comment.id, outcome, reason: form.value.reason });
      res.redirect(303, commentPlace(video.publicId, comment, 'comments'));
    },

    /** GET /comments/:id/revisions — the comment's earlier versions, oldest first, with their times (moderators). */
    async revisions(req: Request, res: Response): Promise<void> {
      const comment = loadedComment(req);
      const video = loadedVideo(req);
      const earlier = await listCommentRevisions(pool, comment.id);
      // Each text was written when the one before it was replaced (the first: when posted).
      const versions = [
        ...earlier.map((r, i) => ({ body: r.body, writtenAt: i === 0 ? comment.createdAt : earlier[i - 1]!.replacedAt, replacedAt: r.replacedAt as Date | null })),
        ...(comment.deletedAt ? [] : [{ body: comment.body, writtenAt: earlier.at(-1)?.replacedAt ?? comment.createdAt, replacedAt: null }]),
      ];
      if (prefersJson(req)) return void res.json({ id: comment.id, versions });
      res.render('comments/revisions', {
        title: 'Versions of a comment',
        video,
        comment,
        back: commentPath(req),
        versions: versions.map((v) => ({ ...v, html: linkifyComment(v.body, `/watch/${video.publicId}`, video.durationSeconds) })),
      });
    },
  };
}
