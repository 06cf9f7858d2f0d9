import type { NextFunction, Request, Response } from 'express';
import { banRefusal, can, canBanUser, canRemoveComment, canWarnUser, warnRefusal } from '../auth/permissions.js';
import { findBanTarget } from '../db/bans.js';
import { listActionsOnPerson } from '../db/people.js';
import { banAuthorOfItem, dismissReportItem, removeCommentOfItem, warnAuthorOfItem, type ActionOutcome } from '../db/report-actions.js';
import { claimReportItem, findReportItem, findReportedComment, listItemsAboutOwner, listReportsOfItem, releaseReportItem, type ItemReport, type ReportItem } from '../db/report-items.js';
import { listVideoFiles } from '../db/video-files.js';
import { findVideoById } from '../db/videos.js';
import { listWarningsOf } from '../db/warnings.js';
import { formatDuration } from '../format.js';
import { BAN_NOTE_MAX, BAN_REASONS, banReasonLabel, parseBan } from '../forms/ban.js';
import { parseCommentRemoval, REMOVAL_REASONS } from '../forms/comment-removal.js';
import { field } from '../forms/fields.js';
import { ACTION_NOTE_MAX, DISMISS_REASONS, dismissReasonLabel, parseDismissal, parseWarning, WARNING_MESSAGE_MAX, WARNING_REASONS } from '../forms/report-action.js';
import { reasonOfSeverity, reportReasonLabel } from '../forms/report.js';
import { forbidden, HttpError, notFound } from '../http/errors.js';
import { linkifyComment, parseStartTime } from '../http/html.js';
import { flash } from '../http/session.js';
import { commentLink } from './comment-places.js';
import type { RouteDeps } from './deps.js';
import { tellerOf } from '../notifications/tell.js';
import { describeVideo } from './video-view.js';

/** Ids as the queue writes them; anything else is a 404 before any query. */
const ITEM_ID = /^[1-9][0-9]{0,15}$/;
/** How much of the author's history the item page shows of each kind (their page has more). */
export const HISTORY_SHOWN = 20;
const NO_ITEM = 'There is no report item with this number.';

type Form = 'dismiss' | 'remove' | 'warn' | 'ban';

function loadedItem(req: Request): ReportItem {
  if (!req.reportItem) throw new Error(`${req.method} ${req.route?.path}: no loadReportItem before this step`);
  return req.reportItem;
}

/** The label of whatever reason code an action stored (each action has its own list). */
function actionReasonLabel(code: string | null): string {
  if (!code) return '';
  if (Object.hasOwn(DISMISS_REASONS, code)) return dismissReasonLabel(code);
  if (Object.hasOwn(REMOVAL_REASONS, code)) return REMOVAL_REASONS[code as keyof typeof REMOVAL_REASONS];
  return banReasonLabel(code);
}

const ACTION_LABELS: Record<string, string> = {
  dismiss: 'Dismissed: nothing done', 'comment.remove': 'Comment removed', 'video.takedown': 'Video taken down', 'user.warn': 'Author warned', 'user.ban': 'Author banned',
};
const actionLabel = (action: string | null) => (action ? ACTION_LABELS[action] ?? action : '');

/**
 * A queue item's page and its actions (issue 13, item 2; permission report.handle, and each
 * action's own: comment.remove.any, user.warn, user.ban; the take-down is the take-down page's).
 * The route table's guards have run (requirePermission, loadReportItem, the action's allow step);
 * the db functions resolve the item in the action's transaction and refuse an item closed since.
 */
/** Reports shown on an item's page, gravest first; the rest are counted, not listed. */
export const REPORTS_SHOWN = 200;

export function reportItemRoutes(deps: RouteDeps) {
  const { pool, storage } = deps;
  const tell = tellerOf(deps);
  /** The reported video with its player's files, starting at `?t=`, else the gravest report's time (reports come gravest first). */
  async function videoOnPage(id: number, reports: ItemReport[], t: unknown) {
    const found = await findVideoById(pool, id);
    if (!found) return null;
    const view = describeVideo(found, await listVideoFiles(pool, found.id), storage);
    const reported = reports.find((r) => r.videoTimeSeconds !== null)?.videoTimeSeconds ?? 0;
    const start = Math.min(parseStartTime(t) ?? reported, Math.floor(found.durationSeconds));
    return { ...found, view, start, startLabel: formatDuration(start) };
  }

  /** The reported comment in any state, its text rendered as the comments render it, and its place. */
  async function commentOnPage(id: number) {
    const found = await findReportedComment(pool, id);
    if (!found) return null;
    return { ...found, html: linkifyComment(found.body, `/watch/${found.video.publicId}`, found.video.durationSeconds), href: commentLink(found.video.publicId, found) };
  }

  async function renderItem(req: Request, res: Response, status: number, form: { name: Form; values: Record<string, string>; errors: Record<string, string> } | null, conflict: string | null = null): Promise<void> {
    const item = loadedItem(req);
    const viewer = req.viewer;
    const [reports, others, actions, warnings, banTarget] = await Promise.all([
      listReportsOfItem(pool, item.id, REPORTS_SHOWN + 1),
      listItemsAboutOwner(pool, item.owner.id, item.id, HISTORY_SHOWN),
      listActionsOnPerson(pool, item.owner.id, HISTORY_SHOWN),
      listWarningsOf(pool, item.owner.id, HISTORY_SHOWN),
      findBanTarget(pool, item.owner.handle),
    ]);
    const video = item.kind === 'video' ? await videoOnPage(item.targetId, reports, req.query.t) : null;
    const comment = item.kind === 'comment' ? await commentOnPage(item.targetId) : null;
    const open = item.status === 'open';
    const offers = {
      remove: open && !!comment && canRemoveComment(viewer, { deletedAt: comment.deletedAt }),
      takedown: open && !!video && can(viewer, 'video.takedown'),
      warn: open && !item.owner.deletedAt && canWarnUser(viewer, banTarget ?? item.owner),
      ban: open && !!banTarget && canBanUser(viewer, banTarget),
    };
    res.status(status).render('admin/report-item', {
      title: `Report item ${item.id}`,
      description: `A ${item.kind} reported ${item.reportCount} times: the reports, the author's history and the actions.`,
      item,
      reasonLabel: reportReasonLabel(reasonOfSeverity(item.severity)),
      outcome: { label: actionLabel(item.action) },
      moreReports: reports.length > REPORTS_SHOWN,
      reports: reports.slice(0, REPORTS_SHOWN).map((r) => ({ ...r, reasonLabel: reportReasonLabel(r.reason), time: r.videoTimeSeconds === null ? null : formatDuration(r.videoTimeSeconds) })),
      video,
      comment,
      others: others.map((o) => ({ ...o, reasonLabel: reportReasonLabel(reasonOfSeverity(o.severity)), outcome: actionLabel(o.action) })),
      actions: actions.map((a) => ({ ...a, reasonLabel: actionReasonLabel(a.reason) })),
      warnings: warnings.map((w) => ({ ...w, reasonLabel: banReasonLabel(w.reason) })),
      banned: banTarget?.bannedAt ? { reasonLabel: banReasonLabel(banTarget.banReason), until: banTarget.bannedUntil } : null,
      offers,
      mine: item.claim?.id === viewer?.id,
      lists: { dismiss: DISMISS_REASONS, remove: REMOVAL_REASONS, warn: WARNING_REASONS, ban: BAN_REASONS },
      limits: { note: ACTION_NOTE_MAX, banNote: BAN_NOTE_MAX, message: WARNING_MESSAGE_MAX },
      form: form ?? { name: null, values: {}, errors: {} },
      conflict,
    });
  }

  /** After an action: back to the queue with what was done, or the page again with why not. */
  async function answer(req: Request, res: Response, outcome: ActionOutcome, done: string, gone: string): Promise<void> {
    const item = loadedItem(req);
    if (outcome === 'done') {
      flash(req, 'success', `${done} Every report of item ${item.id} is closed.`);
      return res.redirect(303, '/admin/reports');
    }
    if (outcome === 'refused') throw forbidden('You can no longer do this: the account\'s roles have changed.');
    // Closed meanwhile: show the page as it is now, with who closed it.
    req.reportItem = (await findReportItem(pool, item.id)) ?? item;
    const message = outcome === 'closed' ? 'Another moderator closed this item first; nothing was done. Its outcome is shown below.' : gone;
    await renderItem(req, res, 409, null, message);
  }

  return {
    /** `:id`'s item in any state, or 404. */
    async loadReportItem(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const id = String(req.params.id ?? '');
      const item = ITEM_ID.test(id) ? await findReportItem(pool, Number(id)) : null;
      if (!item) throw notFound(NO_ITEM);
      req.reportItem = item;
      next();
    },

    /** Removing needs the comment-moderation permission, on a comment item. */
    allowCommentRemoval(req: Request, _res: Response, next: NextFunction): void {
      if (!can(req.viewer, 'comment.remove.any')) throw forbidden('Only moderators who may remove comments can do that.');
      if (loadedItem(req).kind !== 'comment') throw notFound('This item is not about a comment.');
      next();
    },

    /**
     * Nobody handles reports about themselves (their video, comment or channel): another
     * moderator claims, dismisses or acts on them, or a moderator could bury what is said of them.
     */
    notAboutViewer(req: Request, _res: Response, next: NextFunction): void {
      if (loadedItem(req).owner.id === req.viewer?.id) throw forbidden('This item is about you: another moderator handles it.');
      next();
    },

    /** Warning the item's author: warnRefusal on the account with its roles as they are now (staff are not warned by peers). */
    async allowWarning(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const owner = loadedItem(req).owner;
      const refusal = warnRefusal(req.viewer, (await findBanTarget(pool, owner.handle)) ?? owner);
      if (refusal) throw forbidden(refusal);
      next();
    },

    /** Banning the item's author: the ban page's rule (banRefusal) on the account as it is now. */
    async allowItemBan(req: Request, _res: Response, next: NextFunction): Promise<void> {
      const target = await findBanTarget(pool, loadedItem(req).owner.handle);
      if (!target) throw notFound('This account has been deleted.');
      const refusal = banRefusal(req.viewer, target);
      if (refusal) throw forbidden(refusal);
      req.banTarget = target;
      next();
    },

    /** GET /admin/reports/:id[?t=seconds] */
    async show(req: Request, res: Response): Promise<void> {
      await renderItem(req, res, 200, null);
    },

    /** POST /admin/reports/:id/dismiss — reason, note. */
    async dismiss(req: Request, res: Response): Promise<void> {
      const form = parseDismissal(req.body);
      if (!form.ok) return renderItem(req, res, 422, { name: 'dismiss', values: form.values, errors: form.errors });
      const outcome = await dismissReportItem(pool, loadedItem(req), { moderatorId: req.viewer!.id, ...form.value }, tell);
      await answer(req, res, outcome, 'Dismissed.', '');
    },

    /** POST /admin/reports/:id/remove-comment — reason (the removal list), note. */
    async removeComment(req: Request, res: Response): Promise<void> {
      const form = parseCommentRemoval(req.body);
      if (!form.ok) return renderItem(req, res, 422, { name: 'remove', values: form.values, errors: form.errors });
      const item = loadedItem(req);
      const outcome = await removeCommentOfItem(pool, item, { moderatorId: req.viewer!.id, commentId: item.targetId, ...form.value }, tell);
      await answer(req, res, outcome, 'The comment is removed.', 'This comment has already been deleted: dismiss the item instead.');
    },

    /** POST /admin/reports/:id/warn — reason, message (shown to the author), note. */
    async warn(req: Request, res: Response): Promise<void> {
      const form = parseWarning(req.body);
      if (!form.ok) return renderItem(req, res, 422, { name: 'warn', values: form.values, errors: form.errors });
      const item = loadedItem(req);
      const outcome = await warnAuthorOfItem(pool, item, { moderatorId: req.viewer!.id, ...form.value }, (t) => canWarnUser(req.viewer, t), tell);
      await answer(req, res, outcome, `@${item.owner.handle} is warned; they will see it on their next page.`, 'This account has been deleted.');
    },

    /** POST /admin/reports/:id/ban — the ban form's fields (reason, note, end). */
    async ban(req: Request, res: Response): Promise<void> {
      const form = parseBan(req.body, new Date());
      if (!form.ok) return renderItem(req, res, 422, { name: 'ban', values: form.values, errors: form.errors });
      const item = loadedItem(req);
      const outcome = await banAuthorOfItem(pool, item, { actorId: req.viewer!.id, userId: item.owner.id, ...form.value }, (t) => canBanUser(req.viewer, t), tell);
      await answer(req, res, outcome, `@${item.owner.handle} is banned.`, 'This account has been deleted.');
    },

    /**
     * POST /admin/reports/:id/claim — claims the item and opens it. Someone else's claim is taken
     * over only from the confirmation page, which sends `takeOver` (the holder it showed).
     */
    async claim(req: Request, res: Response): Promise<void> {
      const item = loadedItem(req);
      const takeOver = field(req.body, 'takeOver');
      const outcome = await claimReportItem(pool, { itemId: item.id, moderatorId: req.viewer!.id, takeOverFrom: ITEM_ID.test(takeOver) ? Number(takeOver) : null });
      if (outcome.result === 'gone') throw notFound(NO_ITEM);
      if (outcome.result === 'closed') throw new HttpError(409, 'This item is closed: there is nothing left to claim.');
      if (outcome.result === 'held') {
        return res.status(409).render('admin/report-claim', { title: `Take over item ${item.id}?`, item, holder: outcome.holder });
      }
      flash(req, 'success', outcome.result === 'claimed' ? `You claimed item ${item.id}.` : `Item ${item.id} was already yours.`);
      res.redirect(303, `/admin/reports/${item.id}`);
    },

    /** POST /admin/reports/:id/release — the holder gives the claim up. */
    async release(req: Request, res: Response): Promise<void> {
      const item = loadedItem(req);
      const outcome = await releaseReportItem(pool, { itemId: item.id, moderatorId: req.viewer!.id });
      if (outcome === 'gone') throw notFound(NO_ITEM);
      if (outcome === 'held') throw forbidden('Someone else holds this claim: only they release it. Claim the item to take it over.');
      flash(req, 'success', outcome === 'released' ? `You released item ${item.id}.` : `Nobody had claimed item ${item.id}.`);
      res.redirect(303, `/admin/reports/${item.id}`);
    },
  };
}
