import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import type { Moderation, VideoStatus, Visibility } from './visibility.js';

// The studio's list of one creator's videos, in every state, and the channel's totals. Every
// query has the owner in its WHERE clause: nothing here reads another account's videos.

export const STUDIO_SORTS = ['newest', 'oldest', 'views'] as const;
export type StudioSort = (typeof STUDIO_SORTS)[number];

/** What the list is narrowed to; null means any. `search` is matched inside titles, case-insensitively. */
export interface StudioFilter {
  visibility: Visibility | null;
  status: VideoStatus | null;
  search: string | null;
}

export interface StudioVideo {
  id: number;
  publicId: string;
  title: string;
  visibility: Visibility;
  status: VideoStatus;
  /** Held for approval or taken down by a moderator (the list's badge). */
  moderation: Moderation;
  progress: number;
  failureReason: string | null;
  thumbnailStem: string | null;
  thumbnailWidths: number[];
  durationSeconds: number;
  createdAt: Date;
  /** When it was first made public; null until then. */
  publishedAt: Date | null;
  viewCount: number;
  likeCount: number;
  dislikeCount: number;
  /** Comments shown to everyone (videos.comment_count: held and deleted ones are not counted). */
  commentCount: number;
}

const COLUMNS = `v.id, v.public_id, v.title, v.visibility, v.status, v.moderation, v.progress, v.failure_reason, v.thumbnail_stem,
  v.thumbnail_widths, v.duration_seconds, v.created_at, v.published_at, v.view_count, v.like_count, v.dislike_count, v.comment_count`;

function toStudioVideo(r: Record<string, unknown>): StudioVideo {
  return {
    id: r.id as number,
    publicId: r.public_id as string,
    title: r.title as string,
    visibility: r.visibility as Visibility,
    status: r.status as VideoStatus,
    moderation: r.moderation as Moderation,
    progress: r.progress as number,
    failureReason: r.failure_reason as string | null,
    thumbnailStem: r.thumbnail_stem as string | null,
    thumbnailWidths: r.thumbnail_widths as number[],
    durationSeconds: r.duration_seconds as number,
    createdAt: r.created_at as Date,
    publishedAt: r.published_at as Date | null,
    viewCount: r.view_count as number,
    likeCount: r.like_count as number,
    dislikeCount: r.dislike_count as number,
    commentCount: r.comment_count as number,
  };
}

/** The sort key of each order, as SQL; the cursor compares the same row value. */
const ORDERS: Record<StudioSort, { columns: string[]; direction: 'ASC' | 'DESC'; compare: '<' | '>' }> = {
  newest: { columns: ['created_at', 'id'], direction: 'DESC', compare: '<' },
  oldest: { columns: ['created_at', 'id'], direction: 'ASC', compare: '>' },
  views: { columns: ['view_count', 'id'], direction: 'DESC', compare: '<' },
};
const columnsOf = (alias: string, columns: string[]) => columns.map((c) => `${alias}.${c}`).join(', ');

/** `%`, `_` and `\` typed in the search box are looked for as they are, not as LIKE's wildcards. */
export function titlePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The WHERE clause and values of a filter, each condition present only when asked for, and the
 * statement's name after which ones are: one prepared statement per combination, each planned
 * for its own conditions. ("$2 IS NULL OR v.visibility = $2" in one statement would be planned
 * once for any value and use no index.) The values are always parameters; only fixed fragments
 * are put together here. A search is not prepared: its best plan depends on the words (a rare
 * one through the trigram index, one letter or a common word through the owner's index, in
 * order), and a generic plan, which Postgres switches a prepared statement to after five runs,
 * took 83 ms for "a" over 10,000 videos against 0.1 ms planned for it.
 */
function filterClause(ownerId: number, filter: StudioFilter, values: unknown[]): { where: string; name: string } {
  values.push(ownerId);
  const conditions = ['v.owner_id = $1'];
  let name = '';
  if (filter.visibility) {
    values.push(filter.visibility);
    conditions.push(`v.visibility = $${values.length}`);
    name += '-visibility';
  }
  if (filter.status) {
    values.push(filter.status);
    conditions.push(`v.status = $${values.length}`);
    name += '-status';
  }
  if (filter.search) {
    values.push(titlePattern(filter.search));
    conditions.push(`lower(v.title) LIKE $${values.length}`);
    name += '-search';
  }
  return { where: conditions.join(' AND '), name };
}

/**
 * One page of my videos in `sort` order, after the video `after` (a public id of mine: keyset, so
 * new uploads never shift a page), asking for `limit` rows. Indexes: videos_owner_created_idx
 * for newest and oldest (read backwards for oldest), videos_owner_visibility_created_idx and
 * videos_owner_status_created_idx with a filter; a search ANDs the owner's index with
 * videos_title_trgm_idx (the trigram index on lower(title)) and sorts the matches. Most viewed
 * reads the owner's (filtered) videos and keeps the top of them (a top-N sort), as the channel
 * page does: about 20 ms for 10,000 videos. An index on (owner_id, view_count) would make it a
 * read of 51 index entries, but every counted view would then write a new row version into
 * every index of videos, the two GIN indexes included: measured, none of 5,000 view-count
 * updates stayed HOT with it, against about half without. Views are counted far more often
 * than a creator sorts by them.
 * An `after` that is not one of mine gives the first page (the caller checks it with
 * `isOwnVideo`, so a cursor never tells whether another account's id exists).
 */
export async function listStudioVideos(db: Queryable, ownerId: number, options: StudioFilter & { sort: StudioSort; after: string | null; limit: number }): Promise<StudioVideo[]> {
  const values: unknown[] = [];
  const { where, name } = filterClause(ownerId, options, values);
  const order = ORDERS[options.sort];
  let cursor = '';
  if (options.after) {
    values.push(options.after);
    cursor = ` AND (${columnsOf('v', order.columns)}) ${order.compare} (SELECT ${columnsOf('c', order.columns)} FROM videos c WHERE c.public_id = $${values.length} AND c.owner_id = $1)`;
  }
  values.push(options.limit);
  const orderBy = order.columns.map((column) => `v.${column} ${order.direction}`).join(', ');
  const text = `SELECT ${COLUMNS} FROM videos v WHERE ${where}${cursor} ORDER BY ${orderBy} LIMIT $${values.length}`;
  // A search is planned for its words each time (see filterClause); the rest are prepared.
  const { rows } = await db.query(options.search ? { text, values } : prepared(`studio-videos-${options.sort}${name}${options.after ? '-after' : ''}`, text, values));
  return rows.map(toStudioVideo);
}

/** Whether the video with this public id is mine (videos_public_id_key). */
export async function isOwnVideo(db: Queryable, ownerId: number, publicId: string): Promise<boolean> {
  const { rowCount } = await db.query(prepared('studio-own-video', 'SELECT 1 FROM videos WHERE public_id = $1 AND owner_id = $2', [publicId, ownerId]));
  return rowCount === 1;
}

/** The public ids of all my videos the filter matches, newest first, at most `limit` (for "all matching" bulk actions). */
export async function listMatchingPublicIds(db: Queryable, ownerId: number, filter: StudioFilter, limit: number): Promise<string[]> {
  const values: unknown[] = [];
  const { where, name } = filterClause(ownerId, filter, values);
  values.push(limit);
  const text = `SELECT v.public_id FROM videos v WHERE ${where} ORDER BY v.created_at DESC, v.id DESC LIMIT $${values.length}`;
  const { rows } = await db.query<{ public_id: string }>(filter.search ? { text, values } : prepared(`studio-matching-ids${name}`, text, values));
  return rows.map((r) => r.public_id);
}

/** Titles of those of `publicIds` that are mine, in their order (for the page confirming a delete). */
export async function listOwnTitles(db: Queryable, ownerId: number, publicIds: string[]): Promise<{ publicId: string; title: string }[]> {
  const { rows } = await db.query<{ public_id: string; title: string }>(
    `SELECT v.public_id, v.title FROM unnest($1::text[]) WITH ORDINALITY AS w (public_id, position)
     JOIN videos v ON v.public_id = w.public_id WHERE v.owner_id = $2 ORDER BY w.position`,
    [publicIds, ownerId],
  );
  return rows.map((r) => ({ publicId: r.public_id, title: r.title }));
}

/** The window of the channel totals: today (UTC) and the 27 days before it. */
export const TOTALS_DAYS = 28;

export interface ChannelTotals {
  views: number;
  newSubscribers: number;
}

/**
 * Views and new subscribers of the last 28 days (today, UTC, and the 27 days before). Views:
 * the rolled-up days from channel_view_days (28 rows at most, its primary key) plus the views
 * not rolled up yet, from video_views of my videos in the window (the owner's index joined to
 * video_views_pkey, or the recent rows through video_views_viewed_at_idx, whichever is fewer).
 * One statement, so a roll-up running meanwhile is seen entirely or not at all. Subscribers:
 * subscriptions_channel_subscribed_idx.
 */
export async function channelTotals(db: Queryable, ownerId: number): Promise<ChannelTotals> {
  const { rows } = await db.query<{ views: number; new_subscribers: number }>(prepared(
    'studio-channel-totals',
    `WITH since AS (SELECT (now() AT TIME ZONE 'UTC')::date - ($2::int - 1) AS day)
     SELECT
       (SELECT coalesce(sum(d.views), 0) FROM channel_view_days d WHERE d.owner_id = $1 AND d.day >= (SELECT day FROM since))
       + (SELECT count(*) FROM video_views w JOIN videos v ON v.id = w.video_id
          WHERE v.owner_id = $1 AND w.viewed_at >= (SELECT day FROM since)::timestamp AT TIME ZONE 'UTC') AS views,
       (SELECT count(*) FROM subscriptions s
        WHERE s.channel_id = $1 AND s.subscribed_at >= (SELECT day FROM since)::timestamp AT TIME ZONE 'UTC') AS new_subscribers`,
    [ownerId, TOTALS_DAYS],
  ));
  return { views: Number(rows[0]!.views), newSubscribers: Number(rows[0]!.new_subscribers) };
}
