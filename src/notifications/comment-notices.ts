import { addMentionsTold, findCommentAudience, findUserIdsByHandles, listMentionedAlready, markCommentAnnounced, type CommentAudience } from '../db/comment-audience.js';
import type { NewNotification } from '../db/notifications.js';
import type { Queryable } from '../db/pool.js';
import { commentMentions } from '../http/html.js';
import type { Tell } from './tell.js';

/**
 * Who is told of a comment, and when (issue 14, items 1 and 2). Each person at most once per
 * comment, by the most telling kind: the person it answers (comment_reply), then those it
 * mentions (mention), then its video's owner (video_comment); never its author.
 *
 * - Posted: everyone above. A held comment may be seen only by its author and its video's
 *   owner, so the never-leak rule of src/db/notifications.ts leaves the owner alone told: the
 *   creator learns of what waits for review, nobody else of what may never be shown.
 * - Approved (a held comment shown to all): everyone but the owner, told when it was held; once
 *   (comments.announced_at). A published comment that an edit held again was announced then:
 *   only the people its edit newly mentions are told.
 * - Edited (and still shown to all): only the people newly mentioned.
 */

/**
 * More handles than this in one comment tell only the first this many (a list of @names is a
 * broadcast, not a mention), counted over all its revisions: an author editing in new handles
 * again and again tells nobody past the tenth (comments.mentions_told).
 */
export const MAX_MENTIONS_PER_COMMENT = 10;

export type CommentOccasion = { posted: true } | { approved: true } | { edited: { previousBody: string } };

/**
 * Tells those the comment concerns on this occasion, in the caller's transaction (posting,
 * editing, approving: src/db/comments.ts), after the comment's row is written.
 */
export async function tellOfComment(db: Queryable, tell: Tell, commentId: number, occasion: CommentOccasion): Promise<void> {
  const comment = await findCommentAudience(db, commentId);
  if (!comment) return;
  if ('posted' in occasion) {
    // A held comment tells only its video's owner (the never-leak rule): its mentions are told,
    // and counted, when it is approved.
    if (comment.held) return tellEach(db, tell, everyone(comment, [], new Set()));
    await markCommentAnnounced(db, comment.id);
    return tellEach(db, tell, everyone(comment, await withinBudget(db, comment, await mentionedIds(db, comment.body)), new Set()));
  }
  if (comment.held) return;
  if ('approved' in occasion && (await markCommentAnnounced(db, comment.id))) {
    return tellEach(db, tell, everyone(comment, await withinBudget(db, comment, await mentionedIds(db, comment.body)), new Set([comment.ownerId])));
  }
  const previous = 'edited' in occasion ? new Set(commentMentions(occasion.edited.previousBody)) : new Set<string>();
  const already = await listMentionedAlready(db, comment.id);
  const told = new Set([comment.ownerId, ...(comment.answeredId === null ? [] : [comment.answeredId]), ...already]);
  const added = (await mentionedIds(db, comment.body, previous)).filter((id) => !told.has(id) && id !== comment.authorId);
  return tellEach(db, tell, everyone(comment, await withinBudget(db, comment, added), told));
}

/** The first of `mentioned` the comment's lifetime budget still allows, counted as told. */
async function withinBudget(db: Queryable, comment: CommentAudience, mentioned: number[]): Promise<number[]> {
  const allowed = mentioned.filter((id) => id !== comment.authorId).slice(0, Math.max(0, MAX_MENTIONS_PER_COMMENT - comment.mentionsTold));
  if (allowed.length > 0) await addMentionsTold(db, comment.id, allowed.length);
  return allowed;
}

/** The accounts of the first MAX_MENTIONS_PER_COMMENT handles of the text, less those in `except`. */
async function mentionedIds(db: Queryable, body: string, except: ReadonlySet<string> = new Set()): Promise<number[]> {
  const handles = commentMentions(body).slice(0, MAX_MENTIONS_PER_COMMENT).filter((h) => !except.has(h));
  const ids = await findUserIdsByHandles(db, handles);
  return handles.flatMap((h) => (ids.has(h) ? [ids.get(h)!] : []));
}

/** One notification per person, the first kind that fits; none for the author or anyone in `told`. */
function everyone(comment: CommentAudience, mentioned: number[], told: ReadonlySet<number>): NewNotification[] {
  const seen = new Set([comment.authorId, ...told]);
  const notices: NewNotification[] = [];
  const about = { videoId: comment.videoId, commentId: comment.id, actorId: comment.authorId };
  const add = (userId: number | null, n: Omit<NewNotification, 'userId' | 'videoId' | 'commentId' | 'actorId'>) => {
    if (userId === null || seen.has(userId)) return;
    seen.add(userId);
    notices.push({ userId, ...about, ...n });
  };
  // Threads are one level deep and a reply to a reply names its person, not the comment: the
  // replies someone gets in one thread are grouped as replies to their comment there.
  add(comment.answeredId, { kind: 'comment_reply', groupKey: `comment_reply:${comment.threadId}` });
  for (const id of mentioned) add(id, { kind: 'mention', groupKey: null });
  add(comment.ownerId, { kind: 'video_comment', groupKey: `video_comment:${comment.videoId}` });
  return notices;
}

async function tellEach(db: Queryable, tell: Tell, notices: NewNotification[]): Promise<void> {
  for (const n of notices) await tell(db, n);
}
