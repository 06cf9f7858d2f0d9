/**
 * Who may see a video: the one place that says it, as SQL conditions for queries and as
 * TypeScript predicates for a row already loaded. Every listing, search path, feed, the
 * sitemap, related videos, view counts, oEmbed, the embed player, the API and media files ask
 * these; a new state (taken down, scheduled) is a change here and in its migration.
 *
 * - listed: shown to everyone (home, search, channels, feeds, sitemap, related): ready, public,
 *   and its owner is live;
 * - watchable by link: the same with unlisted allowed, as its unguessable id is its secret;
 * - owner live: the account is neither banned nor deleted.
 *
 * A scheduled video (visibility 'scheduled', with publish_at) is neither listed nor watchable
 * by link: only its owner sees it, until the worker turns it public at its time
 * (publishDueVideos in video-events.ts). It is stored as its own visibility rather than as
 * "public with a future time" so that the partial indexes below keep holding only what may be
 * listed now, and no query has to compare times.
 *
 * A video a moderator took down, or one waiting for a moderator's approval (videos.moderation
 * 'taken_down' or 'held', sql/migrations/1763683202600_takedowns.sql), is neither listed nor
 * watchable by link, whatever its visibility: only its owner (and moderators) see it. The
 * condition is added to the video's half below; the partial indexes keep their predicate and
 * the few such videos are filtered out of what they return.
 *
 * The SQL comes in two halves, the video's own state and its owner's, because some queries
 * walk videos first (through the partial indexes below) and join the owner later. The video's
 * half must keep implying the partial indexes' predicate (`status = 'ready' AND visibility =
 * 'public'`, on videos_public_listing_idx and videos_owner_public_listing_idx), or listings stop
 * using them: add conditions, do not rewrite it.
 */

/** The video's own state lets it be listed; `v` is the videos alias. */
export const videoListed = (v = 'v') => `${v}.status = 'ready' AND ${v}.visibility = 'public' AND ${v}.moderation = 'none'`;

/** The video's own state lets anyone with its id watch it. */
export const videoWatchableByLink = (v = 'v') => `${v}.status = 'ready' AND ${v}.visibility IN ('public', 'unlisted') AND ${v}.moderation = 'none'`;

/** The account is neither banned nor deleted; `u` is the users alias. */
export const ownerLive = (u = 'u') => `${u}.deleted_at IS NULL AND ${u}.banned_at IS NULL`;

/** Listed to everyone: the video's state and its owner's. */
export const listed = (v = 'v', u = 'u') => `${videoListed(v)} AND ${ownerLive(u)}`;

/** Watchable by link: the video's state and its owner's. */
export const watchableByLink = (v = 'v', u = 'u') => `${videoWatchableByLink(v)} AND ${ownerLive(u)}`;

/**
 * A channel (an account) anyone may open: its owner live, and not a sign-up waiting for approval
 * (users.pending_at). A pending account was never signed in, so it has no videos, comments or
 * playlists for ownerLive to hide; the partial indexes built on ownerLive stay as they are.
 */
export const channelLive = (u = 'u') => `${ownerLive(u)} AND ${u}.pending_at IS NULL`;

export type Visibility = 'public' | 'unlisted' | 'private' | 'scheduled';
export type VideoStatus = 'uploaded' | 'processing' | 'ready' | 'failed';
/** A moderator's hold on a video: none, waiting for approval, or taken down. */
export type Moderation = 'none' | 'held' | 'taken_down';

/** What deciding needs about a loaded video: its own state and whether its owner is live. */
export interface VideoState {
  visibility: Visibility;
  status: VideoStatus;
  moderation: Moderation;
  ownerLive: boolean;
}

/** Mirrors `listed()`. */
export function isListed(video: VideoState): boolean {
  return video.status === 'ready' && video.visibility === 'public' && video.moderation === 'none' && video.ownerLive;
}

/** Mirrors `watchableByLink()`. */
export function isWatchableByLink(video: VideoState): boolean {
  return video.status === 'ready' && (video.visibility === 'public' || video.visibility === 'unlisted') && video.moderation === 'none' && video.ownerLive;
}

/**
 * The video may be seen by the account whose id is the SQL expression `reader`: watchable by
 * link, or its own. Notifications ask it when they are made and again when they are shown
 * (src/db/notifications.ts), so that none points its reader at what they may not see.
 */
export const videoSeenBy = (reader: string, v = 'v', u = 'u') => `(${v}.owner_id = ${reader} OR (${watchableByLink(v, u)}))`;

/**
 * The comment may be seen by `reader` (an SQL expression), its video aside: not deleted or
 * removed, its author live, and not held unless the reader wrote it or owns its video.
 */
export const commentSeenBy = (reader: string, c = 'c', a = 'a') =>
  `(${c}.deleted_at IS NULL AND NOT ${c}.removed AND ${ownerLive(a)} AND (NOT ${c}.held OR ${c}.author_id = ${reader} OR ${c}.video_owner_id = ${reader}))`;
