import { prepared, type Queryable } from './pool.js';
import { COLUMNS as PLAYLIST_COLUMNS, toPlaylist, type Playlist } from './playlists.js';
import { ownerLive, watchableByLink } from './visibility.js';

/**
 * How public playlists are found (issue 12, item 8): the channel's Playlists tab, search's
 * playlist cards, the sitemap, and the cover each shows. Only public playlists of live owners,
 * always: unlisted ones are seen by their link alone, private ones by their owner alone.
 */

/** A playlist's cover: the thumbnail of its first video anyone with the link may watch. */
export interface PlaylistCover {
  publicId: string;
  thumbnailStem: string | null;
  thumbnailWidths: number[];
}

export interface PlaylistCard extends Playlist {
  cover: PlaylistCover | null;
}

/**
 * Listings look for a cover among a playlist's first COVER_ITEMS_LOOKED_AT items only: a page
 * of playlists each holding thousands of unavailable videos would otherwise walk them all
 * (5,000 probes a playlist, the most PLAYLIST_MAX_ITEMS allows). Beyond it the card shows no
 * picture, which is all an unavailable video would give it anyway.
 */
export const COVER_ITEMS_LOOKED_AT = 100;

/**
 * The cover of playlist alias `p`, as a LATERAL subquery giving cover_public_id, cover_stem and
 * cover_widths: items by position (playlist_items_position_key), the first whose video is
 * watchable by link (the one rule). Never an unavailable video's picture: a private video's
 * thumbnail is as much a secret as its title. `items` bounds the walk (null: the whole list).
 */
function coverOf(p: string, items: number | null): string {
  const source = items === null ? 'playlist_items' : `(SELECT playlist_id, video_id, position FROM playlist_items WHERE playlist_id = ${p}.id ORDER BY position LIMIT ${items})`;
  // Each item's video read by its primary key: the LIMIT keeps the planner from turning the
  // LATERAL into a join, for which it took every video anyone may watch and filtered those (1.5 ms
  // a cover) when it thought few accounts were live.
  return `LEFT JOIN LATERAL (
      SELECT v.public_id AS cover_public_id, v.thumbnail_stem AS cover_stem, v.thumbnail_widths AS cover_widths
      FROM ${source} i CROSS JOIN LATERAL (
        SELECT v.public_id, v.thumbnail_stem, v.thumbnail_widths FROM videos v JOIN users vu ON vu.id = v.owner_id
        WHERE v.id = i.video_id AND ${watchableByLink('v', 'vu')} LIMIT 1
      ) v
      WHERE i.playlist_id = ${p}.id
      ORDER BY i.position LIMIT 1
    ) cover ON true`;
}

type Row = Record<string, unknown>;

function coverFrom(r: Row): PlaylistCover | null {
  return r.cover_public_id ? { publicId: r.cover_public_id as string, thumbnailStem: r.cover_stem as string | null, thumbnailWidths: (r.cover_widths as number[]) ?? [] } : null;
}

const toCard = (r: Row): PlaylistCard => ({ ...toPlaylist(r), cover: coverFrom(r) });

/**
 * A page of a channel's public playlists, last updated first (playlists_owner_public_idx), after
 * the playlist `after` (a public id), each with its cover. The cursor counts only when it is one
 * of this channel's public playlists; any other id gives the first page, so the answer never
 * tells whether an id exists (an unlisted playlist's id is its secret). A playlist updated while
 * someone pages moves to the top, as on the first page: it may be missed or seen twice.
 */
export async function listPublicPlaylistsOfChannel(db: Queryable, ownerId: number, options: { after: string | null; limit: number }): Promise<PlaylistCard[]> {
  const { rows } = await db.query(prepared(
    'list-public-playlists-of-channel',
    `WITH cursor AS (SELECT c.updated_at, c.id FROM playlists c WHERE c.public_id = $2 AND c.owner_id = $1 AND c.privacy = 'public')
     SELECT ${PLAYLIST_COLUMNS}, cover.* FROM playlists p JOIN users u ON u.id = p.owner_id
     ${coverOf('p', COVER_ITEMS_LOOKED_AT)}
     WHERE p.owner_id = $1 AND p.privacy = 'public' AND ${ownerLive('u')}
       AND ($2::text IS NULL OR NOT EXISTS (SELECT 1 FROM cursor) OR (p.updated_at, p.id) < (SELECT updated_at, id FROM cursor))
     ORDER BY p.updated_at DESC, p.id DESC LIMIT $3`,
    [ownerId, options.after, options.limit],
  ));
  return rows.map(toCard);
}

/**
 * Matches search ranks at most (found through playlists_public_search_idx, in storage order):
 * the bitmap of matches is built whole, but only this many rows are read and ranked, so a word
 * in every playlist title costs what a word in 200 does. Beyond it, the best of the first 200
 * found is shown rather than the best of all.
 */
export const PLAYLIST_SEARCH_CANDIDATES = 200;

/**
 * Public playlists of live owners whose title matches the query, best first, with their cover:
 * one statement, for search's first page. The query is read with websearch syntax, as videos'
 * search reads it (quotes, -word, or), but without the last word as a prefix: a prefix gathers
 * every title with a word that starts so (3–5 ms for a common start among 30,000 public
 * playlists, 0.3 ms without), and a playlist is a second kind of result, not worth that on every
 * search. Rank: ts_rank normalised by the title's length (a title that is mostly the query
 * first), then the fuller playlist, then the latest updated. Empty playlists are not results.
 * A banned or deleted owner's playlists are left out before the candidates are counted
 * (users_not_live_idx), so they cannot crowd out the others.
 */
export async function searchPlaylists(db: Queryable, search: { query: string; limit: number }): Promise<PlaylistCard[]> {
  const { rows } = await db.query(prepared(
    'search-playlists',
    `WITH q AS (SELECT websearch_to_tsquery('english', $1) AS tsq),
     found AS MATERIALIZED (
       SELECT p.id, ts_rank(p.search, (SELECT tsq FROM q), 1) AS rank, p.item_count, p.updated_at FROM playlists p
       WHERE p.search @@ (SELECT tsq FROM q) AND p.privacy = 'public' AND p.item_count > 0
         AND p.owner_id NOT IN (SELECT gone.id FROM users gone WHERE NOT (${ownerLive('gone')}))
       LIMIT ${PLAYLIST_SEARCH_CANDIDATES}
     ),
     best AS MATERIALIZED (SELECT id, rank FROM found ORDER BY rank DESC, item_count DESC, updated_at DESC, id DESC LIMIT $2)
     SELECT ${PLAYLIST_COLUMNS}, cover.* FROM best JOIN playlists p ON p.id = best.id JOIN users u ON u.id = p.owner_id
     ${coverOf('p', COVER_ITEMS_LOOKED_AT)}
     WHERE ${ownerLive('u')}
     ORDER BY best.rank DESC, p.item_count DESC, p.updated_at DESC, p.id DESC`,
    [search.query, search.limit],
  ));
  return rows.map(toCard);
}

/**
 * The cover of one playlist (OpenGraph's image, oEmbed's thumbnail) and the video its embed
 * starts with: the first item anyone with the link may watch, however far down the list (one
 * playlist: at most PLAYLIST_MAX_ITEMS probes of playlist_items_position_key).
 */
export async function findPlaylistCover(db: Queryable, playlistId: number): Promise<PlaylistCover | null> {
  const { rows } = await db.query(prepared(
    'find-playlist-cover',
    `SELECT cover.* FROM playlists p ${coverOf('p', null)} WHERE p.id = $1`,
    [playlistId],
  ));
  return rows[0] ? coverFrom(rows[0]) : null;
}

/**
 * What the sitemap lists: public playlists of live owners that hold something (an empty one is a
 * page with nothing on it, not worth a crawler's visit; search leaves them out too).
 */
const IN_SITEMAP = `p.privacy = 'public' AND p.item_count > 0 AND ${ownerLive('u')}`;

/** Playlists the sitemap lists, for its index. */
export async function countSitemapPlaylists(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM playlists p JOIN users u ON u.id = p.owner_id WHERE ${IN_SITEMAP}`);
  return rows[0]!.n;
}

/**
 * One sitemap file's playlists (IN_SITEMAP): `limit` from `offset` in id order (playlists_pkey),
 * which keeps a playlist in the same file as new ones arrive.
 */
export async function listSitemapPlaylists(db: Queryable, offset: number, limit: number): Promise<{ publicId: string; updatedAt: Date }[]> {
  const { rows } = await db.query<{ public_id: string; updated_at: Date }>(
    `SELECT p.public_id, p.updated_at FROM playlists p JOIN users u ON u.id = p.owner_id
     WHERE ${IN_SITEMAP} ORDER BY p.id LIMIT $1 OFFSET $2`,
    [limit, offset],
  );
  return rows.map((r) => ({ publicId: r.public_id, updatedAt: r.updated_at }));
}
