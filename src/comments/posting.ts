import { canEditVideo, canReviewSiteHolds, canSeeHeldComments, type Viewer } from '../auth/permissions.js';
import { findComment, insertComment } from '../db/comments.js';
import type { Pool } from '../db/pool.js';
import type { VideoWithOwner } from '../db/videos.js';
import { parseComment, parseParent } from '../forms/comment.js';
import { notFound } from '../http/errors.js';
import type { Tell } from '../notifications/tell.js';
import type { SiteSettingsStore } from '../settings/site-settings.js';
import { newCommentHoldReason } from './review.js';

const NO_PARENT = 'The comment you are replying to does not exist, or it has been removed.';

export type PostedComment =
  | { ok: false; errors: Record<string, string>; values: Record<string, string> }
  | { ok: true; id: number; created: boolean; threadId: number | null; held: boolean };

/**
 * Posting a comment or a reply (`parent`) on a video, for the watch page's form and the API
 * alike (issue 15): the form read, the answered comment found where this viewer may see it (a
 * 404 otherwise), held for review when the creator's rules or the site's watched words say so,
 * and those it concerns told in the same transaction (`tell`). The route has already checked
 * the viewer may comment (canCommentOn, areCommentsOpen) and counted the rate limits. A refused
 * form writes nothing; a resubmit within a minute gets the first comment back (`created: false`).
 */
export async function postComment(deps: { pool: Pool; settings: SiteSettingsStore; tell: Tell }, viewer: Viewer, video: VideoWithOwner, body: unknown): Promise<PostedComment> {
  const { pool, settings, tell } = deps;
  const parentId = parseParent(body);
  const form = parseComment(body);
  if (parentId === 'invalid') return { ok: false, errors: { parent: 'Reply to a comment of this video.' }, values: { body: form.ok ? form.value.body : form.values.body ?? '' } };
  const parent = parentId === null ? null : await findComment(pool, parentId);
  if (parentId !== null && (!parent || parent.videoId !== video.id || (parent.held && parent.authorId !== viewer.id && !canSeeHeldComments(viewer, video)))) throw notFound(NO_PARENT);
  if (!form.ok) return { ok: false, errors: form.errors, values: { ...form.values, parent: parentId === null ? '' : String(parentId) } };
  const { watchedWords } = await settings.get();
  const heldReason = await newCommentHoldReason(pool, { mode: video.commentsMode, ownerId: video.ownerId, byOwner: canEditVideo(viewer, video), authorId: viewer.id, body: form.value.body, watchedWords, siteReviewer: canReviewSiteHolds(viewer) });
  const posted = await insertComment(pool, { videoId: video.id, authorId: viewer.id, body: form.value.body, parent, held: heldReason !== null, heldReason }, tell);
  if (!posted) throw notFound(NO_PARENT);
  return { ok: true, id: posted.id, created: posted.created, threadId: parent ? (parent.threadId ?? parent.id) : null, held: heldReason !== null };
}
