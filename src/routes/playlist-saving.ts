import type { Request, Response } from 'express';
import { addVideoToPlaylist, removeVideoFromPlaylist } from '../db/playlist-items.js';
import { findOwnPlaylistByPublicId, insertPlaylistWithVideo, listSaveChoices, removeWatchedVideos, type SaveChoice } from '../db/playlist-saving.js';
import { findOrCreateWatchLater } from '../db/playlists.js';
import { PLAYLIST_DESCRIPTION_MAX, PLAYLIST_TITLE_MAX, parsePlaylist } from '../forms/playlist.js';
import { parseSaveTick } from '../forms/playlist-saving.js';
import { badRequest, notFound } from '../http/errors.js';
import { loadedPlaylist, loadedVideo } from '../http/guards.js';
import { prefersJson } from '../http/negotiation.js';
import { flash } from '../http/session.js';
import type { RouteDeps } from './deps.js';
import { keepPagesIfPrivate } from './playlist-cache.js';

const LIMITS = { titleMax: PLAYLIST_TITLE_MAX, descriptionMax: PLAYLIST_DESCRIPTION_MAX };
const NO_PLAYLIST = 'This playlist does not exist, or it is private.';
const GONE = 'This video does not exist, or it has been removed.';

/** A checklist entry as the Save script reads it (GET /watch/:id/save with Accept: application/json). */
const choiceJson = (c: Pick<SaveChoice, 'publicId' | 'title' | 'privacy' | 'kind' | 'hasVideo'>) => ({ id: c.publicId, title: c.title, privacy: c.privacy, kind: c.kind, saved: c.hasVideo });

/**
 * Saving a video to my playlists (issue 12, item 2): /watch/:id/save is the checklist without
 * scripts (one small form per playlist, its button pressed when the video is in it) and, asked
 * for JSON, what public/js/save.js shows in place. "Remove watched videos" on Watch later (item 7).
 * The video is loadVideo's (only what this viewer may see, a private video of someone else a
 * 404); a playlist is found with the viewer as owner in the WHERE clause, so anyone else's is a
 * 404 and nothing is written.
 */
export function playlistSavingRoutes({ pool, config, pageCache }: RouteDeps) {
  const atLimit = `You already keep ${config.playlistsPerAccount.toLocaleString('en')} playlists, the most an account may. Delete one to make another.`;
  const full = (title: string) => `“${title}” already holds ${config.playlistMaxItems.toLocaleString('en')} videos, the most a playlist may. Remove some to add more.`;

  /**
   * The checklist page: status 200 makes Watch later on first use (as the Playlists page does); a
   * refused request (422) writes nothing, so it shows Watch later only once it exists.
   */
  async function renderSave(req: Request, res: Response, status: number, options: { errors?: Record<string, string>; values?: Record<string, string>; notice?: string } = {}) {
    const video = loadedVideo(req);
    if (status === 200) await findOrCreateWatchLater(pool, req.viewer!.id);
    const playlists = await listSaveChoices(pool, req.viewer!.id, video.publicId, config.playlistsPerAccount + 1);
    // One address, a page or the script's JSON: a cache must not give one for the other.
    res.vary('Accept');
    if (prefersJson(req)) return void res.status(status).json({ video: { id: video.publicId, title: video.title }, playlists: playlists.map(choiceJson), limits: LIMITS });
    res.status(status).render('playlists/save', {
      title: `Save “${video.title}”`, video, playlists, limits: LIMITS,
      errors: options.errors ?? {}, values: options.values ?? { privacy: 'private' }, notice: options.notice ?? null,
    });
  }

  /** A refusal (422, nothing written): JSON for the script (the error handler's shape, with the field messages), else the page again. */
  function refuse(req: Request, res: Response, fields: Record<string, string>, page: { errors?: Record<string, string>; values?: Record<string, string>; notice?: string }) {
    if (prefersJson(req)) return void res.status(422).json({ error: { status: 422, message: Object.values(fields)[0], fields } });
    return renderSave(req, res, 422, page);
  }

  return {
    /** GET /watch/:id/save — my playlists, Watch later first, each saying whether it holds the video; and a form for a new one. */
    async show(req: Request, res: Response): Promise<void> {
      await renderSave(req, res, 200);
    },

    /**
     * POST /watch/:id/save — playlist=<public id>&saved=true|false: the video in or out of one of
     * my playlists. Already there (or already out) is not an error: a resubmit lands the same.
     */
    async tick(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const tick = parseSaveTick(req.body);
      if (tick === 'invalid') throw badRequest('Name one of your playlists, and whether the video should be saved in it (true or false).');
      const playlist = tick.playlistPublicId ? await findOwnPlaylistByPublicId(pool, req.viewer!.id, tick.playlistPublicId) : null;
      if (!playlist) throw notFound(NO_PLAYLIST);
      if (tick.saved) {
        const outcome = await addVideoToPlaylist(pool, req.viewer!.id, playlist.id, video, config.playlistMaxItems);
        if (outcome === 'nothing') throw notFound(NO_PLAYLIST);
        if (outcome === 'gone') throw notFound(GONE);
        if (outcome === 'full') return refuse(req, res, { playlist: full(playlist.title) }, { notice: full(playlist.title) });
      } else {
        // False when it was not there: taken out already (another tab, a resubmit), which is what was asked.
        await removeVideoFromPlaylist(pool, req.viewer!.id, playlist.id, video.publicId);
      }
      keepPagesIfPrivate(pageCache, req, res, playlist.privacy);
      const message = tick.saved ? `Saved to “${playlist.title}”.` : `Removed from “${playlist.title}”.`;
      if (prefersJson(req)) return void res.json({ playlist: playlist.publicId, saved: tick.saved, message });
      flash(req, 'success', message);
      res.redirect(303, `/watch/${video.publicId}/save`);
    },

    /** POST /watch/:id/save/new — a new playlist of mine with the video in it; 422 on bad details or at PLAYLISTS_PER_ACCOUNT, nothing written. */
    async create(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const form = parsePlaylist(req.body);
      if (!form.ok) return refuse(req, res, form.errors, { errors: form.errors, values: form.values });
      const created = await insertPlaylistWithVideo(pool, req.viewer!.id, form.value, video, config.playlistsPerAccount);
      if (created === 'gone') throw notFound(GONE);
      if (created === 'limit') {
        return refuse(req, res, { title: atLimit }, { errors: { title: atLimit }, values: { title: form.value.title, description: form.value.description, privacy: form.value.privacy } });
      }
      keepPagesIfPrivate(pageCache, req, res, form.value.privacy);
      const message = `Saved to your new playlist “${form.value.title}”.`;
      if (prefersJson(req)) return void res.status(201).json({ playlist: choiceJson({ ...form.value, publicId: created.publicId, kind: 'normal', hasVideo: true }), message });
      flash(req, 'success', message);
      res.redirect(303, `/watch/${video.publicId}/save`);
    },

    /** POST /playlist/:id/remove-watched — every video of my Watch later I have watched goes, in one statement; the flash says how many. */
    async removeWatched(req: Request, res: Response): Promise<void> {
      const playlist = loadedPlaylist(req);
      const removed = await removeWatchedVideos(pool, req.viewer!.id, playlist.id);
      if (removed === 'nothing') throw notFound(NO_PLAYLIST);
      flash(req, 'success', removed === 0 ? 'No watched videos were in Watch later.' : `Removed ${removed.toLocaleString('en')} watched ${removed === 1 ? 'video' : 'videos'} from Watch later.`);
      res.redirect(303, `/playlist/${playlist.publicId}`);
    },
  };
}
