import crypto from 'node:crypto';

// Every storage key media is kept under, built here only: originals, a video's files
// (renditions, thumbnails, storyboard) and avatars. Keys are the paths under DATA_DIR/media on
// the local disk, or object names in an S3-compatible bucket.

export type ThumbnailFormat = 'webp' | 'jpg';

/** Where a video's uploaded file is kept (KEEP_ORIGINALS), never served. */
export const originalsDir = (publicId: string) => `originals/${publicId}`;
export const originalKey = (publicId: string) => `${originalsDir(publicId)}/source`;

/** Every file served for a video lives under this prefix. */
export const videoDir = (publicId: string) => `videos/${publicId}`;
export const videoFileKey = (publicId: string, name: string) => `${videoDir(publicId)}/${name}`;

/**
 * A new name for each made file: names change with every processing run, so public files can
 * be cached as immutable and a new thumbnail never shows an old one.
 */
export const fileStamp = () => crypto.randomBytes(4).toString('hex');
export const renditionName = (rung: number, stamp: string) => `${rung}p-${stamp}.mp4`;
export const thumbnailName = (stem: string, width: number, format: ThumbnailFormat) => `thumb-${stem}-${width}.${format}`;
export const storyboardName = (stamp: string) => `storyboard-${stamp}.jpg`;
/** One of the three frames a creator may choose as the thumbnail (src/media/thumbnail-sets.ts). */
export const candidateName = (stamp: string, index: number) => `candidate-${stamp}-${index + 1}.jpg`;

/** An account's picture: a random key that changes with every new picture, one file per size. */
export const avatarDir = (avatarKey: string) => `avatars/${avatarKey}`;
export const avatarKeyOf = (avatarKey: string, size: number) => `${avatarDir(avatarKey)}/${size}.webp`;
export const newAvatarKey = () => crypto.randomBytes(12).toString('base64url').replace(/[^a-zA-Z0-9]/g, 'x');
