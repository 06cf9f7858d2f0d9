import type { PlaylistItem } from '../db/playlist-items.js';
import type { Playlist } from '../db/playlists.js';
import type { Storage } from '../media/index.js';
import { videoSummaryJson } from './video-json.js';

/** A playlist as the API shows it (the `Playlist` schema, src/api/openapi/playlists.ts). */
export function playlistJson(playlist: Playlist, publicUrl: URL | string) {
  const absolute = (path: string) => new URL(path, publicUrl).href;
  return {
    id: playlist.publicId,
    title: playlist.title,
    description: playlist.description,
    privacy: playlist.privacy,
    kind: playlist.kind,
    itemCount: playlist.itemCount,
    channel: { handle: playlist.owner.handle, displayName: playlist.owner.displayName, url: absolute(`/@${playlist.owner.handle}`) },
    url: absolute(`/playlist/${playlist.publicId}`),
    createdAt: playlist.createdAt.toISOString(),
    updatedAt: playlist.updatedAt.toISOString(),
  };
}

/**
 * An item of a playlist: the video as a `VideoSummary` only when this caller may see it
 * (listPlaylistItems asks canSeeVideo); otherwise null, the page's "Unavailable video", so that
 * a public playlist never describes someone's private video. Its id is named as the page names
 * it (playlists/show.ejs): always when the video is seen, else only to whoever manages the
 * playlist (`managed`), whose changes need it; a private video's id would be its link once it
 * is unlisted.
 */
export function playlistItemJson(item: Pick<PlaylistItem, 'videoPublicId' | 'video'> & { addedAt?: Date }, storage: Storage, publicUrl: URL | string, managed = true) {
  return {
    videoId: item.video || managed ? item.videoPublicId : null,
    ...(item.addedAt ? { addedAt: item.addedAt.toISOString() } : {}),
    video: item.video ? videoSummaryJson(item.video, storage, publicUrl) : null,
  };
}
