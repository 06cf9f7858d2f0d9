import { newPublicId } from '../routes/public-id.js';
import type { Pool, Queryable } from './pool.js';
import { withTransaction } from './pool.js';

/**
 * Playlists (issue 12): their details, created, edited and deleted by their owner (the owner's
 * id in every WHERE clause). How public ones are found (the channel tab, search, the sitemap)
 * is playlist-discovery.ts; their items, order and limits are in
 * playlist-items.ts. Who may see or change one is src/auth/permissions.ts (canSeePlaylist,
 * canManagePlaylist); which of its videos a viewer may see is the videos' own rule
 * (src/db/visibility.ts), applied per item.
 */

export type PlaylistPrivacy = 'public' | 'unlisted' | 'private';
export type PlaylistKind = 'normal' | 'watch_later';
export const PLAYLIST_PRIVACIES: readonly PlaylistPrivacy[] = ['public', 'unlisted', 'private'];
export const WATCH_LATER_TITLE = 'Watch later';

export interface Playlist {
  id: number;
  publicId: string;
  ownerId: number;
  kind: PlaylistKind;
  title: string;
  description: string;
  privacy: PlaylistPrivacy;
  itemCount: number;
  createdAt: Date;
  updatedAt: Date;
  owner: { handle: string; displayName: string };
}

export interface PlaylistDetails {
  title: string;
  description: string;
  privacy: PlaylistPrivacy;
}

/** The columns toPlaylist reads, from playlists `p` joined to its owner `u` (playlist-discovery.ts reads them too). */
export const COLUMNS = `p.id, p.public_id, p.owner_id, p.kind, p.title, p.description, p.privacy, p.item_count, p.created_at, p.updated_at,
  u.handle AS owner_handle, u.display_name AS owner_display_name`;

type Row = Record<string, unknown>;

export function toPlaylist(r: Row): Playlist {
  return {
    id: Number(r.id),
    publicId: r.public_id as string,
    ownerId: Number(r.owner_id),
    kind: r.kind as PlaylistKind,
    title: r.title as string,
    description: r.description as string,
    privacy: r.privacy as PlaylistPrivacy,
    itemCount: Number(r.item_count),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
    owner: { handle: r.owner_handle as string, displayName: r.owner_display_name as string },
  };
}

/**
 * The playlist `publicId` names, whoever owns it, if its owner is live; null otherwise. Who may
 * see it is decided by the caller (loadPlaylist, canSeePlaylist): a banned owner's playlists are
 * gone for everyone, as their videos are.
 */
export async function findPlaylistByPublicId(db: Queryable, publicId: string): Promise<Playlist | null> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM playlists p JOIN users u ON u.id = p.owner_id
    WHERE p.public_id = $1 AND u.deleted_at IS NULL AND u.banned_at IS NULL`, [publicId]);
  return rows[0] ? toPlaylist(rows[0]) : null;
}

/**
 * The owner's Watch later, made on first use (the one per account is playlists_one_watch_later_key:
 * two first uses at once make one row, the second INSERT doing nothing).
 */
export async function findOrCreateWatchLater(db: Queryable, ownerId: number): Promise<Playlist> {
  await db.query(`INSERT INTO playlists (public_id, owner_id, kind, title, privacy) VALUES ($1, $2, 'watch_later', $3, 'private')
    ON CONFLICT (owner_id) WHERE kind = 'watch_later' DO NOTHING`, [newPublicId(), ownerId, WATCH_LATER_TITLE]);
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM playlists p JOIN users u ON u.id = p.owner_id WHERE p.owner_id = $1 AND p.kind = 'watch_later'`, [ownerId]);
  return toPlaylist(rows[0]!);
}

/** All the owner's playlists, Watch later first, then the last updated (playlists_owner_idx). */
export async function listPlaylistsOfOwner(db: Queryable, ownerId: number, limit: number): Promise<Playlist[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM playlists p JOIN users u ON u.id = p.owner_id WHERE p.owner_id = $1
    ORDER BY p.kind = 'watch_later' DESC, p.updated_at DESC, p.id DESC LIMIT $2`, [ownerId, limit]);
  return rows.map(toPlaylist);
}

/**
 * A new playlist of the owner's, unless they keep `maxPerAccount` already (Watch later not
 * counted): 'limit'. The count is taken under the owner's row lock, so two creations at once
 * cannot both pass it.
 */
export async function insertPlaylist(pool: Pool, ownerId: number, details: PlaylistDetails, maxPerAccount: number): Promise<{ publicId: string } | 'limit'> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', [ownerId]);
    const { rows: counted } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM playlists WHERE owner_id = $1 AND kind = 'normal'`, [ownerId]);
    if (counted[0]!.n >= maxPerAccount) return 'limit' as const;
    const publicId = newPublicId();
    await client.query('INSERT INTO playlists (public_id, owner_id, title, description, privacy) VALUES ($1, $2, $3, $4, $5)',
      [publicId, ownerId, details.title, details.description, details.privacy]);
    return { publicId };
  });
}

/** New details for the owner's own playlist; Watch later is never changed (false). */
export async function updatePlaylistDetails(db: Queryable, ownerId: number, playlistId: number, details: PlaylistDetails): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE playlists SET title = $3, description = $4, privacy = $5, updated_at = now()
    WHERE id = $2 AND owner_id = $1 AND kind = 'normal'`, [ownerId, playlistId, details.title, details.description, details.privacy]);
  return rowCount === 1;
}

/** Deletes the owner's own playlist and its items (ON DELETE CASCADE); never Watch later (false). */
export async function deletePlaylist(db: Queryable, ownerId: number, playlistId: number): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM playlists WHERE id = $2 AND owner_id = $1 AND kind = 'normal'`, [ownerId, playlistId]);
  return rowCount === 1;
}
