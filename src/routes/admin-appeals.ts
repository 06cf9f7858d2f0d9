import type { NextFunction, Request, Response } from 'express';
import { appealDecisionRefusal } from '../auth/permissions.js';
import { decideAppeal, findAppeal, listOpenAppeals, type Appeal } from '../db/appeals.js';
import { listVideoFiles } from '../db/video-files.js';
import { findVideoByPublicId } from '../db/videos.js';
import { parseAppealDecision, TAKEDOWN_MESSAGE_MAX, takedownReasonLabel } from '../forms/takedown.js';
import { forbidden, notFound } from '../http/errors.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { tellerOf } from '../notifications/tell.js';
import { describeVideo } from './video-view.js';

const NO_APPEAL = 'There is no appeal with this number.';
const APPEAL_ID = /^[1-9]\d{0,15}$/;
/** The open appeals one page of /admin/appeals shows, oldest first. */
const APPEALS_PAGE = 50;

function loadedAppeal(req: Request): Appeal {
  if (!req.appeal) throw new Error(`${req.method} ${req.route?.path}: no loadAppeal before this step`);
  return req.appeal;
}

/**
 * The appeals queue (issue 13, item 3; permission `video.takedown`): open appeals oldest first,
 * each appeal's page with its video, the take-down and the owner's text, and the decision —
 * restore or uphold, with a message to the owner — by a moderator other than the one who took
 * the video down (appealDecisionRefusal, asked by the route and again under the locks).
 */
export function adminAppealRoutes(deps: RouteDeps) {
  const { pool, storage } = deps;
  const tell = tellerOf(deps);
  async function render(req: Request, res: Response, status: number, values: Record<string, string>, errors: Record<string, string>): Promise<void> {
    const appeal = loadedAppeal(req);
    const video = await findVideoByPublicId(pool, appeal.video.publicId);
    const player = video && video.status === 'ready' ? describeVideo(video, await listVideoFiles(pool, video.id), storage) : null;
    res.status(status).render('admin/appeal', {
      title: `Appeal: “${appeal.video.title}”`, appeal, player, reasonLabel: takedownReasonLabel(appeal.reason),
      refusal: appeal.decidedAt || appeal.restoredAt ? null : appealDecisionRefusal(req.viewer, appeal),
      messageMax: TAKEDOWN_MESSAGE_MAX, values, errors,
    });
  }

  return {
    async loadAppeal(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const id = String(req.params.id ?? '');
      const appeal = APPEAL_ID.test(id) ? await findAppeal(pool, Number(id)) : null;
      if (!appeal) throw notFound(NO_APPEAL);
      req.appeal = appeal;
      next();
    },

    /** 403 for the moderator who took the video down, with the reason. */
    allowDecision(req: Request, _res: Response, next: NextFunction): void {
      const refusal = appealDecisionRefusal(req.viewer, loadedAppeal(req));
      if (refusal) throw forbidden(refusal);
      next();
    },

    /** GET /admin/appeals — open appeals, oldest first. */
    async list(_req: Request, res: Response): Promise<void> {
      const { appeals, total } = await listOpenAppeals(pool, APPEALS_PAGE);
      res.render('admin/appeals', { title: 'Appeals', appeals, total, reasonLabel: takedownReasonLabel });
    },

    /** GET /admin/appeals/:id — the appeal; the decision form unless decided, or the viewer took the video down. */
    async show(req: Request, res: Response): Promise<void> {
      await render(req, res, 200, {}, {});
    },

    /** POST /admin/appeals/:id — restore or uphold, with a message. Decided meanwhile: said, nothing written. */
    async decide(req: Request, res: Response): Promise<void> {
      const appeal = loadedAppeal(req);
      const form = parseAppealDecision(req.body);
      if (!form.ok) return render(req, res, 422, form.values, form.errors);
      const outcome = await decideAppeal(pool, { actorId: req.viewer!.id, takedownId: appeal.id, ...form.value }, tell);
      if (outcome === 'gone') throw notFound(NO_APPEAL);
      if (outcome === 'same_moderator') throw forbidden(appealDecisionRefusal(req.viewer, appeal) ?? 'Another moderator decides this appeal.');
      if (outcome === 'decided_already') flash(req, 'info', 'This appeal was decided already.');
      else flash(req, 'success', outcome === 'restored' ? `“${appeal.video.title}” is restored.` : 'The take-down is upheld.');
      res.redirect(303, `/admin/appeals/${appeal.id}`);
    },
  };
}
