import { canSeeVideo, type Viewer } from '../auth/permissions.js';
import type { Pool, PoolClient, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import { appendPosition, moveLocked, type Destination, type MoveResult, type RenumberLater } from './playlist-order.js';
import { toVideoWithOwner, WITH_OWNER, type VideoWithOwner } from './videos.js';
import { watchableByLink } from './visibility.js';

/**
 * A playlist's items: adding (at most once, within PLAYLIST_MAX_ITEMS), removing, moving, and
 * the page of items with each video decided by the one rule. Every write takes the playlist's
 * row lock first (`lockOwnPlaylist`, the owner in its WHERE clause), so two requests on the same
 * playlist (two tabs of the owner) run one after the other: positions stay unique and
 * item_count stays equal to the rows it counts.
 *
 * Order (positions, moves, renumbering) is playlist-order.ts's; the functions here keep their
 * names for the routes and the other parts of issue 12.
 */

export { MOVES, POSITION_GAP, type Destination, type MoveResult, type MoveTo } from './playlist-order.js';

/** The playlist's row, locked for this transaction, if it is the owner's; else null. Every write to its items takes it first (playlist-saving.ts too). */
export async function lockOwnPlaylist(client: PoolClient, ownerId: number, playlistId: number): Promise<{ itemCount: number } | null> {
  const { rows } = await client.query<{ item_count: number }>('SELECT item_count FROM playlists WHERE id = $1 AND owner_id = $2 FOR UPDATE', [playlistId, ownerId]);
  return rows[0] ? { itemCount: rows[0].item_count } : null;
}

async function touch(client: PoolClient, playlistId: number, countChange: number): Promise<void> {
  await client.query('UPDATE playlists SET item_count = item_count + $2, updated_at = now() WHERE id = $1', [playlistId, countChange]);
}

/**
 * Whether the video is still there, held so until the transaction ends: loadVideo read it
 * before, and a delete committed since would make the item's INSERT fail its foreign key (a
 * 500). FOR KEY SHARE makes a DELETE starting now wait for this transaction; one committed
 * already finds nothing here.
 */
export async function holdVideo(client: PoolClient, videoId: number): Promise<boolean> {
  const { rows } = await client.query('SELECT 1 FROM videos WHERE id = $1 FOR KEY SHARE', [videoId]);
  return rows.length === 1;
}

/**
 * Adds a video at the end of the owner's playlist: 'added'; 'already' when it is there (a
 * resubmit or a second tick is not an error); 'full' at `maxItems`; 'nothing' when the playlist
 * is not the owner's. Whether the viewer may see the video is the caller's (loadVideo).
 */
export async function addVideoToPlaylist(pool: Pool, ownerId: number, playlistId: number, video: { id: number; publicId: string }, maxItems: number): Promise<'added' | 'already' | 'full' | 'gone' | 'nothing'> {
  return withTransaction(pool, async (client) => {
    const playlist = await lockOwnPlaylist(client, ownerId, playlistId);
    if (!playlist) return 'nothing';
    const { rows: present } = await client.query('SELECT 1 FROM playlist_items WHERE playlist_id = $1 AND video_public_id = $2', [playlistId, video.publicId]);
    if (present.length > 0) return 'already';
    if (playlist.itemCount >= maxItems) return 'full';
    if (!(await holdVideo(client, video.id))) return 'gone';
    const position = await appendPosition(client, playlistId);
    await client.query('INSERT INTO playlist_items (playlist_id, video_id, video_public_id, position) VALUES ($1, $2, $3, $4)', [playlistId, video.id, video.publicId, position]);
    await touch(client, playlistId, 1);
    return 'added';
  });
}

/** Removes the item named by the video's public id (a deleted video's too) from the owner's playlist; false when there is none. */
export async function removeVideoFromPlaylist(pool: Pool, ownerId: number, playlistId: number, videoPublicId: string): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    if (!(await lockOwnPlaylist(client, ownerId, playlistId))) return false;
    const { rowCount } = await client.query('DELETE FROM playlist_items WHERE playlist_id = $1 AND video_public_id = $2', [playlistId, videoPublicId]);
    if (rowCount !== 1) return false;
    await touch(client, playlistId, -1);
    return true;
  });
}

/**
 * Moves the item named by the video's public id in the owner's playlist (a step, or just before
 * or after another item): 'moved'; 'unchanged' when it is already there; 'nothing' when there is
 * no such item in a playlist of the owner's. One item row is written, and the playlist's
 * updated_at (playlist-order.ts explains the rare exceptions). `renumberLater` queues the
 * background renumbering when the move leaves a small gap (the routes pass the job queue's).
 */
export async function movePlaylistItem(pool: Pool, ownerId: number, playlistId: number, videoPublicId: string, to: Destination, options: { renumberLater?: RenumberLater } = {}): Promise<'moved' | 'unchanged' | 'nothing' | 'no-neighbour'> {
  return (await movePlaylistItemWithNeighbours(pool, ownerId, playlistId, videoPublicId, to, options)).outcome;
}

/** movePlaylistItem, answering the item's neighbours afterwards as well (for the page's script). */
export async function movePlaylistItemWithNeighbours(pool: Pool, ownerId: number, playlistId: number, videoPublicId: string, to: Destination, options: { renumberLater?: RenumberLater } = {}): Promise<MoveResult> {
  return withTransaction(pool, (client) => moveOwnPlaylistItem(client, ownerId, playlistId, videoPublicId, to, options));
}

/** The move's work inside the caller's transaction (the row-count test reads its statistics before commit). */
export async function moveOwnPlaylistItem(client: PoolClient, ownerId: number, playlistId: number, videoPublicId: string, to: Destination, options: { renumberLater?: RenumberLater } = {}): Promise<MoveResult> {
  if (!(await lockOwnPlaylist(client, ownerId, playlistId))) return { outcome: 'nothing', previous: null, next: null };
  const result = await moveLocked(client, playlistId, videoPublicId, to, options.renumberLater);
  if (result.outcome === 'moved') await touch(client, playlistId, 0);
  return result;
}

/**
 * An item as pages show it: `video` is null when the video is deleted or this viewer may not
 * see it (canSeeVideo, the one rule): "Unavailable video", with neither title nor thumbnail,
 * so a public playlist never reveals a private video.
 */
export interface PlaylistItem {
  position: number;
  videoPublicId: string;
  addedAt: Date;
  video: VideoWithOwner | null;
}

/**
 * A page of the playlist's items in order after `after` (a position), `limit` of them, read by
 * playlist_items_position_key (limit entries, then each video by its primary key).
 */
export async function listPlaylistItems(db: Queryable, playlistId: number, viewer: Viewer | null, options: { after: number | null; limit: number }): Promise<PlaylistItem[]> {
  const { rows } = await db.query(`SELECT i.position AS item_position, i.video_public_id AS item_video_public_id, i.added_at AS item_added_at, ${WITH_OWNER}
    FROM playlist_items i LEFT JOIN videos v ON v.id = i.video_id LEFT JOIN users u ON u.id = v.owner_id
    WHERE i.playlist_id = $1 AND ($2::bigint IS NULL OR i.position > $2)
    ORDER BY i.position LIMIT $3`, [playlistId, options.after, options.limit]);
  return rows.map((r) => {
    const video = r.id === null ? null : toVideoWithOwner(r);
    return {
      position: r.item_position as number,
      videoPublicId: r.item_video_public_id as string,
      addedAt: r.item_added_at as Date,
      video: video && canSeeVideo(viewer, video) ? video : null,
    };
  });
}

/**
 * The playlist's length in seconds, over the videos anyone with the link may watch (the one rule,
 * as the viewer of a public playlist sees it): unavailable videos add nothing. Reads every item
 * (at most PLAYLIST_MAX_ITEMS, each video by its primary key).
 */
export async function sumPlaylistSeconds(db: Queryable, playlistId: number): Promise<number> {
  const { rows } = await db.query<{ seconds: number }>(`SELECT coalesce(sum(v.duration_seconds), 0)::float8 AS seconds
    FROM playlist_items i JOIN videos v ON v.id = i.video_id JOIN users u ON u.id = v.owner_id
    WHERE i.playlist_id = $1 AND ${watchableByLink('v', 'u')}`, [playlistId]);
  return Math.round(rows[0]!.seconds);
}
