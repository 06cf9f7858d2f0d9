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
 * An item of a playlist: its video's id, and the video as a `VideoSummary` only when this
 * caller may see it (listPlaylistItems asks canSeeVideo); otherwise null, the page's
 * "Unavailable video", so that a public playlist never describes someone's private video.
 */
export function playlistItemJson(item: Pick<PlaylistItem, 'videoPublicId' | 'video'> & { addedAt?: Date }, storage: Storage, publicUrl: URL | string) {
  return {
    videoId: item.videoPublicId,
    ...(item.addedAt ? { addedAt: item.addedAt.toISOString() } : {}),
    video: item.video ? videoSummaryJson(item.video, storage, publicUrl) : null,
  };
}
