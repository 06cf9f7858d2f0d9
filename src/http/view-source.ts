/**
 * Where views come from, for a video's statistics in the studio; the order the page lists them.
 * "home" covers the site's other browsing pages too (subscriptions feed, any page not named
 * here), as YouTube's "browse features" does.
 */
export const VIEW_SOURCES = ['home', 'search', 'related', 'channel', 'playlist', 'embed', 'external', 'direct'] as const;
export type ViewSource = (typeof VIEW_SOURCES)[number];

export const VIEW_SOURCE_LABELS: Record<ViewSource, string> = {
  home: 'Home page and feeds',
  search: 'Search',
  related: 'Another watch page',
  channel: 'Channel pages',
  playlist: 'Playlists',
  embed: 'Embedded player',
  external: 'Other sites',
  direct: 'Direct or unknown',
};

/**
 * Longer referrers are cut before parsing: only the origin, the path and a `list=` parameter
 * matter here, and a client may send anything (a cut URL still parses; at worst it is
 * classified by its start).
 */
export const MAX_REFERRER_CHARS = 2048;

/**
 * The source of a view from the referrer the player reports (the watch page's
 * `document.referrer`; the embed player reports its own address). The client chooses it freely,
 * so it is used for this statistic only, never to decide anything. The site's referrer policy is
 * same-origin, so its own pages give a full address and other sites at most their origin.
 */
export function classifyReferrer(referrer: unknown, site: URL): ViewSource {
  if (typeof referrer !== 'string' || referrer.trim() === '') return 'direct';
  let url: URL;
  try {
    url = new URL(referrer.slice(0, MAX_REFERRER_CHARS));
  } catch {
    return 'direct';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'direct';
  if (url.origin !== site.origin) return 'external';
  const path = url.pathname;
  if (path.startsWith('/embed/')) return 'embed';
  if (path.startsWith('/playlist') || url.searchParams.has('list')) return 'playlist';
  if (path === '/search') return 'search';
  if (path.startsWith('/watch/')) return 'related';
  if (path.startsWith('/@')) return 'channel';
  return 'home';
}
