import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Where media bytes live, by key ("avatars/<id>/48.webp"). Small on purpose, so that an
 * S3-compatible store can implement the same interface.
 */
export interface Storage {
  put(key: string, data: Buffer): Promise<void>;
  /** Moves a finished local file into the store under `key` (the source is gone afterwards). */
  putFile(key: string, sourcePath: string): Promise<void>;
  /** The file behind `key` on this machine's disk, for serving with Range; null for remote stores. */
  localPath(key: string): string | null;
  remove(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix` + "/". */
  removeDirectory(prefix: string): Promise<void>;
  url(key: string): string;
}

// Keys are made by the server (random ids and fixed names), never from user input; this check
// makes sure a bug cannot turn one into a path outside the media root.
const KEY_PATTERN = /^[a-z0-9_-]+(\/[a-zA-Z0-9_-]+)*(\.[a-z0-9]+)?$/;

export function assertKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`Invalid storage key: ${key}`);
}

export class LocalStorage implements Storage {
  constructor(
    readonly root: string,
    private readonly urlPrefix = '/media',
  ) {}

  private pathOf(key: string): string {
    assertKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  /** Written to a temporary name and renamed, so a reader never sees half a file. */
  async put(key: string, data: Buffer): Promise<void> {
    const target = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${crypto.randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.promises.writeFile(temp, data, { flag: 'wx' });
      await fs.promises.rename(temp, target);
    } catch (err) {
      await fs.promises.rm(temp, { force: true });
      throw err;
    }
  }

  async putFile(key: string, sourcePath: string): Promise<void> {
    const target = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.promises.rename(sourcePath, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      // Another file system: copy under a temporary name, then rename into place.
      const temp = `${target}.${crypto.randomBytes(6).toString('hex')}.tmp`;
      try {
        await fs.promises.copyFile(sourcePath, temp);
        await fs.promises.rename(temp, target);
      } finally {
        await fs.promises.rm(temp, { force: true });
      }
      await fs.promises.rm(sourcePath, { force: true });
    }
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async removeDirectory(prefix: string): Promise<void> {
    await fs.promises.rm(this.pathOf(prefix), { recursive: true, force: true });
  }

  url(key: string): string {
    assertKey(key);
    return `${this.urlPrefix}/${key}`;
  }
}
