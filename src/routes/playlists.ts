import type { Request, Response } from 'express';
import { can } from '../auth/permissions.js';
import { playlistSeconds } from '../db/playlist-durations.js';
import { listPlaylistItems } from '../db/playlist-items.js';
import { deletePlaylist, findOrCreateWatchLater, insertPlaylist, listPlaylistsOfOwner, updatePlaylistDetails, type Playlist } from '../db/playlists.js';
import { PLAYLIST_DESCRIPTION_MAX, PLAYLIST_TITLE_MAX, parsePlaylist, parsePlaylistCursor } from '../forms/playlist.js';
import { firstCharacters, formatDuration } from '../format.js';
import { badRequest, notFound } from '../http/errors.js';
import { loadedPlaylist } from '../http/guards.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { keysetPage } from './pagination.js';
import { coverOfPage, playlistMetadata } from './playlist-meta.js';
import { thumbnailsOf } from './video-view.js';

export const PLAYLIST_ITEMS_PER_PAGE = 100;
const LIMITS = { titleMax: PLAYLIST_TITLE_MAX, descriptionMax: PLAYLIST_DESCRIPTION_MAX };

/** The form's values for a playlist's current details. */
const valuesOf = (p: Playlist) => ({ title: p.title, description: p.description, privacy: p.privacy });

export function playlistRoutes({ pool, storage, config }: RouteDeps) {
  /** The owner's Playlists page, with the creation form (its errors and typed values on a 422). */
  async function renderMine(req: Request, res: Response, status: number, errors: Record<string, string>, values: Record<string, string>) {
    const viewer = req.viewer!;
    // Watch later is made on first use (sql/migrations/*_playlists.sql): opening this page is one;
    // a refused creation (422) is not, as a refused request writes nothing.
    if (status === 200 && can(viewer, 'playlist.manage')) await findOrCreateWatchLater(pool, viewer.id);
    const playlists = await listPlaylistsOfOwner(pool, viewer.id, config.playlistsPerAccount + 1);
    res.status(status).render('playlists/mine', { title: 'Your playlists', playlists, errors, values, limits: LIMITS });
  }

  return {
    /** GET /playlists — my playlists, Watch later first, and a form to make one. */
    async showMine(req: Request, res: Response): Promise<void> {
      await renderMine(req, res, 200, {}, { privacy: 'private' });
    },

    /** POST /playlists — a new playlist of mine; 422 with the form on bad details or at PLAYLISTS_PER_ACCOUNT. */
    async create(req: Request, res: Response): Promise<void> {
      const form = parsePlaylist(req.body);
      if (!form.ok) return renderMine(req, res, 422, form.errors, form.values);
      const created = await insertPlaylist(pool, req.viewer!.id, form.value, config.playlistsPerAccount);
      if (created === 'limit') {
        const message = `You already keep ${config.playlistsPerAccount.toLocaleString('en')} playlists, the most an account may. Delete one to make another.`;
        return renderMine(req, res, 422, { title: message }, { title: form.value.title, description: form.value.description, privacy: form.value.privacy });
      }
      flash(req, 'success', 'Your playlist has been created.');
      res.redirect(303, `/playlist/${created.publicId}`);
    },

    /** GET /playlist/:id — its details and 100 items a page in order; unavailable videos without title or picture. */
    async show(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const cursor = parsePlaylistCursor(req.query.after);
      if (cursor === 'invalid') throw badRequest('This page of the playlist does not exist.');
      const [rows, seconds] = await Promise.all([
        listPlaylistItems(pool, playlist.id, req.viewer, { after: cursor?.position ?? null, limit: PLAYLIST_ITEMS_PER_PAGE + 1 }),
        playlistSeconds(pool, playlist),
      ]);
      const before = cursor?.before ?? 0;
      const page = keysetPage(rows, PLAYLIST_ITEMS_PER_PAGE, (item) => `${item.position}_${before + PLAYLIST_ITEMS_PER_PAGE}`);
      const items = page.items.map((item, i) => ({
        number: before + i + 1,
        videoPublicId: item.videoPublicId,
        video: item.video ? { title: item.video.title, owner: item.video.owner, duration: formatDuration(item.video.durationSeconds), thumbnails: thumbnailsOf(storage, item.video) } : null,
      }));
      const description = playlist.description || `A playlist by ${playlist.owner.displayName} (@${playlist.owner.handle}).`;
      // OpenGraph, JSON-LD and oEmbed discovery (playlist-meta.ts): what anyone with the link may see.
      const cover = await coverOfPage(pool, playlist, page.items, cursor === null);
      const pagePath = `/playlist/${playlist.publicId}${cursor ? `?after=${String(req.query.after)}` : ''}`;
      const meta = playlistMetadata({ playlist, description: firstCharacters(description, 300), items: page.items, before, pagePath, cover, storage, publicUrl: config.publicUrl, siteName: String(res.locals.siteName) });
      res.render('playlists/show', {
        title: playlist.title, description, meta, playlist, items, totalDuration: formatDuration(seconds), nextAfter: page.nextAfter, isFirstPage: cursor === null,
        after: typeof req.query.after === 'string' ? req.query.after : '',
      });
    },

    /** GET /playlist/:id/edit — the owner's form for its details, and deleting it. */
    async showEdit(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      res.render('playlists/edit', { title: `Edit ${playlist.title}`, playlist, errors: {}, values: valuesOf(playlist), limits: LIMITS });
    },

    /** POST /playlist/:id/edit — new details; 422 with the typed values on bad ones. */
    async saveEdit(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const form = parsePlaylist(req.body);
      if (!form.ok) return void res.status(422).render('playlists/edit', { title: `Edit ${playlist.title}`, playlist, errors: form.errors, values: form.values, limits: LIMITS });
      if (!(await updatePlaylistDetails(pool, req.viewer!.id, playlist.id, form.value))) throw notFound('This playlist does not exist, or it is private.');
      flash(req, 'success', 'Your playlist has been saved.');
      res.redirect(303, `/playlist/${playlist.publicId}`);
    },

    /** POST /playlist/:id/delete — the playlist and its items are gone; its videos are not touched. */
    async remove(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      if (!(await deletePlaylist(pool, req.viewer!.id, playlist.id))) throw notFound('This playlist does not exist, or it is private.');
      flash(req, 'success', `“${playlist.title}” has been deleted.`);
      res.redirect(303, '/playlists');
    },
  };
}
