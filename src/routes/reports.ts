import type { NextFunction, Request, Response } from 'express';
import { canSeeComment, canSeeVideo } from '../auth/permissions.js';
import { findOpenReport, listMyReports, saveReport, type MyReport } from '../db/reports.js';
import { firstCharacters, formatDuration } from '../format.js';
import { parseReport, REPORT_REASONS, REPORT_TEXT_MAX, reportReasonLabel, type ReportKind } from '../forms/report.js';
import { notFound } from '../http/errors.js';
import { loadedChannel, loadedComment, loadedVideo } from '../http/guards.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { commentLink, commentPlace } from './comment-places.js';
import { keysetPage } from './pagination.js';
import { tellerOf } from '../notifications/tell.js';

export const MY_REPORTS_PER_PAGE = 20;
/** How much of a reported comment the report page and my reports quote, in characters. */
const COMMENT_QUOTE_MAX = 200;
const REPORT_ID = /^[1-9]\d{0,15}$/;

/** What a report is about, as the report page needs it. */
interface Target {
  kind: ReportKind;
  id: number;
  ownerId: number;
  /** The form's own address, and the thing's page (Cancel, and where a sent report returns). */
  action: string;
  back: string;
  /** How the page names the thing: a video's title, a comment's opening words, a channel's name. */
  name: string;
  /** For a video, its length (the time in it is checked against it); null for the other kinds. */
  durationSeconds: number | null;
}

function quote(text: string): string {
  const start = firstCharacters(text, COMMENT_QUOTE_MAX);
  return start.length < text.length ? `${start}…` : text;
}

/** The loaded thing of this kind (the route table's loader ran: it is one the viewer may see). */
function targetOf(req: Request, kind: ReportKind): Target {
  if (kind === 'video') {
    const video = loadedVideo(req);
    return { kind, id: video.id, ownerId: video.ownerId, action: `/watch/${video.publicId}/report`, back: `/watch/${video.publicId}`, name: video.title, durationSeconds: video.durationSeconds };
  }
  if (kind === 'comment') {
    const comment = loadedComment(req);
    return { kind, id: comment.id, ownerId: comment.authorId, action: `/comments/${comment.id}/report`, back: commentPlace(loadedVideo(req).publicId, comment), name: quote(comment.body), durationSeconds: null };
  }
  const channel = loadedChannel(req);
  return { kind, id: channel.id, ownerId: channel.id, action: `/@${channel.handle}/report`, back: `/@${channel.handle}`, name: `${channel.displayName} (@${channel.handle})`, durationSeconds: null };
}

/** A report of mine as my list shows it: its thing only while I may still see it. */
function shownReport(viewer: Request['viewer'], r: MyReport) {
  let thing: { name: string; href: string } | null = null;
  if (r.kind === 'video' && r.video && canSeeVideo(viewer, r.video)) thing = { name: r.video.title, href: `/watch/${r.video.publicId}` };
  if (r.kind === 'comment' && r.comment && r.video && canSeeComment(viewer, r.comment, r.video)) thing = { name: quote(r.comment.body), href: commentLink(r.video.publicId, r.comment) };
  if (r.kind === 'channel' && r.channel) thing = { name: `${r.channel.displayName} (@${r.channel.handle})`, href: `/@${r.channel.handle}` };
  return {
    id: r.id,
    kind: r.kind,
    reasonLabel: reportReasonLabel(r.reason),
    text: r.text,
    time: r.videoTimeSeconds === null ? null : formatDuration(r.videoTimeSeconds),
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    handledAt: r.handledAt,
    thing,
  };
}

/**
 * Reports (issue 13, item 1): the report page of a video, a comment or a channel, and my
 * reports. The route table's steps have run: signed in with `report.create`, the thing loaded
 * (a hidden one is a 404), not one's own (canReportVideo/Comment/Channel: 403), and for a post,
 * the per-account limits (429, before anything is read or written).
 */
export function reportRoutes(deps: RouteDeps) {
  const { pool } = deps;
  const tell = tellerOf(deps);
  function render(req: Request, res: Response, target: Target, status: number, values: Record<string, string>, errors: Record<string, string>, reportedAt: Date | null): void {
    res.status(status).render('reports/new', {
      title: `Report a ${target.kind}`,
      target,
      reasons: REPORT_REASONS,
      textMax: REPORT_TEXT_MAX,
      durationText: target.durationSeconds === null ? '' : formatDuration(target.durationSeconds),
      reportedAt,
      values,
      errors,
    });
  }

  return {
    /** A comment deleted (kept as "[deleted]" for its replies) shows nothing to report: 404. */
    commentNotDeleted(req: Request, _res: Response, next: NextFunction): void {
      if (loadedComment(req).deletedAt !== null) throw notFound('This comment has been deleted.');
      next();
    },

    /** GET /watch/:id/report, /comments/:id/report, /@:handle/report — the form; my open report of it filled in, if any. */
    show(kind: ReportKind) {
      return async function showReport(req: Request, res: Response): Promise<void> {
        const target = targetOf(req, kind);
        const mine = await findOpenReport(pool, req.viewer!.id, kind, target.id);
        const values = mine
          ? { reason: mine.reason, text: mine.text, time: mine.videoTimeSeconds === null ? '' : formatDuration(mine.videoTimeSeconds) }
          : { reason: '', text: '', time: '' };
        render(req, res, target, 200, values, {}, mine?.createdAt ?? null);
      };
    },

    /** POST (the same addresses) — files the report, or updates my open report of the same thing. */
    save(kind: ReportKind) {
      return async function saveReportForm(req: Request, res: Response): Promise<void> {
        const target = targetOf(req, kind);
        const form = parseReport(req.body, target.durationSeconds);
        if (!form.ok) return render(req, res, target, 422, form.values, form.errors, null);
        const { reason, text, videoTimeSeconds } = form.value;
        const outcome = await saveReport(pool, {
          reporterId: req.viewer!.id, kind, targetId: target.id, targetOwnerId: target.ownerId,
          reason, severity: REPORT_REASONS[reason].severity, text, videoTimeSeconds,
        }, tell);
        flash(req, 'success', outcome === 'created'
          ? 'Thank you: your report was sent to the moderators. You can follow it in Settings, Reports.'
          : 'Your earlier report of this was updated with what you sent now.');
        res.redirect(303, target.back);
      };
    },

    /** GET /settings/reports — my reports, newest first, with whether they were handled (?after=<id>: older ones). */
    async showMine(req: Request, res: Response): Promise<void> {
      const after = typeof req.query.after === 'string' && REPORT_ID.test(req.query.after) ? Number(req.query.after) : null;
      const rows = await listMyReports(pool, req.viewer!.id, { beforeId: after, limit: MY_REPORTS_PER_PAGE + 1 });
      const page = keysetPage(rows, MY_REPORTS_PER_PAGE, (r) => String(r.id));
      res.render('settings/reports', {
        title: 'Your reports',
        reports: page.items.map((r) => shownReport(req.viewer, r)),
        nextAfter: page.nextAfter,
        isFirstPage: after === null,
      });
    },
  };
}
