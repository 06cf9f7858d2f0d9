/**
 * The two addresses of a comment on its video's watch page, written once for every route and
 * page that points at one.
 */

type Placed = { id: number; threadId: number | null };

/**
 * Where a form sends the viewer back after acting on a comment: a reply in its thread, a root
 * among the video's comments; at the comment itself, or at `anchor` (the comments, once it is gone).
 */
export function commentPlace(videoPublicId: string, comment: Placed, anchor = `comment-${comment.id}`): string {
  return `/watch/${videoPublicId}${comment.threadId ? `?thread=${comment.threadId}` : ''}#${anchor}`;
}

/**
 * A link to a comment from another page (the studio's inbox, my comments): its thread, which a
 * root opens as its own, so it is found whatever page of the comments it is on.
 */
export function commentLink(videoPublicId: string, comment: Placed): string {
  return `/watch/${videoPublicId}?thread=${comment.threadId ?? comment.id}#comment-${comment.id}`;
}
