import type { Queryable } from './pool.js';
import { watchableByLink } from './visibility.js';

/**
 * "My comments" (issue 11, item 12): a signed-in person's own comments, newest first, with the
 * video each is under, its state, and the comments a moderator removed (with the reason, as
 * issue 13 asks for the person affected). A removed comment's row is gone, or kept emptied as
 * "[removed]" while it has replies; it is read from its audit log entry, which keeps it as it was.
 *
 * The video's title and address are given only where the viewer may still see the video: its
 * owner, or anyone when it is watchable by link (the one rule, `watchableByLink()`); a comment
 * on a video made private, deleted or whose owner was banned reads as "no longer available".
 */

export type MyCommentState = 'published' | 'held' | 'removed';

export interface MyComment {
  id: number;
  threadId: number | null;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  state: MyCommentState;
  /** A moderator's reason code (REMOVAL_REASONS) and when, for a removed comment. */
  reason: string | null;
  removedAt: Date | null;
  /** Null when the viewer may no longer see the video (or it is deleted). */
  video: { publicId: string; title: string; commentsOff: boolean } | null;
  /** The keyset cursor of this row: its time in microseconds and its id. */
  cursor: string;
}

/** Where a page starts: after the comment of this time (microseconds since 1970) and id. */
export interface MyCommentsCursor { micros: string; id: number }

const CURSOR = /^(\d{1,17})-([1-9]\d{0,15})$/;

export function parseMyCommentsCursor(value: unknown): MyCommentsCursor | null {
  const m = typeof value === 'string' ? CURSOR.exec(value) : null;
  return m ? { micros: m[1]!, id: Number(m[2]) } : null;
}

interface Row {
  id: number;
  thread_id: number | null;
  body: string;
  created_at: Date;
  edited_at: Date | null;
  held: boolean;
  reason: string | null;
  removed_at: Date | null;
  public_id: string | null;
  title: string | null;
  comments_mode: string | null;
  micros: string;
}

/**
 * The cursor's time and id ($2 microseconds since 1970, $3 id; no cursor: after everything).
 * Written out in the query, not read from a CTE, so that the time is an index condition.
 */
const AFTER_TIME = `COALESCE(timestamptz 'epoch' + $2::bigint * interval '1 microsecond', 'infinity')`;
const AFTER_ID = 'COALESCE($3::bigint, 0)';

/**
 * One page of the viewer's comments, newest first, after `after`; ask for one more than a page
 * (keysetPage). The live comments come through comments_author_idx (author_id, created_at DESC):
 * the cursor's time is also a plain bound on created_at, so a later page starts its index scan
 * at the cursor instead of reading the pages before it; the row comparison on (created_at, id)
 * then breaks ties. Removed ones come from audit_log_subject_idx: a person's removals are few,
 * so they are read whole and sorted. Not a prepared statement: the plan depends on the cursor.
 */
export async function listMyComments(db: Queryable, viewerId: number, options: { after: MyCommentsCursor | null; limit: number }): Promise<MyComment[]> {
  const { rows } = await db.query<Row>(
    `WITH live AS (
       SELECT c.id, c.created_at, c.video_id, c.thread_id, c.body, c.held, c.edited_at, NULL::text AS reason, NULL::timestamptz AS removed_at
       FROM comments c
       WHERE c.author_id = $1 AND c.deleted_at IS NULL AND c.created_at <= ${AFTER_TIME} AND (c.created_at, c.id) < (${AFTER_TIME}, ${AFTER_ID})
       ORDER BY c.created_at DESC, c.id DESC LIMIT $4
     ), removed AS (
       SELECT r.* FROM (
         SELECT (l.before->>'id')::bigint AS id, (l.before->>'createdAt')::timestamptz AS created_at, (l.before->>'videoId')::bigint AS video_id,
                (l.before->>'threadId')::bigint AS thread_id, l.before->>'body' AS body, false AS held, (l.before->>'editedAt')::timestamptz AS edited_at,
                l.reason, l.created_at AS removed_at
         FROM audit_log l WHERE l.subject_user_id = $1 AND l.action = 'comment.remove'
       ) r
       WHERE (r.created_at, r.id) < (${AFTER_TIME}, ${AFTER_ID})
       ORDER BY r.created_at DESC, r.id DESC LIMIT $4
     )
     SELECT m.id, m.thread_id, m.body, m.created_at, m.edited_at, m.held, m.reason, m.removed_at,
            CASE WHEN s.visible THEN v.public_id END AS public_id, CASE WHEN s.visible THEN v.title END AS title,
            CASE WHEN s.visible THEN v.comments_mode END AS comments_mode,
            (extract(epoch FROM m.created_at) * 1000000)::bigint::text AS micros
     FROM (SELECT * FROM live UNION ALL SELECT * FROM removed) m
     LEFT JOIN videos v ON v.id = m.video_id
     LEFT JOIN users u ON u.id = v.owner_id
     CROSS JOIN LATERAL (SELECT v.id IS NOT NULL AND (v.owner_id = $1 OR (${watchableByLink('v', 'u')})) AS visible) s
     ORDER BY m.created_at DESC, m.id DESC LIMIT $4`,
    [viewerId, options.after?.micros ?? null, options.after?.id ?? null, options.limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    threadId: r.thread_id === null ? null : Number(r.thread_id),
    body: r.body,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    state: r.removed_at ? 'removed' : r.held ? 'held' : 'published',
    reason: r.reason,
    removedAt: r.removed_at,
    video: r.public_id && r.title !== null ? { publicId: r.public_id, title: r.title, commentsOff: r.comments_mode === 'off' } : null,
    cursor: `${r.micros}-${r.id}`,
  }));
}
