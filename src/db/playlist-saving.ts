import { newPublicId } from '../routes/public-id.js';
import { holdVideo, lockOwnPlaylist, POSITION_GAP } from './playlist-items.js';
import type { Pool, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import type { PlaylistDetails, PlaylistKind, PlaylistPrivacy } from './playlists.js';

/**
 * Saving a video to my playlists (issue 12, item 2) and clearing watched videos out of Watch
 * later (item 7). Adding and removing one item are playlist-items.ts's (addVideoToPlaylist,
 * removeVideoFromPlaylist); here are what the Save checklist reads, a new playlist made with
 * the video already in it, and the one statement that removes watched videos. Every query has
 * the owner in its WHERE clause.
 */

/** One of my playlists in the Save checklist, and whether it holds the video. */
export interface SaveChoice {
  id: number;
  publicId: string;
  kind: PlaylistKind;
  title: string;
  privacy: PlaylistPrivacy;
  itemCount: number;
  hasVideo: boolean;
}

/**
 * The owner's playlists, Watch later first then the last updated (playlists_owner_idx), each
 * with whether it holds the video: one statement, each flag one probe of
 * playlist_items_video_key (playlist, video public id).
 */
export async function listSaveChoices(db: Queryable, ownerId: number, videoPublicId: string, limit: number): Promise<SaveChoice[]> {
  const { rows } = await db.query(`SELECT p.id, p.public_id, p.kind, p.title, p.privacy, p.item_count,
      EXISTS (SELECT 1 FROM playlist_items i WHERE i.playlist_id = p.id AND i.video_public_id = $2) AS has_video
    FROM playlists p WHERE p.owner_id = $1
    ORDER BY p.kind = 'watch_later' DESC, p.updated_at DESC, p.id DESC LIMIT $3`, [ownerId, videoPublicId, limit]);
  return rows.map((r) => ({
    id: Number(r.id),
    publicId: r.public_id as string,
    kind: r.kind as PlaylistKind,
    title: r.title as string,
    privacy: r.privacy as PlaylistPrivacy,
    itemCount: Number(r.item_count),
    hasVideo: r.has_video as boolean,
  }));
}

/** The owner's own playlist `publicId` names (the owner in the WHERE clause); null for anyone else's. */
export async function findOwnPlaylistByPublicId(db: Queryable, ownerId: number, publicId: string): Promise<{ id: number; publicId: string; title: string; privacy: PlaylistPrivacy } | null> {
  const { rows } = await db.query('SELECT id, public_id, title, privacy FROM playlists WHERE public_id = $1 AND owner_id = $2', [publicId, ownerId]);
  return rows[0] ? { id: Number(rows[0].id), publicId: rows[0].public_id as string, title: rows[0].title as string, privacy: rows[0].privacy as PlaylistPrivacy } : null;
}

/**
 * A new playlist of the owner's holding the video, in one transaction: both or nothing. As
 * insertPlaylist, 'limit' when they keep `maxPerAccount` already (Watch later not counted),
 * counted under the owner's row lock so two creations at once cannot both pass it. The video
 * is its first item, so PLAYLIST_MAX_ITEMS (at least 1, src/config.ts) cannot refuse it.
 */
export async function insertPlaylistWithVideo(pool: Pool, ownerId: number, details: PlaylistDetails, video: { id: number; publicId: string }, maxPerAccount: number): Promise<{ publicId: string } | 'limit' | 'gone'> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', [ownerId]);
    const { rows: counted } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM playlists WHERE owner_id = $1 AND kind = 'normal'`, [ownerId]);
    if (counted[0]!.n >= maxPerAccount) return 'limit' as const;
    if (!(await holdVideo(client, video.id))) return 'gone' as const;
    const publicId = newPublicId();
    const { rows } = await client.query<{ id: number }>(`INSERT INTO playlists (public_id, owner_id, title, description, privacy, item_count)
      VALUES ($1, $2, $3, $4, $5, 1) RETURNING id`, [publicId, ownerId, details.title, details.description, details.privacy]);
    await client.query('INSERT INTO playlist_items (playlist_id, video_id, video_public_id, position) VALUES ($1, $2, $3, $4)',
      [rows[0]!.id, video.id, video.publicId, POSITION_GAP]);
    return { publicId };
  });
}

/**
 * Removes from the owner's Watch later every item whose video this account has watched (a view
 * of theirs was counted: watched_videos, written by recordView), and returns how many. One
 * statement deletes the items and takes them off item_count, under the playlist's row lock
 * (lockOwnPlaylist), so an item added or removed meanwhile in another tab waits and the count
 * stays equal to the rows. Each item is one probe of watched_videos_pkey (user, video); items
 * of deleted videos (video_id NULL) are never "watched" and stay for the owner to remove.
 * 'nothing' when the playlist is not the owner's Watch later.
 */
export async function removeWatchedVideos(pool: Pool, ownerId: number, playlistId: number): Promise<number | 'nothing'> {
  return withTransaction(pool, async (client) => {
    if (!(await lockOwnPlaylist(client, ownerId, playlistId))) return 'nothing' as const;
    const { rows } = await client.query<{ removed: number | null }>(`WITH later AS (
        SELECT id FROM playlists WHERE id = $1 AND owner_id = $2 AND kind = 'watch_later'
      ),
      gone AS (
        DELETE FROM playlist_items i USING later, watched_videos w
        WHERE i.playlist_id = later.id AND w.user_id = $2 AND w.video_id = i.video_id
        RETURNING i.id
      ),
      counted AS (SELECT count(*)::int AS n FROM gone),
      touched AS (
        UPDATE playlists p SET item_count = p.item_count - counted.n, updated_at = now()
        FROM counted WHERE p.id = $1 AND counted.n > 0
      )
      SELECT (SELECT n FROM counted) AS removed, (SELECT count(*)::int FROM later) AS later`, [playlistId, ownerId]);
    const row = rows[0] as unknown as { removed: number; later: number };
    return row.later === 1 ? row.removed : 'nothing';
  });
}
