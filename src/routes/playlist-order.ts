import type { Request, Response } from 'express';
import { playlistSeconds } from '../db/playlist-durations.js';
import { movePlaylistItemWithNeighbours, removeVideoFromPlaylist, type Destination, type MoveResult } from '../db/playlist-items.js';
import { findPlaylistByPublicId, type Playlist } from '../db/playlists.js';
import { field } from '../forms/fields.js';
import { parsePlaylistCursor } from '../forms/playlist.js';
import { parseMoveTo, parsePlacement } from '../forms/playlist-order.js';
import { formatDuration } from '../format.js';
import { badRequest, HttpError, notFound } from '../http/errors.js';
import { loadedPlaylist } from '../http/guards.js';
import { prefersJson } from '../http/negotiation.js';
import type { RouteDeps } from './deps.js';
import { keepPagesIfPrivate } from './playlist-cache.js';
import { PUBLIC_ID_PATTERN } from './public-id.js';

const NO_ITEM = 'This video is not in the playlist.';
/** 409: the page the owner dropped on is out of date (another tab removed the neighbour). */
const NO_NEIGHBOUR = 'The video you placed it next to is no longer in this playlist. Reload the page to see its order.';

/** The item's video public id in the URL (`:videoId`); a malformed one names nothing (404, no query). */
export function itemParam(req: Request): string {
  const videoId = String(req.params.videoId ?? '');
  if (!PUBLIC_ID_PATTERN.test(videoId)) throw notFound(NO_ITEM);
  return videoId;
}

/**
 * Moves the owner's item (the pages' move and place, and the API's): 404 when it is not in the
 * playlist, 409 when the neighbour named is gone. A crowded gap queues the playlist's
 * renumbering in the same transaction.
 */
export async function moveItemOrRefuse({ pool, queue }: Pick<RouteDeps, 'pool' | 'queue'>, ownerId: number, playlist: Playlist, videoId: string, to: Destination): Promise<MoveResult> {
  const result = await movePlaylistItemWithNeighbours(pool, ownerId, playlist.id, videoId, to, {
    renumberLater: (client, playlistId) => queue.enqueueRenumberPlaylist(playlistId, client),
  });
  if (result.outcome === 'nothing') throw notFound(NO_ITEM);
  if (result.outcome === 'no-neighbour') throw new HttpError(409, NO_NEIGHBOUR);
  return result;
}

/**
 * The owner's changes to a playlist's items, one row each: move (the forms' up, down, top,
 * bottom), place (drag and drop: just before or after another item) and remove. Each answers
 * JSON to the page's script (public/js/playlist-reorder.js, Accept: application/json), which
 * updates the list in place, and otherwise redirects back to the page the form was on.
 */
export function playlistOrderRoutes({ pool, queue, pageCache }: RouteDeps) {
  /** Back to the page of the playlist the form was sent from (its cursor, when well formed). */
  function backToPlaylist(req: Request, res: Response, playlist: Playlist, anchor: string) {
    const after = field(req.body, 'after');
    const cursor = after === '' ? null : parsePlaylistCursor(after);
    const query = cursor && cursor !== 'invalid' ? `?after=${after}` : '';
    res.redirect(303, `/playlist/${playlist.publicId}${query}${anchor}`);
  }

  const move = (req: Request, playlist: Playlist, videoId: string, to: Destination) => moveItemOrRefuse({ pool, queue }, req.viewer!.id, playlist, videoId, to);

  const answer = (videoId: string, result: MoveResult) => ({ videoId, moved: result.outcome === 'moved', previous: result.previous, next: result.next });

  return {
    /** POST /playlist/:id/items/:videoId/move — to=up|down|top|bottom. Already there is not an error. */
    async moveItem(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const videoId = itemParam(req);
      const to = parseMoveTo(req.body);
      if (!to.ok) throw badRequest(to.message);
      const result = await move(req, playlist, videoId, to.value);
      keepPagesIfPrivate(pageCache, req, res, playlist.privacy);
      if (prefersJson(req)) return void res.json(answer(videoId, result));
      backToPlaylist(req, res, playlist, `#item-${videoId}`);
    },

    /**
     * POST /playlist/:id/items/:videoId/place — before=<video id> or after=<video id>: the
     * drop of drag and drop, between that item and its neighbour; 409 when that item is gone.
     */
    async placeItem(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const videoId = itemParam(req);
      const place = parsePlacement(req.body, videoId);
      if (!place.ok) throw badRequest(place.message);
      const result = await move(req, playlist, videoId, place.value);
      keepPagesIfPrivate(pageCache, req, res, playlist.privacy);
      if (prefersJson(req)) return void res.json(answer(videoId, result));
      res.redirect(303, `/playlist/${playlist.publicId}#item-${videoId}`);
    },

    /** POST /playlist/:id/items/:videoId/remove — an item out, available or not (the owner cleans up unavailable videos). */
    async removeItem(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const videoId = itemParam(req);
      if (!(await removeVideoFromPlaylist(pool, req.viewer!.id, playlist.id, videoId))) throw notFound(NO_ITEM);
      keepPagesIfPrivate(pageCache, req, res, playlist.privacy);
      if (prefersJson(req)) {
        // The header's count and total duration, as the page would show them now.
        const now = await findPlaylistByPublicId(pool, playlist.publicId);
        const seconds = now ? await playlistSeconds(pool, now) : 0;
        return void res.json({ videoId, removed: true, itemCount: now?.itemCount ?? 0, totalDuration: formatDuration(seconds) });
      }
      backToPlaylist(req, res, playlist, '#items');
    },
  };
}
