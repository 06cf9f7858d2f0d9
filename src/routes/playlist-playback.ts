import type { Request, Response } from 'express';
import { canSeePlaylist, type Viewer } from '../auth/permissions.js';
import type { PlaybackItem, PlaybackVideo, PlaybackWindow } from '../db/playlist-playback.js';
import { findPlaybackWindow, listPlaybackItemsByVideoIds, listPlaybackItemsFrom, listPlaylistVideoIds } from '../db/playlist-playback.js';
import { findPlaylistByPublicId, type Playlist } from '../db/playlists.js';
import type { Queryable } from '../db/pool.js';
import type { PlaybackParams } from '../forms/playlist-playback.js';
import { formatDuration } from '../format.js';
import { badRequest, notFound } from '../http/errors.js';
import { loadedPlaylist } from '../http/guards.js';
import { thumbnailUrl, type Storage } from '../media/index.js';
import type { RouteDeps } from './deps.js';
import { newPublicId } from './public-id.js';

/**
 * The playlist panel of the watch page and the embed player (`?list=…`, issue 12 item 4): the
 * items around the video playing, its number ("7 / 42"), and the addresses of the next and the
 * previous available videos. Unavailable videos (the one rule, decided in src/db) show as
 * "Unavailable video" and are skipped by next, previous and autoplay.
 *
 * Cost, without shuffle: one prepared statement beside the page's own queries — the playlist's
 * row and the window (findPlaybackWindow) — whatever the playlist's length; one more only in the
 * rare cases where the window holds no available video on a side (a long run of unavailable
 * ones, or the wrap of a looped playlist at its end). With shuffle: the playlist's row beside
 * every item's id (an index-only scan), then the window's items by id.
 */

/**
 * Items shown before and after the one playing: a little more than the panel's height beside
 * the player (about six items), the list scrolling to the one playing. Each item is HTML and a
 * video row on every view of the page, so the window is kept to what is looked at (measured at
 * 5,000 items: 21 items made the page 1.37× as dear as without the list, 14 about 1.2×); the
 * playlist page has the rest.
 */
export const PANEL_BEFORE = 3;
export const PANEL_AFTER = 10;
/** Items read at a time when walking past a window with no available video on one side. */
const WALK_BATCH = 200;

export interface PanelItem {
  number: number;
  videoPublicId: string;
  /** Where playing it goes; null for an unavailable video, which is not a link. */
  href: string | null;
  current: boolean;
  /** `thumbnail`: the smallest JPEG (320 px), sharp at the panel's 100 CSS px on a 3× screen; no srcset to send per item. */
  video: { title: string; ownerName: string; duration: string; thumbnail: string | null } | null;
}

export interface PlaylistPanel {
  playlist: Pick<Playlist, 'publicId' | 'title' | 'owner' | 'privacy' | 'itemCount'>;
  /** The playing video's number in the (possibly shuffled) order; null when it is not in the list. */
  number: number | null;
  total: number;
  items: PanelItem[];
  next: string | null;
  previous: string | null;
  loop: boolean;
  shuffle: string | null;
  /** The same video with loop turned over, and with shuffle on (a new seed) or off. */
  loopHref: string;
  shuffleHref: string;
}

/** FNV-1a, 32 bits: a cheap, stable hash; the order needs no secrecy, only the same answer every time. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The playlist's videos in the seed's order: each once, the same seed giving the same order on every reload. */
export function shuffledOrder(videoPublicIds: readonly string[], seed: string): string[] {
  return videoPublicIds
    .map((id) => ({ id, key: hash(`${seed}:${id}`) }))
    .sort((a, b) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((entry) => entry.id);
}

function smallestThumbnail(storage: Storage, video: PlaybackVideo): string | null {
  const width = Math.min(...video.thumbnailWidths);
  return video.thumbnailStem && Number.isFinite(width) ? thumbnailUrl(storage, video.publicId, video.thumbnailStem, width, 'jpg') : null;
}

/** A random seed for the Shuffle links. */
export const newShuffleSeed = newPublicId;

/** Where playing item `number` (its video) goes, keeping the list's mode. */
function playHref(base: 'watch' | 'embed', params: PlaybackParams, videoPublicId: string, number: number | null, over: { shuffle?: string | null; loop?: boolean } = {}): string {
  const shuffle = over.shuffle === undefined ? params.shuffle : over.shuffle;
  const loop = over.loop ?? params.loop;
  return `/${base}/${videoPublicId}?list=${params.list}${number !== null ? `&index=${number}` : ''}${shuffle ? `&shuffle=${shuffle}` : ''}${loop ? '&loop=1' : ''}`;
}

interface Found { item: PlaybackItem; number: number }

/**
 * The playlist panel for the video `videoPublicId`, when the address names a playlist this
 * viewer may see (`viewer` null: as anyone with the link, the embed player's rule); null when it
 * names none, an unknown one or a private one of someone else's: the page shows without the
 * panel and says nothing of it. `params` come from parsePlaybackParams, called by the handler
 * before the page's queries, so that a malformed index, shuffle or loop is a 400 that starts none.
 */
export async function playlistPanel(db: Queryable, storage: Storage, params: PlaybackParams | null, videoPublicId: string, viewer: Viewer | null, base: 'watch' | 'embed'): Promise<PlaylistPanel | null> {
  if (!params) return null;
  const index0 = params.index === null ? null : params.index - 1;
  // In order: the playlist and the window in one statement. Shuffled: the playlist's row beside
  // every item's id. Either way nothing read is used unless the viewer may see the playlist.
  let playlist: Pick<Playlist, 'publicId' | 'title' | 'owner' | 'privacy' | 'itemCount' | 'ownerId' | 'kind'> | null;
  let sequence: Sequence | null;
  if (params.shuffle) {
    [playlist, sequence] = await Promise.all([
      findPlaylistByPublicId(db, params.list),
      shuffledSequence(db, params.list, params.shuffle, videoPublicId, index0 ?? 0, viewer),
    ]);
  } else {
    const found = await findPlaybackWindow(db, params.list, videoPublicId, index0, viewer, { before: PANEL_BEFORE, after: PANEL_AFTER });
    playlist = found?.playlist ?? null;
    sequence = found?.window ? orderedSequence(db, found.window, index0, found.playlist.itemCount, viewer) : null;
  }
  if (!playlist || !canSeePlaylist(viewer, playlist)) return null;
  const seq = sequence ?? EMPTY;
  const href = (videoId: string, number: number | null, over = {}) => playHref(base, params, videoId, number, over);
  const [next, previous] = await Promise.all([seq.next(params.loop, playlist.itemCount), seq.previous(params.loop, playlist.itemCount)]);
  return {
    playlist: { publicId: playlist.publicId, title: playlist.title, owner: playlist.owner, privacy: playlist.privacy, itemCount: playlist.itemCount },
    number: seq.currentNumber,
    total: playlist.itemCount,
    items: seq.shown.map(({ item, number }) => ({
      number,
      videoPublicId: item.videoPublicId,
      href: item.video ? href(item.videoPublicId, number) : null,
      current: seq.currentNumber === number,
      video: item.video ? { title: item.video.title, ownerName: item.video.owner.displayName, duration: formatDuration(item.video.durationSeconds), thumbnail: smallestThumbnail(storage, item.video) } : null,
    })),
    next: next ? href(next.item.videoPublicId, next.number) : null,
    previous: previous ? href(previous.item.videoPublicId, previous.number) : null,
    loop: params.loop,
    shuffle: params.shuffle,
    loopHref: href(videoPublicId, seq.currentNumber ?? params.index, { loop: !params.loop }),
    // Shuffled: back to the playlist's order, where the video's number is counted again.
    shuffleHref: params.shuffle ? href(videoPublicId, seq.currentNumber === null ? params.index : null, { shuffle: null }) : href(videoPublicId, null, { shuffle: newShuffleSeed() }),
  };
}

/** The window in its order, and how to find the next and previous available videos from it. */
interface Sequence {
  shown: Found[];
  currentNumber: number | null;
  next(loop: boolean, total: number): Promise<Found | null>;
  previous(loop: boolean, total: number): Promise<Found | null>;
}

const EMPTY: Sequence = { shown: [], currentNumber: null, next: async () => null, previous: async () => null };

const firstAvailable = (candidates: Found[]) => candidates.find((c) => c.item.video !== null) ?? null;

/**
 * The first available item walking by position from `start` (exclusive; null: from that end of
 * the list), numbering on from the start's number.
 */
async function walk(db: Queryable, playlistId: number, viewer: Viewer | null, start: Found | null, side: '<' | '>', total: number): Promise<Found | null> {
  const step = side === '>' ? 1 : -1;
  let position = start?.item.position ?? null;
  let number = start?.number ?? (side === '>' ? 0 : total + 1);
  // A first read as small as a window: the wrap of a loop usually finds the first item available.
  let limit = PANEL_AFTER + 1;
  for (let read = 0; read <= total; read += limit, limit = WALK_BATCH) {
    const batch = await listPlaybackItemsFrom(db, playlistId, position, side, limit, viewer);
    for (const item of batch) {
      number += step;
      if (item.video) return { item, number };
    }
    if (batch.length < limit) return null;
    position = batch.at(-1)!.position;
  }
  return null;
}

/**
 * Where "Play all" and "Shuffle" on the playlist page go (GET /playlist/:id/play): the first
 * video this viewer may watch, in the playlist's order or in a new seed's; null when none is.
 */
export async function firstPlayable(db: Queryable, playlist: Pick<Playlist, 'id' | 'publicId' | 'itemCount'>, viewer: Viewer | null, shuffle: boolean): Promise<string | null> {
  const params: PlaybackParams = { list: playlist.publicId, index: null, shuffle: shuffle ? newShuffleSeed() : null, loop: false };
  if (!params.shuffle) {
    const found = await walk(db, playlist.id, viewer, null, '>', playlist.itemCount);
    return found ? playHref('watch', params, found.item.videoPublicId, found.number) : null;
  }
  const sequence = await shuffledSequence(db, playlist.publicId, params.shuffle, '', 0, viewer);
  // Not in the list (''), so next() starts at the anchor, the order's first.
  const first = sequence ? await sequence.next(false, playlist.itemCount) : null;
  return first ? playHref('watch', params, first.item.videoPublicId, first.number) : null;
}

/**
 * The playlist in its own order: the window by position, and walks by position past it. The
 * window's first number: counted when the address gave no index; else exact when the window
 * reaches an end of the list, and the address's index trusted in between (within what the
 * window allows), which saves counting up to 5,000 positions on every view.
 */
function orderedSequence(db: Queryable, win: PlaybackWindow, index0: number | null, total: number, viewer: Viewer | null): Sequence {
  const playlistId = win.playlistId;
  const fromAnchor = win.items.length - win.anchorAt;
  const anchorRank = win.anchorRank
    ?? (win.atStart ? win.anchorAt : win.atEnd ? total - fromAnchor : Math.min(Math.max(index0 ?? 0, win.anchorAt), total - fromAnchor));
  const firstNumber = anchorRank - win.anchorAt + 1;
  const shown = win.items.map((item, i) => ({ item, number: firstNumber + i }));
  const after = shown.slice(win.inList ? win.anchorAt + 1 : win.anchorAt);
  const before = shown.slice(0, win.anchorAt).reverse();
  // A window holding the whole playlist wraps a loop without reading anything more.
  const whole = win.atStart && win.atEnd;
  return {
    shown,
    currentNumber: win.inList ? shown[win.anchorAt]!.number : null,
    async next(loop, total) {
      const found = firstAvailable(after) ?? (win.atEnd ? null : await walk(db, playlistId, viewer, shown.at(-1)!, '>', total));
      if (found || !loop) return found;
      return whole ? firstAvailable(shown) : walk(db, playlistId, viewer, null, '>', total);
    },
    async previous(loop, total) {
      const found = firstAvailable(before) ?? (win.atStart ? null : await walk(db, playlistId, viewer, shown[0]!, '<', total));
      if (found || !loop) return found;
      return whole ? firstAvailable([...shown].reverse()) : walk(db, playlistId, viewer, null, '<', total);
    },
  };
}

/** The playlist in the seed's order: every id, then the window's items by id, and further ones by id when walking. */
async function shuffledSequence(db: Queryable, list: string, seed: string, videoPublicId: string, index0: number, viewer: Viewer | null): Promise<Sequence | null> {
  const all = await listPlaylistVideoIds(db, list);
  if (!all || all.ids.length === 0) return null;
  const order = shuffledOrder(all.ids, seed);
  const found = order.indexOf(videoPublicId);
  const anchor = found >= 0 ? found : Math.min(index0, order.length - 1);
  const from = Math.max(0, anchor - PANEL_BEFORE);
  const known = await listPlaybackItemsByVideoIds(db, all.playlistId, order.slice(from, anchor + PANEL_AFTER + 1), viewer);
  const at = (i: number): Found => ({ item: known.get(order[i]!) ?? { position: 0, videoPublicId: order[i]!, video: null }, number: i + 1 });
  const shown = order.slice(from, anchor + PANEL_AFTER + 1).map((_, k) => at(from + k));
  /**
   * The first available item among the order's indexes `indexes`, in that order: the window's
   * items are known already; an unknown one is read with the WALK_BATCH after it (rare: only
   * past a window with no available video on that side).
   */
  async function search(indexes: number[]): Promise<Found | null> {
    for (let k = 0; k < indexes.length; k++) {
      const id = order[indexes[k]!]!;
      if (!known.has(id)) {
        const batch = indexes.slice(k, k + WALK_BATCH).map((i) => order[i]!).filter((other) => !known.has(other));
        const read = await listPlaybackItemsByVideoIds(db, all!.playlistId, batch, viewer);
        // An id gone since (removed meanwhile) is unavailable rather than read again.
        for (const other of batch) known.set(other, read.get(other) ?? { position: 0, videoPublicId: other, video: null });
      }
      const found = at(indexes[k]!);
      if (found.item.video) return found;
    }
    return null;
  }
  const range = (start: number, end: number, step: number) => { const out: number[] = []; for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i); return out; };
  return {
    shown,
    currentNumber: found >= 0 ? found + 1 : null,
    async next(loop) {
      const start = found >= 0 ? anchor + 1 : anchor;
      return (await search(range(start, order.length, 1))) ?? (loop ? search(range(0, start, 1)) : null);
    },
    async previous(loop) {
      return (await search(range(anchor - 1, -1, -1))) ?? (loop ? search(range(order.length - 1, anchor - 1, -1)) : null);
    },
  };
}

export function playlistPlaybackRoutes({ pool }: RouteDeps) {
  return {
    /**
     * GET /playlist/:id/play — "Play all" (the first available video, in order) and, with
     * shuffle=1, "Shuffle" (a new random seed each time, so the playlist page itself stays the
     * same for everyone and costs nothing more). A redirect to the watch address that plays it.
     */
    async play(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const shuffle = req.query.shuffle;
      if (shuffle !== undefined && shuffle !== '1') throw badRequest('shuffle= must be 1, or left out to play in order.');
      const target = await firstPlayable(pool, playlist, req.viewer, shuffle === '1');
      if (!target) throw notFound('This playlist has no video you can watch.');
      res.redirect(303, target);
    },
  };
}
