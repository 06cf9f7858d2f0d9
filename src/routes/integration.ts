import type { Request, Response } from 'express';
import { countSitemapPlaylists, findPlaylistCover, listSitemapPlaylists } from '../db/playlist-discovery.js';
import { findPlaylistByPublicId } from '../db/playlists.js';
import { listVideoFiles } from '../db/video-files.js';
import { countSitemapEntries, listPublicVideos, listSitemapChannels, listSitemapVideos } from '../db/video-listings.js';
import type { VideoWithOwner } from '../db/videos.js';
import { xmlText } from '../http/xml.js';
import { HttpError, notFound } from '../http/errors.js';
import { loadedChannel, loadedVideo } from '../http/guards.js';
import { viewToken } from '../http/viewer-key.js';
import type { RouteDeps } from './deps.js';
import { findShareableVideo } from './loaders.js';
import { describeVideo, thumbnailsOf } from './video-view.js';
import { embedCode } from './watch-meta.js';
import { playlistOembed } from './playlist-meta.js';
import { captionTracksOf } from './studio-captions.js';
import { chapterLinks, chaptersOfVideo } from './chapters.js';
import { playlistPanel } from './playlist-playback.js';
import { parsePlaybackParams } from '../forms/playlist-playback.js';

const FEED_ENTRIES = 50;
const SITEMAP_PAGE = /^[1-9][0-9]{0,5}$/;
const escapeXml = xmlText;

/** Pages other sites may show in a frame: only the bare player. */
function allowFraming(res: Response): void {
  const csp = String(res.getHeader('Content-Security-Policy') ?? '');
  res.setHeader('Content-Security-Policy', csp.replace("frame-ancestors 'none'", 'frame-ancestors *'));
  res.removeHeader('X-Frame-Options');
}

export function integrationRoutes({ pool, storage, config, secret, settings }: RouteDeps) {
  // Before the site's locals (the open router): the name from the settings themselves.
  const siteName = async () => (await settings.get()).siteName;
  const perFile = config.sitemapUrlsPerFile;
  const absolute = (path: string) => new URL(path, config.publicUrl).href;

  /** A sitemap file's number from the URL; a number past the last file is a 404 like any missing page. */
  function sitemapPage(req: Request, count: number): number {
    const raw = String(req.params.page ?? '');
    const page = SITEMAP_PAGE.test(raw) ? Number(raw) : 0;
    if (page < 1 || (page - 1) * perFile >= Math.max(count, 1)) throw notFound('There is no such sitemap.');
    return page;
  }

  function urlset(res: Response, urls: string[]): void {
    res.type('application/xml; charset=utf-8').send(`<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>\n`);
  }

  function atom(res: Response, title: string, selfPath: string, alternatePath: string, videos: VideoWithOwner[]): void {
    const updated = (videos[0]?.publishedAt ?? new Date(0)).toISOString();
    const entries = videos.map((v) => {
      const url = absolute(`/watch/${v.publicId}`);
      const thumbnails = thumbnailsOf(storage, v);
      const thumbnail = thumbnails ? `<media:thumbnail url="${escapeXml(absolute(thumbnails.poster))}" width="1280" height="720"/>` : '';
      return `<entry><id>${escapeXml(url)}</id><title>${escapeXml(v.title)}</title><link rel="alternate" href="${escapeXml(url)}"/>` +
        `<published>${(v.publishedAt ?? v.createdAt).toISOString()}</published><updated>${(v.publishedAt ?? v.createdAt).toISOString()}</updated>` +
        `<author><name>${escapeXml(v.owner.displayName)}</name><uri>${escapeXml(absolute(`/@${v.owner.handle}`))}</uri></author>` +
        `<summary>${escapeXml(v.description.slice(0, 1000))}</summary>${thumbnail}</entry>`;
    });
    res.type('application/atom+xml; charset=utf-8').send(
      `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">` +
        `<id>${escapeXml(absolute(selfPath))}</id><title>${escapeXml(title)}</title><updated>${updated}</updated>` +
        `<link rel="self" href="${escapeXml(absolute(selfPath))}"/><link rel="alternate" href="${escapeXml(absolute(alternatePath))}"/>` +
        `${entries.join('')}</feed>\n`,
    );
  }

  return {
    /** GET /embed/:id — the bare player, the one page other sites may frame. */
    async embed(req: Request, res: Response): Promise<void> {
      const video = loadedVideo(req);
      const playback = parsePlaybackParams(req.query);
      // ?list=…: played through as anyone with the link sees it (a null viewer), as the video itself is.
      const [files, captions, chapters, playlist] = await Promise.all([listVideoFiles(pool, video.id), captionTracksOf(pool, video), chaptersOfVideo(pool, video),
        playlistPanel(pool, storage, playback, video.publicId, null, 'embed')]);
      const view = describeVideo(video, files, storage);
      allowFraming(res);
      res.render('videos/embed', {
        layout: false, title: video.title, video, view, selected: view.defaultRendition, captions, watchUrl: absolute(`/watch/${video.publicId}`),
        chapters: chapterLinks(video.publicId, chapters), viewToken: viewToken(secret, video.publicId), playlist,
      });
    },

    /** GET /oembed?url=…&format=json (https://oembed.com), for watch, embed and playlist URLs of this site. */
    async oembed(req: Request, res: Response): Promise<void> {
      if (req.query.format !== undefined && req.query.format !== 'json') throw new HttpError(501, 'Only format=json is supported.');
      let target: URL;
      try {
        target = new URL(String(req.query.url ?? ''));
      } catch {
        throw notFound('Give the address of a video on this site as url.');
      }
      // oEmbed's limits are positive whole numbers; anything else is no limit.
      const limit = (raw: unknown) => (typeof raw === 'string' && /^[1-9][0-9]{0,4}$/.test(raw) ? Number(raw) : Infinity);
      const maxWidth = limit(req.query.maxwidth);
      const maxHeight = limit(req.query.maxheight);
      const ours = target.origin === config.publicUrl.origin;
      // A playlist (issue 12, item 8): public or unlisted, as a video is by its link; never a
      // private one, whoever asks; and only with a video anyone may watch to start the embed with.
      const list = /^\/playlist\/([A-Za-z0-9_-]{11})$/.exec(target.pathname);
      if (ours && list) {
        const playlist = await findPlaylistByPublicId(pool, list[1]!);
        const cover = playlist && playlist.privacy !== 'private' ? await findPlaylistCover(pool, playlist.id) : null;
        if (!playlist || !cover) throw notFound('There is no playlist with a video to play at that address.');
        return void res.json(playlistOembed({ playlist, cover, storage, publicUrl: config.publicUrl, siteName: await siteName(), maxWidth, maxHeight }));
      }
      const match = /^\/(?:watch|embed)\/([A-Za-z0-9_-]{11})$/.exec(target.pathname);
      const video = ours && match ? await findShareableVideo(pool, match[1]!) : null;
      if (!video) throw notFound('There is no video at that address.');
      const view = describeVideo(video, await listVideoFiles(pool, video.id), storage);
      const base = view.defaultRendition ?? { width: 1280, height: 720 };
      const scale = Math.min(1, maxWidth / base.width, maxHeight / base.height);
      const width = Math.round(base.width * scale);
      const height = Math.round(base.height * scale);
      const embedUrl = absolute(`/embed/${video.publicId}`);
      res.json({
        version: '1.0',
        type: 'video',
        provider_name: await siteName(),
        provider_url: config.publicUrl.href,
        title: video.title,
        author_name: video.owner.displayName,
        author_url: absolute(`/@${video.owner.handle}`),
        width,
        height,
        html: embedCode(embedUrl, video.title, width, height),
        ...(view.thumbnails ? { thumbnail_url: absolute(view.thumbnails.poster), thumbnail_width: 1280, thumbnail_height: 720 } : {}),
      });
    },

    async siteFeed(_req: Request, res: Response): Promise<void> {
      atom(res, `${await siteName()}: latest videos`, '/feeds/videos.atom', '/', await listPublicVideos(pool, { limit: FEED_ENTRIES }));
    },

    async channelFeed(req: Request, res: Response): Promise<void> {
      const channel = loadedChannel(req);
      atom(res, `${channel.displayName} on ${await siteName()}`, `/@${channel.handle}/feed.atom`, `/@${channel.handle}`, await listPublicVideos(pool, { ownerId: channel.id, limit: FEED_ENTRIES }));
    },

    /**
     * GET /sitemap.xml — a sitemap index: the home page and channels', videos' and playlists' files
     * of up to perFile addresses each, so every listed video, live channel and public playlist is in one.
     */
    async sitemap(_req: Request, res: Response): Promise<void> {
      const [counts, playlists] = await Promise.all([countSitemapEntries(pool), countSitemapPlaylists(pool)]);
      const files = (kind: string, count: number) =>
        Array.from({ length: Math.max(1, Math.ceil(count / perFile)) }, (_, i) => `<sitemap><loc>${escapeXml(absolute(`/sitemaps/${kind}-${i + 1}.xml`))}</loc></sitemap>`);
      res.type('application/xml; charset=utf-8').send(
        `<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` +
          `${[...files('channels', counts.channels + 1), ...files('videos', counts.videos), ...files('playlists', playlists)].join('')}</sitemapindex>\n`,
      );
    },

    /** GET /sitemaps/videos-N.xml — the Nth file of listed videos. */
    async sitemapVideos(req: Request, res: Response): Promise<void> {
      const page = sitemapPage(req, (await countSitemapEntries(pool)).videos);
      const videos = await listSitemapVideos(pool, (page - 1) * perFile, perFile);
      urlset(res, videos.map((v) => `<url><loc>${escapeXml(absolute(`/watch/${v.publicId}`))}</loc><lastmod>${v.updatedAt.toISOString()}</lastmod></url>`));
    },

    /** GET /sitemaps/playlists-N.xml — the Nth file of public playlists of live owners (never unlisted or private ones). */
    async sitemapPlaylists(req: Request, res: Response): Promise<void> {
      const page = sitemapPage(req, await countSitemapPlaylists(pool));
      const playlists = await listSitemapPlaylists(pool, (page - 1) * perFile, perFile);
      urlset(res, playlists.map((p) => `<url><loc>${escapeXml(absolute(`/playlist/${p.publicId}`))}</loc><lastmod>${p.updatedAt.toISOString()}</lastmod></url>`));
    },

    /** GET /sitemaps/channels-N.xml — the home page (first file) and the Nth file of live channels. */
    async sitemapChannels(req: Request, res: Response): Promise<void> {
      // The home page takes the first file's first place.
      const page = sitemapPage(req, (await countSitemapEntries(pool)).channels + 1);
      const offset = page === 1 ? 0 : (page - 1) * perFile - 1;
      const channels = await listSitemapChannels(pool, offset, page === 1 ? perFile - 1 : perFile);
      urlset(res, [
        ...(page === 1 ? [`<url><loc>${escapeXml(absolute('/'))}</loc></url>`] : []),
        ...channels.map((c) => `<url><loc>${escapeXml(absolute(`/@${c.handle}`))}</loc></url>`),
      ]);
    },

    robots(_req: Request, res: Response): void {
      res.type('text/plain').send(
        ['User-agent: *', 'Disallow: /settings', 'Disallow: /studio', 'Disallow: /upload', 'Disallow: /feed/', 'Disallow: /api/', 'Disallow: /login', 'Disallow: /register', 'Allow: /', `Sitemap: ${absolute('/sitemap.xml')}`, ''].join('\n'),
      );
    },
  };
}
