import type { Request, Response } from 'express';
import { findComment, updateCommentBody, type Comment } from '../db/comments.js';
import { deleteComment } from '../db/comment-deletion.js';
import { listReplies, listRootComments } from '../db/comment-listing.js';
import { listTopRootComments, type TopPage } from '../db/comment-top-listing.js';
import { formatTopCursor, parseCommentsQuery, type CommentsQuery } from '../forms/comments-query.js';
import { findCommentRatings, rateComment, type CommentRating } from '../db/comment-ratings.js';
import type { Queryable } from '../db/pool.js';
import type { VideoWithOwner } from '../db/videos.js';
import { COMMENT_MAX, parseComment } from '../forms/comment.js';
import { field } from '../forms/fields.js';
import { badRequest, notFound } from '../http/errors.js';
import { canSeeHeldComments } from '../auth/permissions.js';
import { loadedComment, loadedVideo } from '../http/guards.js';
import { timestampSeconds } from '../chapters.js';
import { containsWatchedWord } from '../comments/review.js';
import { postComment } from '../comments/posting.js';
import { canReviewSiteHolds } from '../auth/permissions.js';
import { linkifyComment } from '../http/html.js';
import { prefersJson } from '../http/negotiation.js';
import type { RouteDeps } from './deps.js';
import { keysetPage } from './pagination.js';
import { commentPlace } from './comment-places.js';
import { tellerOf } from '../notifications/tell.js';

export const COMMENTS_PER_PAGE = 20;
export const REPLIES_PER_PAGE = 10;

/**
 * A comment as the templates show it: its text already made into safe HTML (linkifyComment),
 * and the viewer's own rating of it.
 */
export type ShownComment = Comment & { html: string; rating: CommentRating };

/** `ratings`: the viewer's, for comments read without them (the listings bring their own, RATED_BY). */
function shown(video: VideoWithOwner, comments: Comment[], ratings = new Map<number, CommentRating>()): ShownComment[] {
  return comments.map((c) => ({ ...c, html: linkifyComment(c.body, `/watch/${video.publicId}`, video.durationSeconds), rating: c.viewerRating ?? ratings.get(c.id) ?? null }));
}

/** How much of a comment a seek-bar marker's tooltip shows. */
const MARKER_TEXT = 80;
/** The timestamp a comment starts with ("1:05 great moment"); chapters.ts's timestampSeconds checks it. */
const LEADING_TIME = /^\s*((?:\d{1,2}:)?\d{1,2}:\d{2})(?![\d:])/;

/** A marker on the player's seek bar: a comment that starts with a time within the video. */
export interface CommentMarker { seconds: number; text: string; id: number }

/** The seek-bar markers of these comments: those whose text starts with a timestamp within the video's length. */
export function commentMarkers(video: VideoWithOwner, comments: Comment[]): CommentMarker[] {
  const markers: CommentMarker[] = [];
  for (const c of comments) {
    if (c.deletedAt) continue;
    const time = LEADING_TIME.exec(c.body)?.[1];
    const seconds = time ? timestampSeconds(time) : null;
    if (seconds === null || seconds > video.durationSeconds) continue;
    const text = [...c.body.trim().replace(/\s+/g, ' ')];
    markers.push({ seconds, id: c.id, text: text.length > MARKER_TEXT ? `${text.slice(0, MARKER_TEXT - 1).join('')}…` : text.join('') });
  }
  return markers;
}

/**
 * What the watch page's comments section shows: the count and the top-level comments in a sort
 * (`?sort=top|newest`, Top by default), 20 at a time after a cursor (`&after=`); or, with
 * `?thread=<id>`, that thread's root and its replies 10 at a time (`&after=<id>`). A thread the
 * viewer may not see reads as no thread. A malformed sort or cursor is a 400; a Top cursor
 * whose order is gone (two re-ranks since) starts again at the first page, `restarted` set.
 */
export async function commentsSection(pool: Queryable, req: Request, video: VideoWithOwner) {
  const parsed = parseCommentsQuery(req.query);
  if (!parsed.ok) throw badRequest(parsed.message);
  const query = parsed.value;
  const viewerId = req.viewer?.id ?? null;
  // Held comments are shown to their author, to the creator, who reviews them, and to moderators.
  const showHeld = canSeeHeldComments(req.viewer, video);
  const empty = { count: video.commentCount, mode: video.commentsMode, sort: query.sort, thread: null, items: [] as ShownComment[], nextAfter: null as string | null, isFirstPage: true, restarted: false, markers: [] as ReturnType<typeof commentMarkers>, max: COMMENT_MAX };
  // Turned off: the comments already there are hidden, to the creator too (turning them on again shows them).
  if (video.commentsMode === 'off') return empty;
  // Nobody signed in, nothing visible counted, the first page: nothing to read (held comments
  // are never a stranger's to see). Most videos' signed-out pages, two queries fewer.
  if (video.commentCount === 0 && viewerId === null && query.thread === null && query.after === null) return empty;
  const root = query.thread ? await findComment(pool, query.thread) : null;
  const thread = root && root.videoId === video.id && root.threadId === null && (!root.held || root.authorId === viewerId || showHeld) ? root : null;
  if (thread) {
    const after = query.thread !== null ? query.after : null;
    const page = keysetPage(await listReplies(pool, thread.id, { after, limit: REPLIES_PER_PAGE + 1, viewerId, showHeld }), REPLIES_PER_PAGE, (c) => String(c.id));
    // The replies come with the viewer's ratings (RATED_BY); the thread's root, found alone, without.
    const ratings = viewerId ? await findCommentRatings(pool, viewerId, [thread.id]) : undefined;
    return { ...empty, thread: shown(video, [thread], ratings)[0]!, items: shown(video, page.items), nextAfter: page.nextAfter, isFirstPage: after === null };
  }
  // A thread that is not to be shown: the first page of the sort (its `after` was a reply's).
  const firstOfSort = query.sort === 'newest' ? { thread: null, sort: 'newest' as const, after: null } : { thread: null, sort: 'top' as const, after: null };
  const roots = await rootsPage(pool, video, query.thread === null ? query : firstOfSort, viewerId, showHeld);
  return {
    ...empty,
    items: shown(video, roots.items),
    nextAfter: roots.nextAfter,
    isFirstPage: roots.isFirstPage,
    restarted: roots.restarted,
    // Only the page already read: the first page of top-level comments, or what the viewer paged to.
    markers: commentMarkers(video, roots.listed),
  };
}

/**
 * A page of top-level comments in the sort asked for, with the pinned one first on the first
 * page of either sort (both listings leave it out, so later pages never repeat it).
 */
async function rootsPage(pool: Queryable, video: VideoWithOwner, query: Extract<CommentsQuery, { thread: null }>, viewerId: number | null, showHeld: boolean) {
  const options = { limit: COMMENTS_PER_PAGE + 1, viewerId, showHeld };
  // A first page's statement also brings the pinned comment (PINNED_BRANCH), first; the page,
  // and whether there is a next one, are the rows after it.
  const withPin = <C extends Comment>(rows: C[], cursor: (c: C) => string, first: boolean, restarted: boolean) => {
    const pinned = rows[0]?.pinned ? rows[0] : null;
    const page = keysetPage(pinned ? rows.slice(1) : rows, COMMENTS_PER_PAGE, cursor);
    return { items: pinned ? [pinned, ...page.items] : page.items, listed: page.items, nextAfter: page.nextAfter, isFirstPage: first, restarted };
  };
  if (query.sort === 'newest') {
    const rows = await listRootComments(pool, video.id, { ...options, after: query.after });
    return withPin(rows, (c) => String(c.id), query.after === null, false);
  }
  const topPage = (top: TopPage, first: boolean, restarted: boolean) =>
    withPin(top.comments, (c) => formatTopCursor({ epoch: top.epoch, score: c.score, id: c.id }), first, restarted);
  const top = await listTopRootComments(pool, video.id, { ...options, after: query.after });
  if (top !== 'stale') return topPage(top, query.after === null, false);
  // The cursor's order is gone (two re-ranks since it was made): the first page again, said so.
  return topPage(await listTopRootComments(pool, video.id, { ...options, after: null }) as TopPage, true, true);
}

export function commentRoutes(deps: RouteDeps) {
  const { pool, settings } = deps;
  const tell = tellerOf(deps);
  /** A refused comment: 422 with the reason, as the form again (typed text kept) or as JSON. */
  function refuse(req: Request, res: Response, errors: Record<string, string>, values: Record<string, string>, action: string) {
    if (prefersJson(req)) return void res.status(422).json({ error: { status: 422, message: Object.values(errors)[0], fields: errors } });
    res.status(422).render('comments/form', { title: 'Your comment', video: loadedVideo(req), errors, values, action, max: COMMENT_MAX });
  }

  return {
    /** POST /watch/:id/comments — a comment, or a reply (`parent`); a resubmitted one is answered with the first. */
    async post(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const action = `/watch/${video.publicId}/comments`;
      const posted = await postComment({ pool, settings, tell }, req.viewer!, video, req.body);
      if (!posted.ok) return refuse(req, res, posted.errors, posted.values, action);
      const { id, created, threadId } = posted;
      if (prefersJson(req)) return void res.status(created ? 201 : 200).json({ id, created, threadId });
      // A new top-level comment is first in Newest (in Top, a new comment without likes may be far down).
      res.redirect(303, `/watch/${video.publicId}${threadId ? `?thread=${threadId}` : '?sort=newest'}#comment-${id}`);
    },

    /** POST /comments/:id/edit — the author's new text; the old one is kept as a revision. */
    async edit(req: Request, res: Response): Promise<void> {
      const comment = loadedComment(req);
      const video = loadedVideo(req);
      const form = parseComment(req.body);
      if (!form.ok) return refuse(req, res, form.errors, form.values, `/comments/${comment.id}/edit`);
      // A watched word edited in is held for the site's moderators as a new comment with it is.
      const { watchedWords } = await settings.get();
      const holdForWatchedWord = !canReviewSiteHolds(req.viewer) && containsWatchedWord(form.value.body, watchedWords);
      if (!(await updateCommentBody(pool, req.viewer!.id, comment.id, form.value.body, { holdForWatchedWord }, tell))) throw notFound('This comment does not exist, or it has been removed.');
      if (prefersJson(req)) return void res.json({ id: comment.id, edited: true, ...(holdForWatchedWord ? { held: true } : {}) });
      res.redirect(303, commentPlace(video.publicId, comment));
    },

    /** POST /comments/:id/rate — like, dislike, or take it back (value=none); a form post, or JSON for a script. */
    async rate(req: Request, res: Response): Promise<void> {
      const value = field(req.body, 'value');
      if (!['like', 'dislike', 'none'].includes(value)) throw badRequest('Rate with like, dislike or none.');
      const comment = loadedComment(req);
      const video = loadedVideo(req);
      const rating: CommentRating = value === 'none' ? null : (value as CommentRating);
      const counts = await rateComment(pool, req.viewer!.id, comment.id, rating);
      if (!counts) throw notFound('This comment does not exist, or it has been removed.');
      if (prefersJson(req)) return void res.json({ rating, likes: counts.likes });
      res.redirect(303, commentPlace(video.publicId, comment));
    },

    /** POST /comments/:id/delete — the author or the creator removes a comment ("[deleted]" when it has replies). */
    async remove(req: Request, res: Response): Promise<void> {
      const comment = loadedComment(req);
      const video = loadedVideo(req);
      const outcome = await deleteComment(pool, req.viewer!.id, comment.id);
      if (outcome === 'nothing') throw notFound('This comment does not exist, or it has been removed.');
      if (prefersJson(req)) return void res.json({ id: comment.id, outcome });
      res.redirect(303, commentPlace(video.publicId, comment, 'comments'));
    },
  };
}
