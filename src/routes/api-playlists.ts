import type { Request, Response } from 'express';
import { apiPage, matching, numbered, parsePageParams, readCursor } from '../api/pages.js';
import { playlistItemJson, playlistJson } from '../api/playlist-json.js';
import { canManagePlaylist, canSaveVideo, canSeeVideo } from '../auth/permissions.js';
import { listPublicPlaylistsOfChannel } from '../db/playlist-discovery.js';
import { addVideoToPlaylist, listPlaylistItems, removeVideoFromPlaylist } from '../db/playlist-items.js';
import { deletePlaylist, findPlaylistByPublicId, insertPlaylist, updatePlaylistDetails, type Playlist } from '../db/playlists.js';
import { findVideoByPublicId } from '../db/videos.js';
import { field } from '../forms/fields.js';
import { parsePlaylist } from '../forms/playlist.js';
import { parseMoveTo, parsePlacement } from '../forms/playlist-order.js';
import { notFound, unprocessable } from '../http/errors.js';
import { loadedChannel, loadedPlaylist } from '../http/guards.js';
import type { RouteDeps } from './deps.js';
import { keepPagesIfPrivate } from './playlist-cache.js';
import { itemParam, moveItemOrRefuse } from './playlist-order.js';
import { PUBLIC_ID_PATTERN } from './public-id.js';

const NO_PLAYLIST = 'This playlist does not exist, or it is private.';
const NO_VIDEO = 'There is no video with this id that you may save.';
const POSITION_CURSOR = /^-?\d{1,16}$/;

/**
 * Playlists through the API (issue 15): the pages' creation form, playlist page, edit and delete
 * forms, Save ticks and reorder buttons, with the same guards (in the route table: loadPlaylist,
 * canManagePlaylist, canEditPlaylist), form parsers and queries. Watch later is as on the pages:
 * its items change, it is never renamed or deleted (403).
 */
export function apiPlaylistRoutes(deps: RouteDeps) {
  const { pool, storage, config, pageCache } = deps;
  const full = (title: string) => `“${title}” already holds ${config.playlistMaxItems.toLocaleString('en')} videos, the most a playlist may. Remove some to add more.`;

  /** The playlist as it is now, after a change (its count, its time). */
  async function reloaded(playlist: Playlist): Promise<Playlist> {
    const now = await findPlaylistByPublicId(pool, playlist.publicId);
    if (!now) throw notFound(NO_PLAYLIST);
    return now;
  }

  return {
    /** POST /api/v1/playlists — a new playlist of mine (`title`, `description`, `privacy`); 422 on bad details or past the most an account keeps. */
    async create(req: Request, res: Response): Promise<void> {
      const form = parsePlaylist(req.body);
      if (!form.ok) throw unprocessable(form.errors);
      const created = await insertPlaylist(pool, req.viewer!.id, form.value, config.playlistsPerAccount);
      if (created === 'limit') throw unprocessable({ title: `You already keep ${config.playlistsPerAccount.toLocaleString('en')} playlists, the most an account may. Delete one to make another.` });
      keepPagesIfPrivate(pageCache, req, res, form.value.privacy);
      const playlist = await findPlaylistByPublicId(pool, created.publicId);
      if (!playlist) throw notFound(NO_PLAYLIST);
      res.status(201).location(new URL(`/api/v1/playlists/${playlist.publicId}`, config.publicUrl).href).json(playlistJson(playlist, config.publicUrl));
    },

    /** GET /api/v1/playlists/:id — the playlist and a page of its items in order (`cursor`: the last item's position). */
    async show(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const { limit, cursor } = parsePageParams(req);
      const rows = await listPlaylistItems(pool, playlist.id, req.viewer, { after: readCursor(cursor, numbered(POSITION_CURSOR)), limit: limit + 1 });
      const page = apiPage(req, config.publicUrl, rows, limit, (item) => String(item.position), (item) => playlistItemJson(item, storage, config.publicUrl, canManagePlaylist(req.viewer, playlist)));
      res.set('Cache-Control', 'no-store').json({ ...playlistJson(playlist, config.publicUrl), ...page });
    },

    /** PATCH /api/v1/playlists/:id — new details; a field left out keeps its value. */
    async edit(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const body = req.body as Record<string, unknown>;
      const form = parsePlaylist({ title: playlist.title, description: playlist.description, privacy: playlist.privacy, ...body });
      if (!form.ok) throw unprocessable(form.errors);
      if (!(await updatePlaylistDetails(pool, req.viewer!.id, playlist.id, form.value))) throw notFound(NO_PLAYLIST);
      if (playlist.privacy === 'private') keepPagesIfPrivate(pageCache, req, res, form.value.privacy);
      res.json(playlistJson(await reloaded(playlist), config.publicUrl));
    },

    /** DELETE /api/v1/playlists/:id — the playlist and its items; its videos are not touched. */
    async remove(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      if (!(await deletePlaylist(pool, req.viewer!.id, playlist.id))) throw notFound(NO_PLAYLIST);
      keepPagesIfPrivate(pageCache, req, res, playlist.privacy);
      res.status(204).end();
    },

    /**
     * POST /api/v1/playlists/:id/items — `{ video }`: a video at the end, as the Save tick adds it
     * (only one this caller may save: canSaveVideo). 201 added, 200 when it was there already.
     */
    async addItem(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const videoId = field(req.body, 'video');
      if (videoId === '') throw unprocessable({ video: 'Name the video to add by its id.' });
      const video = PUBLIC_ID_PATTERN.test(videoId) ? await findVideoByPublicId(pool, videoId) : null;
      // One rule with the page's loadVideo and hideVideoUnless(canSaveVideo): what may not be saved reads as no such video.
      if (!video || !canSeeVideo(req.viewer, video) || !canSaveVideo(req.viewer, video)) throw unprocessable({ video: NO_VIDEO });
      const outcome = await addVideoToPlaylist(pool, req.viewer!.id, playlist.id, video, config.playlistMaxItems);
      if (outcome === 'nothing') throw notFound(NO_PLAYLIST);
      if (outcome === 'gone') throw unprocessable({ video: NO_VIDEO });
      if (outcome === 'full') throw unprocessable({ video: full(playlist.title) });
      keepPagesIfPrivate(pageCache, req, res, playlist.privacy);
      res.status(outcome === 'added' ? 201 : 200).json(playlistItemJson({ videoPublicId: video.publicId, video }, storage, config.publicUrl));
    },

    /** DELETE /api/v1/playlists/:id/items/:videoId — an item out, available or not. */
    async removeItem(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const videoId = itemParam(req);
      if (!(await removeVideoFromPlaylist(pool, req.viewer!.id, playlist.id, videoId))) throw notFound('This video is not in the playlist.');
      keepPagesIfPrivate(pageCache, req, res, playlist.privacy);
      res.status(204).end();
    },

    /**
     * POST /api/v1/playlists/:id/items/:videoId/move — as the page's buttons (`{ to: up|down|top|bottom }`)
     * or its drag and drop (`{ before }` or `{ after }`, another item's video id); 409 when that item is gone.
     */
    async moveItem(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const videoId = itemParam(req);
      const byButton = field(req.body, 'to') !== '';
      const to = byButton ? parseMoveTo(req.body) : parsePlacement(req.body, videoId);
      if (!to.ok) throw unprocessable({ [byButton ? 'to' : 'before']: to.message });
      const result = await moveItemOrRefuse(deps, req.viewer!.id, playlist, videoId, to.value);
      keepPagesIfPrivate(pageCache, req, res, playlist.privacy);
      res.json({ videoId, moved: result.outcome === 'moved', previous: result.previous, next: result.next });
    },

    /** GET /api/v1/channels/:handle/playlists — a channel's public playlists, last updated first, as its Playlists tab. */
    async listOfChannel(req: Request, res: Response): Promise<void> {
      const channel = loadedChannel(req);
      const { limit, cursor } = parsePageParams(req);
      const rows = await listPublicPlaylistsOfChannel(pool, channel.id, { after: readCursor(cursor, matching(PUBLIC_ID_PATTERN)), limit: limit + 1 });
      res.json(apiPage(req, config.publicUrl, rows, limit, (p) => p.publicId, (p) => playlistJson(p, config.publicUrl)));
    },
  };
}
