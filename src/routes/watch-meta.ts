import { withEnds, type Chapter } from '../chapters.js';
import type { VideoWithOwner } from '../db/videos.js';
import { isListed } from '../db/visibility.js';
import { categoryLabel } from '../forms/video-choices.js';
import { firstCharacters } from '../format.js';
import type { describeVideo } from './video-view.js';

type View = ReturnType<typeof describeVideo>;

/** ISO 8601 duration (PT1M30S) for JSON-LD. */
export function isoDuration(seconds: number): string {
  const s = Math.round(seconds);
  return `PT${Math.floor(s / 3600) ? `${Math.floor(s / 3600)}H` : ''}${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}M` : ''}${s % 60}S`;
}

/**
 * What other software reads from a watch page: OpenGraph and Twitter player cards, the
 * oEmbed discovery link and schema.org VideoObject. Absolute URLs from PUBLIC_URL.
 */
export function watchMetadata(video: VideoWithOwner, view: View, publicUrl: URL, siteName: string, chapters: Chapter[] = []) {
  const absolute = (path: string) => new URL(path, publicUrl).href;
  const watchUrl = absolute(`/watch/${video.publicId}`);
  const embedUrl = absolute(`/embed/${video.publicId}`);
  const rendition = view.defaultRendition;
  const description = firstCharacters(video.description, 300) || `${video.title} by ${video.owner.displayName}`;
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'VideoObject',
    name: video.title,
    description,
    thumbnailUrl: view.thumbnails ? [absolute(view.thumbnails.poster)] : [],
    uploadDate: (video.publishedAt ?? video.createdAt).toISOString(),
    duration: isoDuration(video.durationSeconds),
    contentUrl: rendition ? absolute(rendition.url) : undefined,
    embedUrl,
    url: watchUrl,
    author: { '@type': 'Person', name: video.owner.displayName, url: absolute(`/@${video.owner.handle}`) },
    // schema.org: genre is free text (the category's name), inLanguage a BCP 47 tag.
    genre: categoryLabel(video.category) ?? undefined,
    inLanguage: video.language ?? undefined,
    interactionStatistic: [
      { '@type': 'InteractionCounter', interactionType: { '@type': 'WatchAction' }, userInteractionCount: video.viewCount },
      { '@type': 'InteractionCounter', interactionType: { '@type': 'LikeAction' }, userInteractionCount: video.likeCount },
    ],
    // Chapters as Clips: what search engines show as a video's "key moments".
    ...(chapters.length > 0 ? { hasPart: chapterClips(chapters, video.durationSeconds, watchUrl) } : {}),
  };
  return {
    canonical: watchUrl,
    // Search engines may list what the site lists, nothing else (an unlisted video's link is its secret).
    noindex: !isListed(video),
    og: {
      'og:site_name': siteName,
      'og:type': 'video.other',
      'og:title': video.title,
      'og:description': description,
      'og:url': watchUrl,
      ...(view.thumbnails ? { 'og:image': absolute(view.thumbnails.poster), 'og:image:width': '1280', 'og:image:height': '720' } : {}),
      ...(rendition ? { 'og:video': absolute(rendition.url), 'og:video:secure_url': absolute(rendition.url), 'og:video:type': 'video/mp4', 'og:video:width': String(rendition.width), 'og:video:height': String(rendition.height) } : {}),
    },
    twitter: {
      'twitter:card': 'player',
      'twitter:title': video.title,
      'twitter:description': description,
      'twitter:player': embedUrl,
      'twitter:player:width': String(rendition?.width ?? 1280),
      'twitter:player:height': String(rendition?.height ?? 720),
      ...(view.thumbnails ? { 'twitter:image': absolute(view.thumbnails.poster) } : {}),
    },
    oembed: absolute(`/oembed?url=${encodeURIComponent(watchUrl)}&format=json`),
    // The poster is most of what a visitor first sees; asked for with the stylesheet rather
    // than when the player is laid out, and at high priority (images otherwise start low).
    posterPreload: rendition && view.thumbnails ? view.thumbnails.playerPoster : null,
    // Inside <script type="application/ld+json">: "<" escaped so no text can close the element.
    jsonLd: JSON.stringify(jsonLd).replace(/</g, '\\u003c'),
    embedUrl,
    watchUrl,
    embedCode: embedCode(embedUrl, video.title, rendition?.width ?? 1280, rendition?.height ?? 720),
  };
}

/** schema.org Clip entries (offsets in whole seconds), each with the address that starts the video there. */
function chapterClips(chapters: Chapter[], durationSeconds: number, watchUrl: string) {
  return withEnds(chapters, durationSeconds).map((c) => ({
    '@type': 'Clip',
    name: c.title,
    startOffset: c.startSeconds,
    endOffset: Math.round(c.endSeconds),
    url: `${watchUrl}?t=${c.startSeconds}`,
  }));
}

/** The <iframe> other sites paste (also oEmbed's html); the caller escapes it for its context. */
export function embedCode(embedUrl: string, title: string, width: number, height: number): string {
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${attr(embedUrl)}" width="${width}" height="${height}" title="${attr(title)}" style="border:0" allow="fullscreen; picture-in-picture" allowfullscreen></iframe>`;
}
