import type { Pool, PoolClient } from './pool.js';
import { withTransaction } from './pool.js';

/**
 * A playlist's order (issue 12, items 3 and 6). `position` is a gapped bigint: an added video
 * goes GAP after the last; a move puts the item between its two new neighbours, at their
 * midpoint (or GAP beyond the first or the last), so one move writes one item row (and the
 * playlist's updated_at) whatever the playlist's size. The neighbours are found by a few
 * entries of playlist_items_position_key (playlist_id, position), never by a scan.
 *
 * Each move into the same gap halves it. When a move leaves a gap under CROWDED_GAP (about 8
 * moves into one spot), it asks for the playlist to be renumbered in the background (the
 * playlist.renumber job, src/jobs/handlers/renumber-playlist.ts), inside its own transaction,
 * so the request stays constant while the job rewrites up to PLAYLIST_MAX_ITEMS rows apart
 * from it. Only when two neighbours have literally no integer between them (about 12 more moves
 * into that spot before the job has run) is the playlist renumbered in the move's transaction,
 * the last resort that keeps a move from ever failing.
 *
 * Every function here runs under the playlist's row lock, taken by the caller (playlist-items.ts
 * `lockOwnPlaylist`, or the job's `renumberPlaylist`): moves, adds, removes and renumbering of
 * one playlist run one after the other, so positions stay unique and no item is lost.
 */

/** Space between neighbours when appended, renumbered or moved beyond an end. */
export const POSITION_GAP = 2 ** 20;
/** Positions stay well inside a JavaScript number (int8 is parsed as one, src/db/pool.ts). */
export const POSITION_LIMIT = 2 ** 52;
/** A move leaving a gap smaller than this asks for a background renumbering (8 halvings of POSITION_GAP). */
export const CROWDED_GAP = 2 ** 12;

export type MoveTo = 'up' | 'down' | 'top' | 'bottom';
export const MOVES: readonly MoveTo[] = ['up', 'down', 'top', 'bottom'];

/** Where an item goes: a step (the forms), or just before or after another item (drag and drop). */
export type Destination = MoveTo | { before: string } | { after: string };

/** Queues the playlist's renumbering inside the caller's transaction (src/jobs/queue.ts). */
export type RenumberLater = (client: PoolClient, playlistId: number) => Promise<void>;

export interface MoveResult {
  /**
   * 'moved'; 'unchanged' when it is already there (first and up/top, last and down/bottom, or
   * already next to the neighbour named); 'nothing' when the item is not in a playlist of the
   * owner's; 'no-neighbour' when the item named as the neighbour is not in the playlist.
   */
  outcome: 'moved' | 'unchanged' | 'nothing' | 'no-neighbour';
  /** The video public ids either side of the item afterwards (null at an end), for scripts to check their page against. */
  previous: string | null;
  next: string | null;
}

interface Row {
  id: number;
  position: number;
  videoPublicId: string;
}

const COLUMNS = 'id, position, video_public_id AS "videoPublicId"';

async function itemByVideo(client: PoolClient, playlistId: number, videoPublicId: string): Promise<Row | null> {
  // playlist_items_video_key (playlist_id, video_public_id).
  const { rows } = await client.query<Row>(`SELECT ${COLUMNS} FROM playlist_items WHERE playlist_id = $1 AND video_public_id = $2`, [playlistId, videoPublicId]);
  return rows[0] ?? null;
}

/**
 * Fixed statements (STYLE: a dynamic ORDER BY picks from a fixed list), each one entry of
 * playlist_items_position_key: the bound on position is its own statement rather than
 * "$2 IS NULL OR position < $2", which a generic (prepared) plan could not use as an index bound.
 */
const NEXT_TO = {
  before: `SELECT ${COLUMNS} FROM playlist_items WHERE playlist_id = $1 AND position < $2 ORDER BY position DESC LIMIT 1`,
  after: `SELECT ${COLUMNS} FROM playlist_items WHERE playlist_id = $1 AND position > $2 ORDER BY position ASC LIMIT 1`,
  last: `SELECT ${COLUMNS} FROM playlist_items WHERE playlist_id = $1 ORDER BY position DESC LIMIT 1`,
  first: `SELECT ${COLUMNS} FROM playlist_items WHERE playlist_id = $1 ORDER BY position ASC LIMIT 1`,
};

/** The item next to `position` on one side ('<' before, '>' after); from no position, '<' is the last item and '>' the first. */
async function nextTo(client: PoolClient, playlistId: number, position: number | null, side: '<' | '>'): Promise<Row | null> {
  const { rows } = position === null
    ? await client.query<Row>(side === '<' ? NEXT_TO.last : NEXT_TO.first, [playlistId])
    : await client.query<Row>(side === '<' ? NEXT_TO.before : NEXT_TO.after, [playlistId, position]);
  return rows[0] ?? null;
}

/** The position after the last item, for an added video; renumbers first in the (theoretical) case that it passes POSITION_LIMIT. */
export async function appendPosition(client: PoolClient, playlistId: number): Promise<number> {
  const last = await nextTo(client, playlistId, null, '<');
  const position = (last?.position ?? 0) + POSITION_GAP;
  return position > POSITION_LIMIT ? (await renumberLocked(client, playlistId)) + POSITION_GAP : position;
}

/**
 * Positions GAP apart in the present order, in one statement (the unique position is checked at
 * its end, DEFERRABLE); only rows whose position changes are written. Returns the last position.
 * The caller holds the playlist's row lock.
 */
export async function renumberLocked(client: PoolClient, playlistId: number): Promise<number> {
  const { rows } = await client.query<{ last: number | null }>(`WITH wanted AS (
      SELECT id, position, row_number() OVER (ORDER BY position) * $2::bigint AS renumbered FROM playlist_items WHERE playlist_id = $1
    ), written AS (
      UPDATE playlist_items i SET position = w.renumbered FROM wanted w WHERE i.id = w.id AND w.position <> w.renumbered
    )
    SELECT max(renumbered) AS last FROM wanted`, [playlistId, POSITION_GAP]);
  return rows[0]?.last ?? 0;
}

/** The smallest gap between neighbours of the playlist, null with fewer than two items (one pass over its index entries). */
export async function smallestGap(client: Pool | PoolClient, playlistId: number): Promise<number | null> {
  const { rows } = await client.query<{ gap: number | null }>(`SELECT min(gap) AS gap FROM (
      SELECT position - lag(position) OVER (ORDER BY position) AS gap FROM playlist_items WHERE playlist_id = $1
    ) g`, [playlistId]);
  return rows[0]?.gap ?? null;
}

/**
 * The background renumbering (the playlist.renumber job): takes the playlist's row lock, so
 * moves wait for it (one statement over at most PLAYLIST_MAX_ITEMS rows) and then see the new
 * positions. Does nothing when the playlist has been deleted or has room everywhere already
 * (a second job for the same crowding). Returns whether it renumbered.
 */
export async function renumberPlaylist(pool: Pool, playlistId: number): Promise<'renumbered' | 'roomy' | 'no-playlist'> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query('SELECT 1 FROM playlists WHERE id = $1 FOR UPDATE', [playlistId]);
    if (rows.length === 0) return 'no-playlist';
    const gap = await smallestGap(client, playlistId);
    if (gap === null || gap >= CROWDED_GAP) return 'roomy';
    await renumberLocked(client, playlistId);
    return 'renumbered';
  });
}

/** The neighbours an item will sit between: `lower` before it, `upper` after it (null: an end). */
interface Slot {
  lower: Row | null;
  upper: Row | null;
}

/**
 * Where the item goes, as the two items it will sit between; 'unchanged' when it is there
 * already, 'no-neighbour' when the named neighbour is not in the playlist. Two or three index
 * entries whatever the playlist's size.
 */
async function slotFor(client: PoolClient, playlistId: number, item: Row, to: Destination): Promise<Slot | 'unchanged' | 'no-neighbour'> {
  let anchor: Row | null;
  let side: 'before' | 'after';
  if (typeof to === 'object') {
    side = 'before' in to ? 'before' : 'after';
    anchor = await itemByVideo(client, playlistId, 'before' in to ? to.before : to.after);
    if (!anchor) return 'no-neighbour';
    if (anchor.id === item.id) return 'unchanged';
  } else {
    // up: before its previous item; down: after its next; top: before the first; bottom: after the last.
    side = to === 'up' || to === 'top' ? 'before' : 'after';
    if (to === 'up' || to === 'down') anchor = await nextTo(client, playlistId, item.position, to === 'up' ? '<' : '>');
    // From no position: '>' finds the first item, '<' the last.
    else anchor = await nextTo(client, playlistId, null, to === 'top' ? '>' : '<');
    if (!anchor || anchor.id === item.id) return 'unchanged';
  }
  const beyond = await nextTo(client, playlistId, anchor.position, side === 'before' ? '<' : '>');
  // Already just before (after) the anchor.
  if (beyond?.id === item.id) return 'unchanged';
  return side === 'before' ? { lower: beyond, upper: anchor } : { lower: anchor, upper: beyond };
}

/** The position between the slot's neighbours; null when they have no integer between them. */
function positionIn({ lower, upper }: Slot): number | null {
  if (!lower && !upper) return POSITION_GAP;
  if (!lower) return upper!.position - POSITION_GAP;
  if (!upper) return lower.position + POSITION_GAP;
  if (upper.position - lower.position < 2) return null;
  return lower.position + Math.floor((upper.position - lower.position) / 2);
}

/** Whether a position leaves a gap small enough (or is far enough out) to ask for a renumbering. */
function isCrowded({ lower, upper }: Slot, position: number): boolean {
  if (Math.abs(position) > POSITION_LIMIT / 2) return true;
  return (lower !== null && position - lower.position < CROWDED_GAP) || (upper !== null && upper.position - position < CROWDED_GAP);
}

/**
 * Moves an item (named by its video's public id) of a playlist whose row lock the caller holds:
 * one item row written, plus a queued renumbering when the gap it leaves is small. The caller
 * checks ownership and touches the playlist (playlist-items.ts movePlaylistItem).
 */
export async function moveLocked(client: PoolClient, playlistId: number, videoPublicId: string, to: Destination, renumberLater?: RenumberLater): Promise<MoveResult> {
  const item = await itemByVideo(client, playlistId, videoPublicId);
  if (!item) return { outcome: 'nothing', previous: null, next: null };
  let slot = await slotFor(client, playlistId, item, to);
  if (slot === 'unchanged' || slot === 'no-neighbour') {
    const previous = await nextTo(client, playlistId, item.position, '<');
    const next = await nextTo(client, playlistId, item.position, '>');
    return { outcome: slot, previous: previous?.videoPublicId ?? null, next: next?.videoPublicId ?? null };
  }
  let position = positionIn(slot);
  if (position === null || Math.abs(position) > POSITION_LIMIT) {
    // The last resort (see the top of this file): no room at all, the job has not run yet.
    await renumberLocked(client, playlistId);
    const renumbered = await slotFor(client, playlistId, (await itemByVideo(client, playlistId, videoPublicId))!, to);
    if (typeof renumbered !== 'object') throw new Error('playlist order: the slot vanished while renumbering under the lock');
    slot = renumbered;
    position = positionIn(slot)!;
  } else if (renumberLater && isCrowded(slot, position)) {
    await renumberLater(client, playlistId);
  }
  await client.query('UPDATE playlist_items SET position = $2 WHERE id = $1', [item.id, position]);
  return { outcome: 'moved', previous: slot.lower?.videoPublicId ?? null, next: slot.upper?.videoPublicId ?? null };
}
