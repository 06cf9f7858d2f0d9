import { canSeeVideo, type Viewer } from '../auth/permissions.js';
import { prepared, type Queryable } from './pool.js';
import { ownerLive } from './visibility.js';

/**
 * Playing a playlist (issue 12, items 4 and 5): the few items around the one playing, read by
 * position, never the whole list, so a watch page with `?list=` into a 5,000-video playlist
 * costs about what the page without it does. Each item's video is decided by the one rule
 * (canSeeVideo) here, as listPlaylistItems does: an unavailable one comes back with `video`
 * null, and nothing of it (title, picture, owner) leaves this module.
 *
 * Shuffle is the exception: its order is a hash of the seed and every item's video id, so it
 * reads every id (listPlaylistVideoIds, an index-only scan of playlist_items_video_key, at most
 * PLAYLIST_MAX_ITEMS entries), then the window by those ids.
 */

/** What the panel shows of an available item's video. */
export interface PlaybackVideo {
  publicId: string;
  title: string;
  durationSeconds: number;
  thumbnailStem: string | null;
  thumbnailWidths: number[];
  owner: { handle: string; displayName: string };
}

export interface PlaybackItem {
  position: number;
  videoPublicId: string;
  /** null: deleted, or this viewer may not see it ("Unavailable video"). */
  video: PlaybackVideo | null;
}

/** The items around the anchor (the video in the address, else the address's index), in order. */
export interface PlaybackWindow {
  playlistId: number;
  items: PlaybackItem[];
  /** The anchor's place in `items`. */
  anchorAt: number;
  /** How many items of the whole playlist come before the anchor (its number is this + 1); null when not counted. */
  anchorRank: number | null;
  /** Whether the video in the address is in the playlist (else the anchor is the index-th item). */
  inList: boolean;
  /** Whether the window reaches the first and the last item of the playlist. */
  atStart: boolean;
  atEnd: boolean;
}

// Only what the panel and canSeeVideo need: 31 rows with a description each would be waste.
const ITEM_COLUMNS = `i.position, i.video_public_id AS item_video_public_id, v.id AS video_id, v.public_id, v.owner_id, v.title, v.visibility, v.status, v.moderation,
  v.duration_seconds, v.thumbnail_stem, v.thumbnail_widths, u.handle AS owner_handle, u.display_name AS owner_display_name, (${ownerLive('u')}) AS owner_live`;

type Row = Record<string, unknown>;

function toItem(r: Row, viewer: Viewer | null): PlaybackItem {
  const item = { position: Number(r.position), videoPublicId: r.item_video_public_id as string };
  if (r.video_id === null) return { ...item, video: null };
  const access = { ownerId: Number(r.owner_id), visibility: r.visibility as never, status: r.status as never, moderation: r.moderation as never, ownerLive: r.owner_live as boolean };
  if (!canSeeVideo(viewer, access)) return { ...item, video: null };
  return {
    ...item,
    video: {
      publicId: r.public_id as string,
      title: r.title as string,
      durationSeconds: Number(r.duration_seconds),
      thumbnailStem: r.thumbnail_stem as string | null,
      thumbnailWidths: (r.thumbnail_widths as number[]) ?? [],
      owner: { handle: r.owner_handle as string, displayName: r.owner_display_name as string },
    },
  };
}

/** The playlist as the panel shows it, and what canSeePlaylist asks. */
export interface PlaybackPlaylist {
  id: number;
  publicId: string;
  ownerId: number;
  kind: 'normal' | 'watch_later';
  title: string;
  privacy: 'public' | 'unlisted' | 'private';
  itemCount: number;
  owner: { handle: string; displayName: string };
}

/**
 * The playlist `playlistPublicId` names (if its owner is live, as findPlaylistByPublicId) and the
 * window around the anchor, in one prepared statement: `before` items before the anchor and the
 * anchor with `after` items after it, each side `LIMIT n` on playlist_items_position_key, each
 * video by its primary key. The anchor is the item of `videoPublicId`
 * (playlist_items_video_key), else the `index0`-th item (0-based; an offset on the position
 * index), else the last one. null: no such playlist; `window` null: it has no items. Whether
 * the viewer may see the playlist is the caller's (canSeePlaylist): nothing read here is shown
 * before that.
 *
 * The anchor's rank (its number - 1) is counted (an index-only scan of the positions below it,
 * up to PLAYLIST_MAX_ITEMS entries: 0.75 ms of the statement's 1.1 at the 4,000th of 5,000,
 * measured) only when the address gives no index (`index0` null); with one, the caller trusts
 * it, except near the ends, where the window itself says the exact number.
 */
export async function findPlaybackWindow(db: Queryable, playlistPublicId: string, videoPublicId: string, index0: number | null, viewer: Viewer | null, sides: { before: number; after: number }): Promise<{ playlist: PlaybackPlaylist; window: PlaybackWindow | null } | null> {
  // Prepared: planning this statement took longer than running it (0.74 against 0.49 ms), and
  // its plan does not depend on the values (every step is an index probe or an index range
  // stopped by a LIMIT). The window's sides are written into the text, integers from code: with
  // LIMIT $n the generic plan looked dearer than the custom ones, so Postgres kept planning.
  const [before, after] = [Math.trunc(sides.before), Math.trunc(sides.after) + 1];
  const { rows } = await db.query(prepared(`playback-window-${before}-${after}`, `WITH pl AS MATERIALIZED (
      SELECT p.id, p.public_id, p.owner_id, p.kind, p.title, p.privacy, p.item_count, pu.handle, pu.display_name
      FROM playlists p JOIN users pu ON pu.id = p.owner_id
      WHERE p.public_id = $1 AND ${ownerLive('pu')}),
    found AS MATERIALIZED (SELECT i.position FROM playlist_items i, pl WHERE i.playlist_id = pl.id AND i.video_public_id = $2),
    anchor AS MATERIALIZED (SELECT coalesce(
        (SELECT position FROM found),
        (SELECT i.position FROM playlist_items i WHERE i.playlist_id = pl.id ORDER BY i.position OFFSET coalesce($3::int, 0) LIMIT 1),
        (SELECT i.position FROM playlist_items i WHERE i.playlist_id = pl.id ORDER BY i.position DESC LIMIT 1)) AS position
      FROM pl),
    -- The anchor as scalars (InitPlans), not a join: then each side is an ordered scan of
    -- playlist_items_position_key stopped by its LIMIT, where a join read every item on that
    -- side and sorted them (measured at 5,000: 10 ms against well under 1).
    win AS (
      (SELECT i.position, i.video_public_id, i.video_id FROM playlist_items i
        WHERE i.playlist_id = (SELECT id FROM pl) AND i.position < (SELECT position FROM anchor) ORDER BY i.position DESC LIMIT ${before})
      UNION ALL
      (SELECT i.position, i.video_public_id, i.video_id FROM playlist_items i
        WHERE i.playlist_id = (SELECT id FROM pl) AND i.position >= (SELECT position FROM anchor) ORDER BY i.position LIMIT ${after}))
    SELECT pl.id AS pl_id, pl.public_id AS pl_public_id, pl.owner_id AS pl_owner_id, pl.kind AS pl_kind, pl.title AS pl_title,
      pl.privacy AS pl_privacy, pl.item_count AS pl_item_count, pl.handle AS pl_owner_handle, pl.display_name AS pl_owner_display_name,
      w.*, (SELECT position FROM anchor) AS anchor_position, EXISTS (SELECT 1 FROM found) AS in_list,
      -- CASE evaluates the count's InitPlan only when no index is given.
      CASE WHEN $3::int IS NULL THEN (SELECT count(*) FROM playlist_items c
        WHERE c.playlist_id = (SELECT id FROM pl) AND c.position < (SELECT position FROM anchor))::int END AS anchor_rank
    FROM pl LEFT JOIN LATERAL (
      SELECT ${ITEM_COLUMNS} FROM win i LEFT JOIN videos v ON v.id = i.video_id LEFT JOIN users u ON u.id = v.owner_id
    ) w ON true
    ORDER BY w.position`, [playlistPublicId, videoPublicId, index0]));
  if (rows.length === 0) return null;
  const first = rows[0]!;
  const playlist: PlaybackPlaylist = {
    id: Number(first.pl_id), publicId: first.pl_public_id as string, ownerId: Number(first.pl_owner_id), kind: first.pl_kind as PlaybackPlaylist['kind'],
    title: first.pl_title as string, privacy: first.pl_privacy as PlaybackPlaylist['privacy'], itemCount: Number(first.pl_item_count),
    owner: { handle: first.pl_owner_handle as string, displayName: first.pl_owner_display_name as string },
  };
  if (first.position === null) return { playlist, window: null };
  const anchorPosition = Number(first.anchor_position);
  const items = rows.map((r) => toItem(r, viewer));
  const anchorAt = items.findIndex((item) => item.position === anchorPosition);
  return {
    playlist,
    window: {
      playlistId: playlist.id,
      items,
      anchorAt,
      anchorRank: first.anchor_rank === null ? null : Number(first.anchor_rank),
      inList: first.in_list as boolean,
      atStart: anchorAt < sides.before,
      atEnd: items.length - anchorAt < sides.after + 1,
    },
  };
}

/**
 * Up to `limit` items after (`>`) or before (`<`) `position`, nearest first; null `position`
 * starts from that end of the playlist. The walk past a window with no available video in it
 * (rare: it takes a run of unavailable ones), and the wrap of a looped playlist.
 */
export async function listPlaybackItemsFrom(db: Queryable, playlistId: number, position: number | null, side: '<' | '>', limit: number, viewer: Viewer | null): Promise<PlaybackItem[]> {
  const sql = side === '>'
    ? `SELECT ${ITEM_COLUMNS} FROM playlist_items i LEFT JOIN videos v ON v.id = i.video_id LEFT JOIN users u ON u.id = v.owner_id
       WHERE i.playlist_id = $1 AND ($2::bigint IS NULL OR i.position > $2) ORDER BY i.position LIMIT $3`
    : `SELECT ${ITEM_COLUMNS} FROM playlist_items i LEFT JOIN videos v ON v.id = i.video_id LEFT JOIN users u ON u.id = v.owner_id
       WHERE i.playlist_id = $1 AND ($2::bigint IS NULL OR i.position < $2) ORDER BY i.position DESC LIMIT $3`;
  const { rows } = await db.query(sql, [playlistId, position, limit]);
  return rows.map((r) => toItem(r, viewer));
}

/**
 * Every item's video public id, in no order: what a shuffled order is made from. An index-only
 * scan of playlist_items_video_key (playlist_id, video_public_id): at most PLAYLIST_MAX_ITEMS
 * entries, about 2 ms at 5,000 (measured), paid only by shuffled playback.
 */
export async function listPlaylistVideoIds(db: Queryable, playlistPublicId: string): Promise<{ playlistId: number; ids: string[] } | null> {
  const { rows } = await db.query<{ playlist_id: number; ids: string[] | null }>(prepared('playback-shuffle-ids', `SELECT p.id AS playlist_id,
      ARRAY(SELECT i.video_public_id FROM playlist_items i WHERE i.playlist_id = p.id) AS ids
    FROM playlists p WHERE p.public_id = $1`, [playlistPublicId]));
  return rows[0] ? { playlistId: Number(rows[0].playlist_id), ids: rows[0].ids ?? [] } : null;
}

/** The items of these videos (playlist_items_video_key probes), keyed by video public id. */
export async function listPlaybackItemsByVideoIds(db: Queryable, playlistId: number, videoPublicIds: string[], viewer: Viewer | null): Promise<Map<string, PlaybackItem>> {
  if (videoPublicIds.length === 0) return new Map();
  const { rows } = await db.query(prepared('playback-items-by-ids', `SELECT ${ITEM_COLUMNS} FROM playlist_items i LEFT JOIN videos v ON v.id = i.video_id LEFT JOIN users u ON u.id = v.owner_id
    WHERE i.playlist_id = $1 AND i.video_public_id = ANY($2::text[])`, [playlistId, videoPublicIds]));
  return new Map(rows.map((r) => { const item = toItem(r, viewer); return [item.videoPublicId, item]; }));
}
