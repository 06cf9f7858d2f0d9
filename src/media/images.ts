import crypto from 'node:crypto';
import sharp from 'sharp';
import { avatarKeyOf } from './keys.js';
import type { Storage } from './storage.js';

/** The square sizes pages show avatars at (and twice that for dense screens). */
export const AVATAR_SIZES_PX = [48, 96, 176, 352] as const;
export type AvatarSize = (typeof AVATAR_SIZES_PX)[number];

/** Refused before decoding: a 30000×30000 PNG of a few kilobytes would need gigabytes. */
export const MAX_INPUT_PIXELS = 40_000_000;

const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);

/** An image a person sent that we will not use, with a reason they can act on. */
export class ImageRejected extends Error {}

/**
 * Judges `input` by its content (never its name or type), then writes it cropped square at
 * every avatar size as WebP under `avatars/<key>/`. EXIF orientation is applied first and
 * all metadata (location, camera) is dropped. Throws ImageRejected for anything not usable.
 */
export async function storeAvatar(storage: Storage, input: string | Buffer, avatarKey: string): Promise<void> {
  let meta: sharp.Metadata;
  try {
    // Reads the header only, so the size check below can name the dimensions it refuses.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRejected('This file is not an image we can read. Use a JPEG, PNG, WebP, GIF or AVIF picture.');
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format) || !meta.width || !meta.height) {
    throw new ImageRejected('This file is not an image we can read. Use a JPEG, PNG, WebP, GIF or AVIF picture.');
  }
  if (meta.width * meta.height > MAX_INPUT_PIXELS) {
    throw new ImageRejected(`This picture is ${meta.width}×${meta.height} pixels; pictures up to 40 megapixels are accepted.`);
  }
  let largest: Buffer;
  try {
    // Decode once at the largest size; the smaller ones are made from that.
    largest = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize(AVATAR_SIZES_PX.at(-1), AVATAR_SIZES_PX.at(-1), { fit: 'cover', position: 'attention' })
      .png()
      .toBuffer();
  } catch {
    throw new ImageRejected('This picture is damaged and could not be read.');
  }
  await writeSizes(storage, largest, avatarKey);
}

async function writeSizes(storage: Storage, square: Buffer, avatarKey: string): Promise<void> {
  for (const size of AVATAR_SIZES_PX) {
    const webp = await sharp(square).resize(size, size).webp({ quality: 82 }).toBuffer();
    await storage.put(avatarKeyOf(avatarKey, size), webp);
  }
}

const IDENTICON_CELLS = 5;

/**
 * A default avatar that differs per handle: a symmetric 5×5 pattern and its colour taken
 * from a hash of the handle (GitHub-style identicon). No text, so no fonts are needed.
 */
export function identiconSvg(handle: string): string {
  const digest = crypto.createHash('sha256').update(handle.toLowerCase()).digest();
  const hue = digest.readUInt16BE(0) % 360;
  const saturation = 45 + (digest[2]! % 30);
  const foreground = `hsl(${hue}, ${saturation}%, 45%)`;
  const background = `hsl(${hue}, 30%, 92%)`;
  const size = AVATAR_SIZES_PX.at(-1)!;
  const cell = size / (IDENTICON_CELLS + 1);
  const squares: string[] = [];
  for (let row = 0; row < IDENTICON_CELLS; row++) {
    for (let col = 0; col < Math.ceil(IDENTICON_CELLS / 2); col++) {
      if ((digest[3 + row * 3 + col]! & 1) === 0) continue;
      for (const c of new Set([col, IDENTICON_CELLS - 1 - col])) {
        squares.push(`<rect x="${cell / 2 + c * cell}" y="${cell / 2 + row * cell}" width="${cell}" height="${cell}"/>`);
      }
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">` +
    `<rect width="${size}" height="${size}" fill="${background}"/><g fill="${foreground}">${squares.join('')}</g></svg>`;
}

export async function storeDefaultAvatar(storage: Storage, handle: string, avatarKey: string): Promise<void> {
  const square = await sharp(Buffer.from(identiconSvg(handle))).png().toBuffer();
  await writeSizes(storage, square, avatarKey);
}
