import crypto from 'node:crypto';

/**
 * The secret of a video's deletion address (/delete/:id/:key, issue 15): 32 random bytes in
 * base64url, shown once in the upload's answer and kept as its SHA-256 (video_deletion_keys).
 */
const KEY_BYTES = 32;
export const DELETION_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newDeletionKey(): { key: string; hash: Buffer } {
  const key = crypto.randomBytes(KEY_BYTES).toString('base64url');
  return { key, hash: hashDeletionKey(key) };
}

/** SHA-256: the key is 256 random bits, so a slow hash would gain nothing. */
export function hashDeletionKey(key: string): Buffer {
  return crypto.createHash('sha256').update(key).digest();
}

/** The deletion address of a video, absolute. */
export function deletionUrl(publicUrl: URL | string, publicId: string, key: string): string {
  return new URL(`/delete/${publicId}/${key}`, publicUrl).href;
}
