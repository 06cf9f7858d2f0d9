import type { Comment } from '../db/comments.js';
import { commentLink } from '../routes/comment-places.js';

/**
 * A comment as the API shows it (the `Comment` schema, src/api/openapi/comments.ts), saying what
 * the watch page says of it to the same viewer: a deleted one ("[deleted]", "[removed]", kept
 * while it has replies) with neither author nor text nor likes; `held` while it waits for review
 * (only its author, the creator and moderators are ever given one). `body` is the plain text as
 * written; clients escape it.
 */
export function commentJson(comment: Comment, videoPublicId: string, publicUrl: URL | string) {
  const absolute = (path: string) => new URL(path, publicUrl).href;
  const deleted = comment.deletedAt !== null;
  return {
    id: String(comment.id),
    video: videoPublicId,
    parent: comment.threadId === null ? null : String(comment.threadId),
    body: deleted ? null : comment.body,
    author: deleted ? null : { handle: comment.author.handle, displayName: comment.author.displayName, url: absolute(`/@${comment.author.handle}`) },
    state: deleted ? (comment.removed ? 'removed' : 'deleted') : comment.held ? 'held' : 'published',
    createdAt: comment.createdAt.toISOString(),
    editedAt: deleted ? null : (comment.editedAt?.toISOString() ?? null),
    likeCount: deleted ? 0 : comment.likeCount,
    replyCount: comment.threadId === null ? comment.replyCount : 0,
    pinned: comment.pinned,
    hearted: comment.hearted,
    url: absolute(commentLink(videoPublicId, comment)),
  };
}
