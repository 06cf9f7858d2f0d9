import sharp from 'sharp';
import type { FrameFile } from '../db/thumbnails.js';
import type { CandidateFrame } from './frames.js';
import { ImageRejected, MAX_INPUT_PIXELS } from './images.js';
import { candidateName, fileStamp, thumbnailName, videoDir, videoFileKey } from './keys.js';
import { THUMBNAIL_WIDTHS_PX } from './previews.js';
import type { Storage } from './storage.js';

// Thumbnail sets a creator chooses in the studio, written at every width pages use
// (THUMBNAIL_WIDTHS_PX) as WebP and JPEG under a new stem, and the candidate frames offered.

const LARGEST = { width: THUMBNAIL_WIDTHS_PX.at(-1)!, height: Math.round((THUMBNAIL_WIDTHS_PX.at(-1)! * 9) / 16) };
/** An uploaded picture smaller than the smallest thumbnail would only be blown up into a blur. */
export const MIN_UPLOAD_SIDE = { width: THUMBNAIL_WIDTHS_PX[0], height: Math.round((THUMBNAIL_WIDTHS_PX[0] * 9) / 16) };
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);
const NOT_AN_IMAGE = 'This file is not a picture we can read. Use a JPEG, PNG, WebP, GIF or AVIF picture.';

export interface ThumbnailSet {
  stem: string;
  widths: number[];
  files: FrameFile[];
}

/**
 * Judges an uploaded picture by its content (never its name or type) and returns it cropped to
 * 16:9 around its centre at 1280×720, EXIF orientation applied, as PNG without metadata (sharp
 * keeps none unless asked). Throws ImageRejected with a reason the creator can act on.
 */
export async function cropUploadedPicture(input: string | Buffer): Promise<Buffer> {
  let meta: sharp.Metadata;
  try {
    // The header only, so the pixel limit below can name the dimensions it refuses.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRejected(NOT_AN_IMAGE);
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format) || !meta.width || !meta.height) throw new ImageRejected(NOT_AN_IMAGE);
  if (meta.width * meta.height > MAX_INPUT_PIXELS) {
    throw new ImageRejected(`This picture is ${meta.width}×${meta.height} pixels; pictures up to ${MAX_INPUT_PIXELS / 1e6} megapixels are accepted.`);
  }
  const sideways = (meta.orientation ?? 1) >= 5;
  const [width, height] = sideways ? [meta.height, meta.width] : [meta.width, meta.height];
  if (width < MIN_UPLOAD_SIDE.width || height < MIN_UPLOAD_SIDE.height) {
    throw new ImageRejected(`This picture is ${width}×${height} pixels; use one at least ${MIN_UPLOAD_SIDE.width}×${MIN_UPLOAD_SIDE.height} (1280×720 looks best).`);
  }
  try {
    return await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize(LARGEST.width, LARGEST.height, { fit: 'cover', position: 'centre' })
      .png()
      .toBuffer();
  } catch {
    throw new ImageRejected('This picture is damaged and could not be read.');
  }
}

/**
 * Writes `picture` as a new thumbnail set of `publicId` (a new stem, so no cached copy of the
 * old set is ever shown for it): WebP and JPEG at every width. A frame is fitted into 16:9 on
 * black, as the pipeline does, so a portrait video's frame keeps its shape; an uploaded picture
 * is already 16:9. Nothing points at these files yet; when writing fails midway, those written
 * are removed before the error goes on.
 */
export async function storeThumbnailSet(storage: Storage, publicId: string, picture: string | Buffer, frameSeconds: number | null): Promise<ThumbnailSet> {
  const stem = fileStamp();
  const files: FrameFile[] = [];
  try {
    for (const width of THUMBNAIL_WIDTHS_PX) {
      const height = Math.round((width * 9) / 16);
      const resized = sharp(picture, { limitInputPixels: MAX_INPUT_PIXELS }).resize(width, height, { fit: 'contain', background: '#000000' });
      for (const format of ['webp', 'jpg'] as const) {
        const bytes = format === 'webp' ? await resized.clone().webp({ quality: 80 }).toBuffer() : await resized.clone().jpeg({ quality: 82, mozjpeg: true }).toBuffer();
        const name = thumbnailName(stem, width, format);
        const storageKey = videoFileKey(publicId, name);
        await storage.put(storageKey, bytes);
        files.push({ kind: 'thumbnail', name, storageKey, mimeType: format === 'webp' ? 'image/webp' : 'image/jpeg', width, height, bytes: bytes.length, frameSeconds });
      }
    }
  } catch (err) {
    await removeVideoFiles(storage, publicId, files.map((f) => f.storageKey));
    throw err;
  }
  return { stem, widths: [...THUMBNAIL_WIDTHS_PX], files };
}

/** Stores the candidate frames as 1280×720 JPEGs (fitted on black), to be recorded by the caller. */
export async function storeCandidates(storage: Storage, publicId: string, frames: CandidateFrame[]): Promise<FrameFile[]> {
  const stamp = fileStamp();
  const files: FrameFile[] = [];
  try {
    for (const [index, frame] of frames.entries()) {
      const bytes = await sharp(frame.file).resize(LARGEST.width, LARGEST.height, { fit: 'contain', background: '#000000' }).jpeg({ quality: 88, mozjpeg: true }).toBuffer();
      const name = candidateName(stamp, index);
      const storageKey = videoFileKey(publicId, name);
      await storage.put(storageKey, bytes);
      files.push({ kind: 'candidate', name, storageKey, mimeType: 'image/jpeg', width: LARGEST.width, height: LARGEST.height, bytes: bytes.length, frameSeconds: frame.seconds });
    }
  } catch (err) {
    await removeVideoFiles(storage, publicId, files.map((f) => f.storageKey));
    throw err;
  }
  return files;
}

/**
 * Removes files of `publicId` by storage key, only those under the video's own directory: seeded
 * videos (src/db/seed.ts) record the fixture video's keys as theirs, and changing the thumbnail of
 * one of them must not delete the fixture's files.
 */
export async function removeVideoFiles(storage: Storage, publicId: string, keys: string[]): Promise<void> {
  const own = `${videoDir(publicId)}/`;
  for (const key of keys) if (key.startsWith(own)) await storage.remove(key);
}
