import type { TopCursor } from '../db/comment-top-listing.js';

/** The sorts of the watch page's comments; Top first, as on YouTube. */
export const COMMENT_SORTS = ['top', 'newest'] as const;
export type CommentSort = (typeof COMMENT_SORTS)[number];
export const DEFAULT_COMMENT_SORT: CommentSort = 'top';

const COMMENT_ID = /^[1-9]\d{0,15}$/;
/** A Top cursor: `<epoch>_<score>_<id>`, the score as JavaScript writes a number (shortest exact form). */
const TOP_CURSOR = /^(\d{1,9})_(-?\d{1,20}(?:\.\d{1,20})?(?:e[+-]?\d{1,3})?)_([1-9]\d{0,15})$/;

/**
 * What the watch page's comments show: a thread (`?thread=<id>`, its replies after `after`, an
 * id), or the top-level comments in a sort (`?sort=top|newest`), after a cursor: for newest
 * an id, for top a TopCursor.
 */
export type CommentsQuery =
  | { thread: number; sort: CommentSort; after: number | null }
  | { thread: null; sort: 'newest'; after: number | null }
  | { thread: null; sort: 'top'; after: TopCursor | null };

export type CommentsQueryResult = { ok: true; value: CommentsQuery } | { ok: false; message: string };

/** The comment id of `?thread=`: anything else reads as no thread, as a link to a thread that is gone does. */
function threadParam(value: unknown): number | null {
  return typeof value === 'string' && COMMENT_ID.test(value) ? Number(value) : null;
}

export function formatTopCursor(cursor: TopCursor): string {
  return `${cursor.epoch}_${cursor.score}_${cursor.id}`;
}

function parseTopCursor(value: string): TopCursor | null {
  const m = TOP_CURSOR.exec(value);
  if (!m) return null;
  const score = Number(m[2]);
  return Number.isFinite(score) ? { epoch: Number(m[1]), score, id: Number(m[3]) } : null;
}

/**
 * Parses the watch page's comment parameters. A sort or a cursor that is not one of ours is
 * refused (the caller answers 400 with the message) rather than quietly shown as another page:
 * a link that names a page should get that page or say why not.
 */
export function parseCommentsQuery(query: Record<string, unknown>): CommentsQueryResult {
  const sort = query.sort === undefined ? DEFAULT_COMMENT_SORT : query.sort;
  if (typeof sort !== 'string' || !(COMMENT_SORTS as readonly string[]).includes(sort)) {
    return { ok: false, message: 'Comments can be sorted by top or newest.' };
  }
  const thread = threadParam(query.thread);
  const after = query.after;
  if (after === undefined) {
    return { ok: true, value: thread !== null ? { thread, sort: sort as CommentSort, after: null } : sort === 'top' ? { thread, sort, after: null } : { thread, sort: 'newest', after: null } };
  }
  const badPage = { ok: false as const, message: 'That page of comments does not exist; start again from the first page.' };
  if (typeof after !== 'string') return badPage;
  if (thread !== null || sort === 'newest') {
    if (!COMMENT_ID.test(after)) return badPage;
    return { ok: true, value: thread !== null ? { thread, sort: sort as CommentSort, after: Number(after) } : { thread, sort: 'newest', after: Number(after) } };
  }
  const cursor = parseTopCursor(after);
  return cursor ? { ok: true, value: { thread: null, sort: 'top', after: cursor } } : badPage;
}
