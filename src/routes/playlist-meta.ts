import { findPlaylistCover, type PlaylistCover } from '../db/playlist-discovery.js';
import type { PlaylistItem } from '../db/playlist-items.js';
import type { Playlist } from '../db/playlists.js';
import type { Queryable } from '../db/pool.js';
import { isWatchableByLink } from '../db/visibility.js';
import type { Storage } from '../media/index.js';
import { thumbnailsOf } from './video-view.js';
import { embedCode } from './watch-meta.js';

/**
 * What other software reads about a playlist (issue 12, item 8): the playlist page's OpenGraph
 * and Twitter cards, its schema.org ItemList, the oEmbed discovery link, and the oEmbed answer.
 * Everything here is what anyone with the playlist's link may see, whoever asks: a video is
 * named only when it is watchable by link (isWatchableByLink, the one rule), never because the
 * viewer happens to be its owner, and the cover is such a video's thumbnail.
 */

/** The player's frame when nothing says otherwise: 16:9, as the embed player lays out. */
const EMBED_WIDTH_PX = 1280;
const EMBED_HEIGHT_PX = 720;

/**
 * JSON for a `<script type="application/ld+json">` element: `<`, `>` and `&` as JSON escapes
 * (what the app's 'json escape' setting does for JSON answers), so no title can close the
 * element or open a comment; U+2028 and U+2029 too, which some parsers take for line ends.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The playlist's cover: on its first page, the first item shown that anyone with the link may
 * watch (no query: the page has them in order); otherwise, or when none of the first page is,
 * the first such item of the whole list (findPlaylistCover).
 */
export async function coverOfPage(db: Queryable, playlist: Playlist, items: PlaylistItem[], isFirstPage: boolean): Promise<PlaylistCover | null> {
  const shown = isFirstPage ? items.find((item) => item.video && isWatchableByLink(item.video))?.video : undefined;
  return shown ? { publicId: shown.publicId, thumbnailStem: shown.thumbnailStem, thumbnailWidths: shown.thumbnailWidths } : findPlaylistCover(db, playlist.id);
}

/** The address /embed answers a playlist with: its first available video, playing the list. */
export const playlistEmbedPath = (playlist: Pick<Playlist, 'publicId'>, cover: PlaylistCover) => `/embed/${cover.publicId}?list=${playlist.publicId}`;

/**
 * The meta partial's data for a page of the playlist: `items` are the page's, numbered from
 * `before` + 1; `pagePath` its own address (the first page's is the playlist's). The ItemList
 * names the page's available videos only, by their position in the list and watch address.
 */
export function playlistMetadata(input: {
  playlist: Playlist; description: string; items: PlaylistItem[]; before: number; pagePath: string;
  cover: PlaylistCover | null; storage: Storage; publicUrl: URL; siteName: string;
}) {
  const { playlist, description, items, before, cover, storage } = input;
  const absolute = (path: string) => new URL(path, input.publicUrl).href;
  const playlistUrl = absolute(`/playlist/${playlist.publicId}`);
  const pageUrl = absolute(input.pagePath);
  const image = cover ? thumbnailsOf(storage, cover) : null;
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'ItemList',
    name: playlist.title,
    description,
    url: pageUrl,
    itemListOrder: 'https://schema.org/ItemListOrderAscending',
    author: { '@type': 'Person', name: playlist.owner.displayName, url: absolute(`/@${playlist.owner.handle}`) },
    dateModified: playlist.updatedAt.toISOString(),
    ...(image ? { image: absolute(image.poster) } : {}),
    itemListElement: items.flatMap((item, i) => (item.video && isWatchableByLink(item.video)
      ? [{ '@type': 'ListItem', position: before + i + 1, url: absolute(`/watch/${item.videoPublicId}`) }]
      : [])),
  };
  return {
    canonical: pageUrl,
    // Search engines may list what the site lists: public playlists (an unlisted one's link is its secret).
    noindex: playlist.privacy !== 'public',
    og: {
      'og:site_name': input.siteName,
      'og:type': 'website',
      'og:title': playlist.title,
      'og:description': description,
      'og:url': playlistUrl,
      ...(image ? { 'og:image': absolute(image.poster), 'og:image:width': String(EMBED_WIDTH_PX), 'og:image:height': String(EMBED_HEIGHT_PX) } : {}),
    },
    twitter: {
      'twitter:card': image ? 'summary_large_image' : 'summary',
      'twitter:title': playlist.title,
      'twitter:description': description,
      ...(image ? { 'twitter:image': absolute(image.poster) } : {}),
    },
    // A private playlist has no oEmbed (its answer would be a 404), so it announces none; nor
    // does one without a video to start the embed with.
    oembed: playlist.privacy !== 'private' && cover ? absolute(`/oembed?url=${encodeURIComponent(playlistUrl)}&format=json`) : null,
    posterPreload: null,
    jsonLd: jsonForScript(jsonLd),
  };
}

/**
 * The oEmbed answer for a public or unlisted playlist (unlisted as for unlisted videos: whoever
 * has the link may embed it) with a video to start with: the embed player of its first available
 * video playing the list, scaled into maxWidth × maxHeight.
 */
export function playlistOembed(input: {
  playlist: Playlist; cover: PlaylistCover; storage: Storage; publicUrl: URL; siteName: string; maxWidth: number; maxHeight: number;
}) {
  const { playlist, cover } = input;
  const absolute = (path: string) => new URL(path, input.publicUrl).href;
  const scale = Math.min(1, input.maxWidth / EMBED_WIDTH_PX, input.maxHeight / EMBED_HEIGHT_PX);
  const width = Math.round(EMBED_WIDTH_PX * scale);
  const height = Math.round(EMBED_HEIGHT_PX * scale);
  const image = thumbnailsOf(input.storage, cover);
  return {
    version: '1.0',
    type: 'video',
    provider_name: input.siteName,
    provider_url: input.publicUrl.href,
    title: playlist.title,
    author_name: playlist.owner.displayName,
    author_url: absolute(`/@${playlist.owner.handle}`),
    width,
    height,
    html: embedCode(absolute(playlistEmbedPath(playlist, cover)), playlist.title, width, height),
    ...(image ? { thumbnail_url: absolute(image.poster), thumbnail_width: EMBED_WIDTH_PX, thumbnail_height: EMBED_HEIGHT_PX } : {}),
  };
}
