import { HOLD_REASON_LABELS, isHeldForSite } from '../comments/review.js';
import type { Request, Response } from 'express';
import { findReviewRules, saveReviewRules } from '../db/comment-review-rules.js';
import { countHeldComments, findOwnComments, listInboxComments } from '../db/comment-inbox.js';
import { approveComment } from '../db/comments.js';
import { deleteComment } from '../db/comment-deletion.js';
import { formatNumber } from '../format.js';
import { inboxUrl, parseInboxBulk, parseInboxPlace, type InboxPlace } from '../forms/comment-inbox.js';
import { BLOCKED_WORDS_MAX, BLOCKED_WORD_MAX, parseReviewRules } from '../forms/comment-review.js';
import { notFound, unprocessable } from '../http/errors.js';
import { loadedComment } from '../http/guards.js';
import { linkifyComment } from '../http/html.js';
import { prefersJson } from '../http/negotiation.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { keysetPage } from './pagination.js';
import { commentLink } from './comment-places.js';
import { tellerOf } from '../notifications/tell.js';

// The studio's comments (issue 11, item 7): the inbox of every comment on my videos, newest
// first, with approve and reject one by one or in bulk; and the channel's review rules.

export const INBOX_PER_PAGE = 50;

const comments = (n: number) => `${formatNumber(n)} ${n === 1 ? 'comment' : 'comments'}`;


export function studioCommentRoutes(deps: RouteDeps) {
  const { pool } = deps;
  const tell = tellerOf(deps);
  /** Approves or rejects those of `ids` under my videos; the rest are reported, never touched. */
  async function act(ownerId: number, action: 'approve' | 'reject', ids: number[]) {
    const own = await findOwnComments(pool, ownerId, ids);
    const ownIds = new Set(own.map((c) => c.id));
    let changed = 0;
    let unchanged = 0;
    // Held for the site's watched words: the site's moderators approve them, not the creator (isHeldForSite).
    let forModerators = 0;
    for (const comment of own) {
      if (action === 'approve' && comment.held && isHeldForSite(comment)) {
        forModerators++;
        continue;
      }
      // One transaction per comment, as the watch page's buttons: counters move with each, and
      // one gone meanwhile (deleted by its author) is only "unchanged".
      const done = action === 'approve'
        ? comment.held && (await approveComment(pool, comment.id, tell))
        : (await deleteComment(pool, ownerId, comment.id)) !== 'nothing';
      if (done) changed++;
      else unchanged++;
    }
    return { changed, unchanged, forModerators, notYours: ids.filter((id) => !ownIds.has(id)) };
  }

  function report(req: Request, action: 'approve' | 'reject', outcome: Awaited<ReturnType<typeof act>>): void {
    const verb = action === 'approve' ? 'approved' : 'removed';
    if (outcome.forModerators > 0) flash(req, 'info', `${comments(outcome.forModerators)} left for the site's moderators: ${outcome.forModerators === 1 ? 'it holds' : 'they hold'} a word the site watches, and only they approve ${outcome.forModerators === 1 ? 'it' : 'them'}.`);
    if (outcome.changed > 0 || (outcome.unchanged === 0 && outcome.forModerators === 0 && outcome.notYours.length === 0)) flash(req, 'success', `${comments(outcome.changed)} ${verb}.`);
    if (outcome.unchanged > 0) flash(req, 'info', `${comments(outcome.unchanged)} left as ${outcome.unchanged === 1 ? 'it was' : 'they were'} (${action === 'approve' ? 'already published' : 'already removed'}).`);
    if (outcome.notYours.length > 0) {
      flash(req, 'error', `Not changed, not comments on your videos (or removed since): ${outcome.notYours.map((id) => `#${id}`).join(', ')}.`);
    }
  }

  function back(req: Request, res: Response, place: InboxPlace, answer: Record<string, unknown>): void {
    if (prefersJson(req)) return void res.json(answer);
    res.redirect(303, inboxUrl(place));
  }

  async function renderSettings(req: Request, res: Response, status: number, values: Record<string, string>, errors: Record<string, string>) {
    res.status(status).render('studio/comment-settings', {
      title: 'Comment review rules',
      values,
      errors,
      limits: { words: BLOCKED_WORDS_MAX, wordLength: BLOCKED_WORD_MAX },
    });
  }

  return {
    /** GET /studio/comments — all comments on my videos, newest first (`state`, `after`). */
    async showInbox(req: Request, res: Response): Promise<void> {
      const place = parseInboxPlace(req.query);
      const ownerId = req.viewer!.id;
      const [rows, held] = await Promise.all([
        listInboxComments(pool, ownerId, { filter: place.filter, after: place.after, limit: INBOX_PER_PAGE + 1 }),
        countHeldComments(pool, ownerId),
      ]);
      const page = keysetPage(rows, INBOX_PER_PAGE, (c) => String(c.id));
      res.render('studio/comments', {
        title: 'Comments on your videos',
        place,
        held,
        heldText: comments(held),
        items: page.items.map((c) => ({ ...c, href: commentLink(c.video.publicId, c), html: linkifyComment(c.body, `/watch/${c.video.publicId}`, c.video.durationSeconds), heldBecause: c.heldReason ? HOLD_REASON_LABELS[c.heldReason] : null, approvable: c.held && !isHeldForSite(c) })),
        firstPageUrl: inboxUrl({ filter: place.filter, after: null }),
        nextUrl: page.nextAfter ? inboxUrl({ filter: place.filter, after: Number(page.nextAfter) }) : null,
        filters: (['all', 'held', 'published'] as const).map((filter) => ({ filter, href: inboxUrl({ filter, after: null }), label: { all: 'All', held: 'Held for review', published: 'Published' }[filter] })),
      });
    },

    /** POST /studio/comments/bulk — approve or reject the ticked comments (`action`, `ids`). */
    async bulk(req: Request, res: Response): Promise<void> {
      const form = parseInboxBulk(req.body);
      if (!form.ok) throw unprocessable({ ids: form.message });
      const outcome = await act(req.viewer!.id, form.action, form.ids);
      report(req, form.action, outcome);
      back(req, res, parseInboxPlace(req.body), { action: form.action, ...outcome });
    },

    /** POST /studio/comments/:id/approve and /reject — one comment; the route table checked it is under my video. */
    one(action: 'approve' | 'reject') {
      return async function reviewOne(req: Request, res: Response): Promise<void> {
        const comment = loadedComment(req);
        const outcome = await act(req.viewer!.id, action, [comment.id]);
        // Loaded a moment ago as mine: gone since, it is a 404 like the watch page's buttons.
        if (outcome.notYours.length > 0) throw notFound('This comment does not exist, or it has been removed.');
        report(req, action, outcome);
        back(req, res, parseInboxPlace(req.body), { id: comment.id, action, changed: outcome.changed === 1 });
      };
    },

    /** GET /studio/comments/settings — the channel's review rules. */
    async showSettings(req: Request, res: Response): Promise<void> {
      const rules = await findReviewRules(pool, req.viewer!.id);
      await renderSettings(req, res, 200, { holdLinks: rules.holdLinks ? 'on' : '', holdNewAccounts: rules.holdNewAccounts ? 'on' : '', blockedWords: rules.blockedWords.join('\n') }, {});
    },

    /** POST /studio/comments/settings — saves them; a refused form is shown again (422) as typed. */
    async saveSettings(req: Request, res: Response): Promise<void> {
      const form = parseReviewRules(req.body);
      if (!form.ok) return renderSettings(req, res, 422, form.values, form.errors);
      await saveReviewRules(pool, req.viewer!.id, form.value);
      flash(req, 'success', 'Your review rules have been saved.');
      res.redirect(303, '/studio/comments/settings');
    },
  };
}
