import type { Request, Response } from 'express';
import { listMyComments, parseMyCommentsCursor } from '../db/my-comments.js';
import { removalReasonLabel } from '../forms/comment-removal.js';
import type { RouteDeps } from './deps.js';
import { keysetPage } from './pagination.js';
import { commentLink } from './comment-places.js';

export const MY_COMMENTS_PER_PAGE = 20;

/** GET /settings/comments — the signed-in viewer's own comments (issue 11, item 12). */
export function myCommentsRoutes({ pool }: RouteDeps) {
  return {
    async show(req: Request, res: Response): Promise<void> {
      const after = parseMyCommentsCursor(req.query.after);
      const rows = await listMyComments(pool, req.viewer!.id, { after, limit: MY_COMMENTS_PER_PAGE + 1 });
      const page = keysetPage(rows, MY_COMMENTS_PER_PAGE, (c) => c.cursor);
      res.render('settings/comments', {
        title: 'Your comments',
        comments: page.items.map((c) => ({ ...c, reasonLabel: removalReasonLabel(c.reason), href: c.video ? commentLink(c.video.publicId, c) : null })),
        nextAfter: page.nextAfter,
        isFirstPage: after === null,
      });
    },
  };
}
