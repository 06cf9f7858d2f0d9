import type { Request, Response } from 'express';
import { commentJson } from '../api/comment-json.js';
import { apiPage, numbered, parsePageParams, readCursor } from '../api/pages.js';
import { canSeeHeldComments } from '../auth/permissions.js';
import { postComment } from '../comments/posting.js';
import { deleteComment } from '../db/comment-deletion.js';
import { listReplies, listRootComments } from '../db/comment-listing.js';
import { findComment, type Comment } from '../db/comments.js';
import { notFound, unprocessable } from '../http/errors.js';
import { loadedComment, loadedVideo } from '../http/guards.js';
import { tellerOf } from '../notifications/tell.js';
import type { RouteDeps } from './deps.js';

/** A comment listing's cursor: the id of the last comment of the page before (keyset on id, as the page's Newest). */
const COMMENT_CURSOR = /^[1-9]\d{0,15}$/;
const NO_COMMENT = 'This comment does not exist, or it has been removed.';

/**
 * Comments through the API (issue 15): the watch page's listings, its comment form and its
 * delete button, with the same loaders, guards (in the route table), queries and posting path
 * (src/comments/posting.ts). What a viewer is shown is what the watch page shows them: nothing
 * while the creator has turned comments off, held comments only to their author, the creator
 * and moderators, a deleted root with replies as a placeholder.
 */
export function apiCommentRoutes(deps: RouteDeps) {
  const { pool, settings, config } = deps;
  const tell = tellerOf(deps);
  const toJson = (videoPublicId: string) => (c: Comment) => commentJson(c, videoPublicId, config.publicUrl);

  return {
    /** GET /api/v1/videos/:id/comments — top-level comments, newest first; the pinned one first on the first page. */
    async listComments(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const { limit, cursor } = parsePageParams(req);
      const after = readCursor(cursor, numbered(COMMENT_CURSOR));
      res.set('Cache-Control', 'no-store');
      if (video.commentsMode === 'off') return void res.json({ items: [], next: null });
      const rows = await listRootComments(pool, video.id, { after, limit: limit + 1, viewerId: req.viewer?.id ?? null, showHeld: canSeeHeldComments(req.viewer, video) });
      // The first page's statement brings the pinned comment first, beside the page (PINNED_BRANCH).
      const pinned = rows[0]?.pinned ? rows[0] : null;
      const page = apiPage(req, config.publicUrl, pinned ? rows.slice(1) : rows, limit, (c) => String(c.id), toJson(video.publicId));
      res.json({ items: pinned ? [toJson(video.publicId)(pinned), ...page.items] : page.items, next: page.next });
    },

    /** GET /api/v1/comments/:id — one comment, as loadComment lets this viewer see it; none while the video's comments are off (the page hides them). */
    showComment(req: Request, res: Response): void {
      const comment = loadedComment(req);
      const video = loadedVideo(req);
      if (video.commentsMode === 'off') throw notFound(NO_COMMENT);
      res.set('Cache-Control', 'no-store').json(commentJson(comment, video.publicId, config.publicUrl));
    },

    /** GET /api/v1/comments/:id/replies — a thread's replies, oldest first, as the page's thread shows them. */
    async listReplies(req: Request, res: Response): Promise<void> {
      const comment = loadedComment(req);
      const video = loadedVideo(req);
      const { limit, cursor } = parsePageParams(req);
      const after = readCursor(cursor, numbered(COMMENT_CURSOR));
      if (comment.threadId !== null) throw notFound('Replies are listed under the top-level comment of their thread.');
      res.set('Cache-Control', 'no-store');
      if (video.commentsMode === 'off') return void res.json({ items: [], next: null });
      const rows = await listReplies(pool, comment.id, { after, limit: limit + 1, viewerId: req.viewer?.id ?? null, showHeld: canSeeHeldComments(req.viewer, video) });
      res.json(apiPage(req, config.publicUrl, rows, limit, (c) => String(c.id), toJson(video.publicId)));
    },

    /**
     * POST /api/v1/videos/:id/comments — `{ body, parent? }`: the watch page's form. 201 with
     * the comment; a resubmit within a minute is answered 200 with the first one.
     */
    async postComment(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      // The form reads a number as nothing, which would post a reply as a top-level comment.
      const parent = (req.body as Record<string, unknown>).parent;
      if (parent !== undefined && parent !== null && typeof parent !== 'string') throw unprocessable({ parent: 'parent must be the id of a comment, as a string.' });
      const posted = await postComment({ pool, settings, tell }, req.viewer!, video, { ...req.body, parent: parent ?? '' });
      if (!posted.ok) throw unprocessable(posted.errors);
      const comment = await findComment(pool, posted.id);
      if (!comment) throw notFound(NO_COMMENT);
      res.status(posted.created ? 201 : 200).location(new URL(`/api/v1/comments/${comment.id}`, config.publicUrl).href);
      res.set('Cache-Control', 'no-store').json(commentJson(comment, video.publicId, config.publicUrl));
    },

    /** DELETE /api/v1/comments/:id — the author's or the creator's delete, as the page's button. */
    async deleteComment(req: Request, res: Response): Promise<void> {
      const comment = loadedComment(req);
      if ((await deleteComment(pool, req.viewer!.id, comment.id)) === 'nothing') throw notFound(NO_COMMENT);
      res.status(204).end();
    },
  };
}
