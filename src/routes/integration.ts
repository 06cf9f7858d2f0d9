import type { Request, Response } from 'express';
import { findUserByHandle } from '../db/users.js';
import { findVideoByPublicId, listPublicVideos, listSitemapEntries, listVideoFiles, type VideoWithOwner } from '../db/videos.js';
import { xmlText } from '../http/xml.js';
import { HttpError, notFound } from '../http/errors.js';
import type { RouteDeps } from './deps.js';
import { PUBLIC_ID_PATTERN } from './public-id.js';
import { describeVideo, thumbnailsOf } from './video-view.js';
import { embedCode } from './watch-meta.js';

const FEED_ENTRIES = 50;
/** The sitemap protocol's limit for one file. */
const SITEMAP_MAX_URLS = 50_000;
const escapeXml = xmlText;

/** Pages other sites may show in a frame: only the bare player. */
function allowFraming(res: Response): void {
  const csp = String(res.getHeader('Content-Security-Policy') ?? '');
  res.setHeader('Content-Security-Policy', csp.replace("frame-ancestors 'none'", 'frame-ancestors *'));
  res.removeHeader('X-Frame-Options');
}

export function integrationRoutes({ pool, storage, config }: RouteDeps) {
  const absolute = (path: string) => new URL(path, config.publicUrl).href;

  /** A video anyone with its id may see (public or unlisted, ready), or null. */
  async function shareable(publicId: string): Promise<VideoWithOwner | null> {
    if (!PUBLIC_ID_PATTERN.test(publicId)) return null;
    const video = await findVideoByPublicId(pool, publicId);
    return video && video.status === 'ready' && video.visibility !== 'private' ? video : null;
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
      const video = await shareable(String(req.params.id ?? ''));
      if (!video) throw notFound('This video does not exist, or it cannot be embedded.');
      const view = describeVideo(video, await listVideoFiles(pool, video.id), storage);
      allowFraming(res);
      res.render('videos/embed', { layout: false, title: video.title, video, view, selected: view.defaultRendition, watchUrl: absolute(`/watch/${video.publicId}`) });
    },

    /** GET /oembed?url=…&format=json (https://oembed.com), for watch and embed URLs of this site. */
    async oembed(req: Request, res: Response): Promise<void> {
      if (req.query.format !== undefined && req.query.format !== 'json') throw new HttpError(501, 'Only format=json is supported.');
      let target: URL;
      try {
        target = new URL(String(req.query.url ?? ''));
      } catch {
        throw notFound('Give the address of a video on this site as url.');
      }
      const match = /^\/(?:watch|embed)\/([A-Za-z0-9_-]{11})$/.exec(target.pathname);
      const video = target.origin === config.publicUrl.origin && match ? await shareable(match[1]!) : null;
      if (!video) throw notFound('There is no video at that address.');
      const view = describeVideo(video, await listVideoFiles(pool, video.id), storage);
      const base = view.defaultRendition ?? { width: 1280, height: 720 };
      const maxWidth = Number(req.query.maxwidth) || Infinity;
      const maxHeight = Number(req.query.maxheight) || Infinity;
      const scale = Math.min(1, maxWidth / base.width, maxHeight / base.height);
      const width = Math.round(base.width * scale);
      const height = Math.round(base.height * scale);
      const embedUrl = absolute(`/embed/${video.publicId}`);
      res.json({
        version: '1.0',
        type: 'video',
        provider_name: config.siteName,
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
      atom(res, `${config.siteName}: latest videos`, '/feeds/videos.atom', '/', await listPublicVideos(pool, { limit: FEED_ENTRIES }));
    },

    async channelFeed(req: Request, res: Response): Promise<void> {
      const channel = await findUserByHandle(pool, String(req.params.handle ?? ''));
      if (!channel || channel.bannedAt) throw notFound('There is no channel with this handle.');
      atom(res, `${channel.displayName} on ${config.siteName}`, `/@${channel.handle}/feed.atom`, `/@${channel.handle}`, await listPublicVideos(pool, { ownerId: channel.id, limit: FEED_ENTRIES }));
    },

    async sitemap(_req: Request, res: Response): Promise<void> {
      const { videos, channels } = await listSitemapEntries(pool, SITEMAP_MAX_URLS / 2);
      const urls = [
        `<url><loc>${escapeXml(absolute('/'))}</loc></url>`,
        ...channels.map((c) => `<url><loc>${escapeXml(absolute(`/@${c.handle}`))}</loc></url>`),
        ...videos.map((v) => `<url><loc>${escapeXml(absolute(`/watch/${v.publicId}`))}</loc><lastmod>${v.updatedAt.toISOString()}</lastmod></url>`),
      ];
      res.type('application/xml; charset=utf-8').send(`<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>\n`);
    },

    robots(_req: Request, res: Response): void {
      res.type('text/plain').send(
        ['User-agent: *', 'Disallow: /settings', 'Disallow: /studio', 'Disallow: /upload', 'Disallow: /feed/', 'Disallow: /api/', 'Disallow: /login', 'Disallow: /register', 'Allow: /', `Sitemap: ${absolute('/sitemap.xml')}`, ''].join('\n'),
      );
    },
  };
}
