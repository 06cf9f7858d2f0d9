import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import { afterVideo } from './keyset.js';
import { COLUMNS, WITH_OWNER, toVideo, toVideoWithOwner, type Video, type VideoWithOwner } from './videos.js';
import { channelLive, listed, ownerLive, videoListed } from './visibility.js';

// Lists of videos as pages show them. Every public one applies `listed` (visibility.ts).

const AFTER_NEWEST = afterVideo('published_at', 'true', '$1');
const AFTER_NEWEST_OF_CHANNEL = afterVideo('published_at', 'c.owner_id = $1');
const AFTER_MOST_VIEWED_OF_CHANNEL = afterVideo('view_count', 'c.owner_id = $1');
const AFTER_NEWEST_FOLLOWED = afterVideo('published_at', 'EXISTS (SELECT 1 FROM subscriptions fs WHERE fs.subscriber_id = $1 AND fs.channel_id = c.owner_id)');

// The site's listing and one channel's are two statements, not one with "$1 IS NULL OR
// v.owner_id = $1": planned once for any values, as a prepared statement may be, that
// condition picks no index, and a small channel's page would walk the whole site's listing
// (130 ms at 100,000 videos).
const NEWEST = `WITH ${AFTER_NEWEST.cursor}
  SELECT ${WITH_OWNER} FROM videos v JOIN users u ON u.id = v.owner_id
  WHERE ${listed()} AND ${AFTER_NEWEST.condition}
  ORDER BY v.published_at DESC, v.id DESC
  LIMIT $2`;
const NEWEST_OF_CHANNEL = `WITH ${AFTER_NEWEST_OF_CHANNEL.cursor}
  SELECT ${WITH_OWNER} FROM videos v JOIN users u ON u.id = v.owner_id
  WHERE v.owner_id = $1 AND ${listed()} AND ${AFTER_NEWEST_OF_CHANNEL.condition}
  ORDER BY v.published_at DESC, v.id DESC
  LIMIT $3`;

/**
 * Listed videos, newest first, the page after the video `after` (a public id; keyset, so
 * inserts never shift a page). Uses videos_public_listing_idx, or
 * videos_owner_public_listing_idx for one channel.
 */
export async function listPublicVideos(db: Queryable, options: { after?: string | null; limit: number; ownerId?: number }): Promise<VideoWithOwner[]> {
  const { after, limit, ownerId } = options;
  const { rows } = await db.query(ownerId === undefined
    ? prepared('list-public-videos', NEWEST, [after ?? null, limit])
    : prepared('list-public-videos-of-channel', NEWEST_OF_CHANNEL, [ownerId, after ?? null, limit]));
  return rows.map(toVideoWithOwner);
}

/**
 * A channel's listed videos, most viewed first, after the video `after`. Finds them
 * through videos_owner_public_listing_idx and sorts them (7 ms for a channel of 900 videos):
 * an index on view counts would make every counted view update that index too.
 */
export async function listPopularVideosOfChannel(db: Queryable, ownerId: number, options: { after?: string | null; limit: number }): Promise<VideoWithOwner[]> {
  const { rows } = await db.query(prepared(
    'list-popular-videos-of-channel',
    `WITH ${AFTER_MOST_VIEWED_OF_CHANNEL.cursor}
     SELECT ${WITH_OWNER} FROM videos v JOIN users u ON u.id = v.owner_id
     WHERE v.owner_id = $1 AND ${listed()}
       AND ${AFTER_MOST_VIEWED_OF_CHANNEL.condition}
     ORDER BY v.view_count DESC, v.id DESC
     LIMIT $3`,
    [ownerId, options.after ?? null, options.limit],
  ));
  return rows.map(toVideoWithOwner);
}

/** Listed videos by id, in the order of `ids` (videos_pkey). */
export async function listPublicVideosByIds(db: Queryable, ids: number[]): Promise<VideoWithOwner[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query(prepared(
    'list-public-videos-by-ids',
    `SELECT ${WITH_OWNER} FROM unnest($1::bigint[]) WITH ORDINALITY AS wanted(id, position)
     JOIN videos v ON v.id = wanted.id JOIN users u ON u.id = v.owner_id
     WHERE ${listed()}
     ORDER BY wanted.position`,
    [ids],
  ));
  return rows.map(toVideoWithOwner);
}

/**
 * The newest listed videos of the channels `subscriberId` follows, after `after`
 * (a public id). For each followed channel (subscriptions_pkey) takes the keys of at most a
 * page of its newest from videos_owner_public_listing_idx alone (an index-only scan: the index
 * holds published_at and id), sorts those, then reads one page of rows: the work grows with
 * the channels followed, not with their videos. Joining whole channels sorted all 1,500 videos
 * of a follower of the largest channels at 100,000 videos (5 ms, now 0.5 ms); whole rows in the
 * per-channel step let the planner, expecting ten videos a channel, read and sort them all too.
 */
export async function listSubscriptionFeed(db: Queryable, subscriberId: number, options: { after?: string | null; limit: number }): Promise<VideoWithOwner[]> {
  const { rows } = await db.query(prepared(
    'list-subscription-feed',
    `WITH ${AFTER_NEWEST_FOLLOWED.cursor},
     page AS (
       SELECT newest.id FROM subscriptions s
       JOIN users u ON u.id = s.channel_id
       CROSS JOIN LATERAL (
         SELECT v.id, v.published_at FROM videos v
         WHERE v.owner_id = s.channel_id AND ${videoListed()} AND ${AFTER_NEWEST_FOLLOWED.condition}
         ORDER BY v.published_at DESC, v.id DESC
         LIMIT $3
       ) newest
       WHERE s.subscriber_id = $1 AND ${ownerLive()}
       ORDER BY newest.published_at DESC, newest.id DESC
       LIMIT $3
     )
     SELECT ${WITH_OWNER} FROM page JOIN videos v ON v.id = page.id JOIN users u ON u.id = v.owner_id
     ORDER BY v.published_at DESC, v.id DESC`,
    [subscriberId, options.after ?? null, options.limit],
  ));
  return rows.map(toVideoWithOwner);
}

/** A channel's listed video count and their total views (uses videos_owner_public_listing_idx). */
export async function channelStats(db: Queryable, ownerId: number): Promise<{ videos: number; views: number }> {
  const { rows } = await db.query<{ videos: number; views: number }>(prepared(
    'channel-stats',
    `SELECT count(*)::int AS videos, coalesce(sum(v.view_count), 0)::bigint AS views FROM videos v
     WHERE v.owner_id = $1 AND ${videoListed()}`,
    [ownerId],
  ));
  return rows[0]!;
}

/** How many listed videos and live channels there are, for the sitemap index. */
export async function countSitemapEntries(db: Queryable): Promise<{ videos: number; channels: number }> {
  const { rows } = await db.query<{ videos: number; channels: number }>(
    `SELECT (SELECT count(*)::int FROM videos v JOIN users u ON u.id = v.owner_id WHERE ${listed()}) AS videos,
       (SELECT count(*)::int FROM users u WHERE ${channelLive()}) AS channels`,
  );
  return rows[0]!;
}

/**
 * One sitemap file's listed videos: `limit` from `offset` in id order (videos_pkey). Id order
 * keeps a video in the same file as new ones arrive; a file deep in a large catalogue skips
 * rows to get there, which crawlers asking once a day can afford (and the page cache keeps).
 */
export async function listSitemapVideos(db: Queryable, offset: number, limit: number): Promise<{ publicId: string; updatedAt: Date }[]> {
  const { rows } = await db.query<{ public_id: string; updated_at: Date }>(
    `SELECT v.public_id, v.updated_at FROM videos v JOIN users u ON u.id = v.owner_id
     WHERE ${listed()} ORDER BY v.id LIMIT $1 OFFSET $2`,
    [limit, offset],
  );
  return rows.map((r) => ({ publicId: r.public_id, updatedAt: r.updated_at }));
}

/** One sitemap file's live channels: `limit` from `offset` in id order (users_pkey). */
export async function listSitemapChannels(db: Queryable, offset: number, limit: number): Promise<{ handle: string }[]> {
  const { rows } = await db.query<{ handle: string }>(
    `SELECT u.handle FROM users u WHERE ${channelLive()} ORDER BY u.id LIMIT $1 OFFSET $2`,
    [limit, offset],
  );
  return rows;
}
