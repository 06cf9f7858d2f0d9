import { checkLimits, probe, type Binaries, type Limits, type Probe } from './ffmpeg.js';
import { AVATAR_SIZES_PX, type AvatarSize } from './images.js';
import { avatarDir, avatarKeyOf, originalKey, originalsDir, thumbnailName, videoDir, videoFileKey, type ThumbnailFormat } from './keys.js';
import type { Storage } from './storage.js';

// What routes and the rest of the site use of media. The files beside this one (ffmpeg,
// renditions, previews, pipeline, images, keys, storage) are its internals.

export type { Binaries, Probe } from './ffmpeg.js';
export { MediaRejected, binaryWarnings, describePixelLimit, resolveBinaries } from './ffmpeg.js';
export { ImageRejected, storeAvatar, storeDefaultAvatar, AVATAR_SIZES_PX, type AvatarSize } from './images.js';
export { newAvatarKey } from './keys.js';
export { THUMBNAIL_WIDTHS_PX } from './previews.js';
export type { Storage } from './storage.js';

/**
 * Judges an uploaded file by its content (ffprobe under whitelists and bounds) against the
 * site's limits; throws MediaRejected with a reason a person can act on.
 */
export async function judgeUpload(binaries: Binaries, file: string, limits: Limits): Promise<Probe> {
  const probed = await probe(binaries, file);
  checkLimits(probed, limits);
  return probed;
}

/** Moves an accepted upload into storage as the video's original; returns its storage key. */
export async function storeOriginal(storage: Storage, publicId: string, file: string): Promise<string> {
  const key = originalKey(publicId);
  await storage.putFile(key, file);
  return key;
}

/** Removes every file of a video: those served and its original. */
export async function removeVideoMedia(storage: Storage, publicId: string): Promise<void> {
  await storage.removeDirectory(videoDir(publicId));
  await storage.removeDirectory(originalsDir(publicId));
}

/** Removes every size of an avatar. */
export async function removeAvatar(storage: Storage, avatarKey: string): Promise<void> {
  await storage.removeDirectory(avatarDir(avatarKey));
}

/** The address of one of a video's recorded files. */
export const videoFileUrl = (storage: Storage, publicId: string, name: string): string => storage.url(videoFileKey(publicId, name));

/** The address of a thumbnail of the set `stem`. */
export const thumbnailUrl = (storage: Storage, publicId: string, stem: string, width: number, format: ThumbnailFormat): string =>
  videoFileUrl(storage, publicId, thumbnailName(stem, width, format));

/** The address of an avatar at one of AVATAR_SIZES_PX. */
export const avatarUrl = (storage: Storage, avatarKey: string, size: AvatarSize): string => storage.url(avatarKeyOf(avatarKey, size));

/** The next avatar size up from about twice `size`, for dense screens. */
export const avatarSizeFor2x = (size: AvatarSize): AvatarSize => AVATAR_SIZES_PX.find((s) => s >= size * 2) ?? AVATAR_SIZES_PX.at(-1)!;
