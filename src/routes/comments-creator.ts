import type { Request, Response } from 'express';
import { heartComment, pinComment, unpinComment } from '../db/comment-curation.js';
import { approveComment, COMMENTS_MODES, setCommentsMode, type CommentsMode } from '../db/comments.js';
import { field } from '../forms/fields.js';
import { badRequest, notFound } from '../http/errors.js';
import { loadedComment, loadedVideo } from '../http/guards.js';
import { prefersJson } from '../http/negotiation.js';
import type { RouteDeps } from './deps.js';
import { commentPlace } from './comment-places.js';
import { tellerOf } from '../notifications/tell.js';

/**
 * The creator's tools on comments under their own videos (issue 11, item 7): pin, unpin, heart,
 * unheart. The route table's guard (canCurateComment) has already made sure the viewer owns the
 * comment's video; deleting is the author's route with the wider rule (canDeleteComment).
 */
export function commentCreatorRoutes(deps: RouteDeps) {
  const { pool } = deps;
  const tell = tellerOf(deps);
  function done(req: Request, res: Response, answer: Record<string, unknown>): void {
    const comment = loadedComment(req);
    if (prefersJson(req)) return void res.json({ id: comment.id, ...answer });
    const video = loadedVideo(req);
    res.redirect(303, commentPlace(video.publicId, comment));
  }

  return {
    /** POST /comments/:id/pin — pins a top-level comment; the video's previous pin is unpinned. */
    async pin(req: Request, res: Response): Promise<void> {
      const comment = loadedComment(req);
      if (comment.threadId !== null) throw badRequest('Only a top-level comment can be pinned, not a reply.');
      if (!(await pinComment(pool, comment.videoId, comment.id))) throw notFound('This comment does not exist, or it has been removed.');
      done(req, res, { pinned: true });
    },

    /** POST /comments/:id/unpin */
    async unpin(req: Request, res: Response): Promise<void> {
      await unpinComment(pool, loadedComment(req).id);
      done(req, res, { pinned: false });
    },

    /** POST /comments/:id/approve — a held comment is shown to all and counted. */
    async approve(req: Request, res: Response): Promise<void> {
      if (!(await approveComment(pool, loadedComment(req).id, tell))) throw notFound('There is no comment waiting for review here.');
      done(req, res, { held: false });
    },

    /** POST /watch/:id/comments/mode — comments on, off, or held for review (mode=on|off|held). */
    async mode(req: Request, res: Response): Promise<void> {
      const mode = field(req.body, 'mode');
      if (!(COMMENTS_MODES as readonly string[]).includes(mode)) throw badRequest('Choose on, off or held for review.');
      const video = loadedVideo(req);
      await setCommentsMode(pool, video.id, mode as CommentsMode);
      if (prefersJson(req)) return void res.json({ mode });
      res.redirect(303, `/watch/${video.publicId}#comments`);
    },

    /** POST /comments/:id/heart and /unheart */
    heart(hearted: boolean) {
      return async function heart(req: Request, res: Response): Promise<void> {
        if (!(await heartComment(pool, loadedComment(req).id, hearted))) throw notFound('This comment does not exist, or it has been removed.');
        done(req, res, { hearted });
      };
    },
  };
}
