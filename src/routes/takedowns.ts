import type { NextFunction, Request, Response } from 'express';
import { canAppeal, heldUploadRefusal, restoreRefusal } from '../auth/permissions.js';
import { submitAppeal } from '../db/appeals.js';
import { approveHeldVideo, listHeldVideos, rejectHeldVideo } from '../db/held-uploads.js';
import { findCurrentTakedown, restoreVideo, takeDownVideo, type Takedown } from '../db/takedowns.js';
import { APPEAL_TEXT_MAX, parseAppeal, parseRestore, parseTakedown, TAKEDOWN_MESSAGE_MAX, TAKEDOWN_NOTE_MAX, TAKEDOWN_REASONS, takedownReasonLabel } from '../forms/takedown.js';
import { badRequest, forbidden, notFound } from '../http/errors.js';
import { loadedVideo } from '../http/guards.js';
import { flash } from '../http/session.js';
import { tellerOf } from '../notifications/tell.js';
import type { RouteDeps } from './deps.js';

const NO_VIDEO = 'This video does not exist, or it has been removed.';
/** A queue item's id as `?item=` carries it (the queue's item page links here with it). */
const ITEM_ID = /^[1-9]\d{0,15}$/;
/** The held videos one page of /admin/videos/pending shows, oldest first. */
const PENDING_PAGE = 50;

/** The take-down loadTakedown put on the request (null: none in force). */
function loadedTakedown(req: Request): Takedown | null {
  if (req.takedown === undefined) throw new Error(`${req.method} ${req.route?.path}: no loadTakedown before this step`);
  return req.takedown;
}

/** `?item=` of a take-down from the queue: its id, null when absent; a malformed one is a 400 before anything is written. */
function queueItem(req: Request): number | null {
  const item = req.query.item;
  if (item === undefined) return null;
  if (typeof item !== 'string' || !ITEM_ID.test(item)) throw badRequest('The queue item in the address is not one.');
  return Number(item);
}

/**
 * Take-downs (issue 13, item 3) and held uploads (item 9): a moderator's take-down and restore
 * (`video.takedown`), the owner's one appeal from the studio, and approving or rejecting held
 * uploads (`video.approve`). The route table's guards have run (permission, loadVideo); the db
 * functions lock the video's row and decide on what is there now.
 */
export function takedownRoutes(deps: RouteDeps) {
  const { pool, queue } = deps;
  const tell = tellerOf(deps);
  function renderTakedown(req: Request, res: Response, status: number, mode: 'takedown' | 'reject', values: Record<string, string>, errors: Record<string, string>, restoreValues: Record<string, string> = {}, restoreErrors: Record<string, string> = {}): void {
    const video = loadedVideo(req);
    const item = mode === 'takedown' ? queueItem(req) : null;
    res.status(status).render('admin/takedown', {
      title: mode === 'reject' ? `Reject “${video.title}”` : `Take down “${video.title}”`,
      video, mode, item, takedown: loadedTakedown(req), reasonLabel: takedownReasonLabel,
      reasons: TAKEDOWN_REASONS, messageMax: TAKEDOWN_MESSAGE_MAX, noteMax: TAKEDOWN_NOTE_MAX,
      values, errors, restoreValues, restoreErrors,
    });
  }

  function renderAppeal(req: Request, res: Response, status: number, values: Record<string, string>, errors: Record<string, string>): void {
    const video = loadedVideo(req);
    res.status(status).render('studio/appeal', { title: `Appeal: “${video.title}”`, video, takedown: loadedTakedown(req), reasonLabel: takedownReasonLabel, textMax: APPEAL_TEXT_MAX, values, errors });
  }

  return {
    /**
     * The take-down in force on the loaded video, for the pages that show it (the owner's watch
     * page and studio page, the moderators' take-down page); one lookup only when the video is down.
     */
    async loadTakedown(req: Request, res: Response, next: NextFunction): Promise<void> {
      const video = loadedVideo(req);
      req.takedown = video.moderation === 'taken_down' ? await findCurrentTakedown(pool, video.id) : null;
      res.locals.takedown = req.takedown;
      res.locals.takedownReasonLabel = takedownReasonLabel;
      next();
    },

    /** GET /admin/videos/:id/takedown — the form, or the take-down in force with Restore. */
    showTakedown(req: Request, res: Response): void {
      renderTakedown(req, res, 200, 'takedown', {}, {});
    },

    /** POST /admin/videos/:id/takedown — reason, policy for the owner, note; resolves the reports about it. */
    async takeDown(req: Request, res: Response): Promise<void> {
      const item = queueItem(req);
      const form = parseTakedown(req.body);
      if (!form.ok) return renderTakedown(req, res, 422, 'takedown', form.values, form.errors);
      const video = loadedVideo(req);
      const done = await takeDownVideo(pool, { actorId: req.viewer!.id, videoId: video.id, ...form.value }, tell);
      if (done.outcome === 'gone') throw notFound(NO_VIDEO);
      // Sent twice, or another moderator was first: their take-down stands.
      if (done.outcome !== 'taken_down') flash(req, 'info', 'This video was already taken down.');
      else flash(req, 'success', `“${video.title}” is taken down${done.itemId ? '; the reports about it are handled' : ''}.`);
      res.redirect(303, item ? `/admin/reports/${item}` : `/admin/videos/${video.publicId}/takedown`);
    },

    /** POST /admin/videos/:id/restore — back everywhere, with a message to the owner; no appeal needed. */
    async restore(req: Request, res: Response): Promise<void> {
      const form = parseRestore(req.body);
      if (!form.ok) return renderTakedown(req, res, 422, 'takedown', {}, {}, form.values, form.errors);
      const video = loadedVideo(req);
      const refusal = restoreRefusal(req.viewer, video);
      if (refusal) throw forbidden(refusal);
      const outcome = await restoreVideo(pool, { actorId: req.viewer!.id, videoId: video.id, message: form.value.message }, tell);
      if (outcome === 'gone') throw notFound(NO_VIDEO);
      if (outcome === 'own_video') throw forbidden(restoreRefusal(req.viewer, video) ?? 'This is your own video.');
      flash(req, outcome === 'restored' ? 'success' : 'info', outcome === 'restored' ? `“${video.title}” is restored.` : 'This video is not taken down.');
      res.redirect(303, `/admin/videos/${video.publicId}/takedown`);
    },

    /** GET /studio/videos/:id/appeal — the take-down and the appeal form, or the appeal already sent. */
    showAppeal(req: Request, res: Response): void {
      if (!loadedTakedown(req)) throw notFound('This video is not taken down: there is nothing to appeal.');
      renderAppeal(req, res, 200, {}, {});
    },

    /** POST /studio/videos/:id/appeal — once per take-down; a second is a 409 with the appeal already sent. */
    async appeal(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const takedown = loadedTakedown(req);
      if (!takedown) throw notFound('This video is not taken down: there is nothing to appeal.');
      if (!canAppeal(req.viewer, video, takedown)) return renderAppeal(req, res, 409, {}, { text: 'You have already appealed this take-down: a video can be appealed once.' });
      const form = parseAppeal(req.body);
      if (!form.ok) return renderAppeal(req, res, 422, form.values, form.errors);
      const outcome = await submitAppeal(pool, { ownerId: req.viewer!.id, videoId: video.id, text: form.value.text });
      if (outcome === 'none') throw notFound('This video is not taken down: there is nothing to appeal.');
      if (outcome === 'already') return renderAppeal(req, res, 409, {}, { text: 'You have already appealed this take-down: a video can be appealed once.' });
      flash(req, 'success', 'Your appeal is sent. A moderator other than the one who took the video down will decide.');
      res.redirect(303, `/studio/videos/${video.publicId}`);
    },

    /** GET /admin/videos/pending — held uploads, oldest first, with approve and reject. */
    async showPending(_req: Request, res: Response): Promise<void> {
      const { videos, total } = await listHeldVideos(pool, PENDING_PAGE);
      res.render('admin/pending', { title: 'Pending videos', videos, total });
    },

    /** POST /admin/videos/:id/approve — shown as its visibility says. Approved already: no error. */
    async approve(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const refusal = heldUploadRefusal(req.viewer, video);
      if (refusal) throw forbidden(refusal);
      const outcome = await approveHeldVideo(pool, queue, { actorId: req.viewer!.id, videoId: video.id });
      if (outcome === 'gone') throw notFound(NO_VIDEO);
      flash(req, outcome === 'approved' ? 'success' : 'info', outcome === 'approved' ? `“${video.title}” is approved.` : `“${video.title}” was not waiting for approval.`);
      res.redirect(303, '/admin/videos/pending');
    },

    /** GET /admin/videos/:id/reject — the take-down form for a held upload. */
    showReject(req: Request, res: Response): void {
      if (loadedVideo(req).moderation !== 'held') throw notFound('This video is not waiting for approval.');
      renderTakedown(req, res, 200, 'reject', {}, {});
    },

    /** POST /admin/videos/:id/reject — a take-down with a reason; the owner may appeal it. */
    async reject(req: Request, res: Response): Promise<void> {
      const form = parseTakedown(req.body);
      if (!form.ok) return renderTakedown(req, res, 422, 'reject', form.values, form.errors);
      const video = loadedVideo(req);
      const outcome = await rejectHeldVideo(pool, { actorId: req.viewer!.id, videoId: video.id, ...form.value }, tell);
      if (outcome === 'gone') throw notFound(NO_VIDEO);
      flash(req, outcome === 'rejected' ? 'success' : 'info', outcome === 'rejected' ? `“${video.title}” is rejected.` : `“${video.title}” was not waiting for approval.`);
      res.redirect(303, '/admin/videos/pending');
    },
  };
}
