import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { compress, isCompressible, preferredEncoding, type Encoding } from './compression.js';

/**
 * The files of public/, served at /static from memory under names that carry a hash of their
 * content (`css/site.3f2a1b9c.css`), each already compressed with brotli and gzip.
 *
 * The manifest is made when the site starts, in memory rather than in a build step or a
 * cache directory: public/ is about 40 KB, hashing and compressing all of it at the highest
 * levels takes about 0.1 s of CPU once per process (measured), and nothing on disk can go
 * stale or needs a step after a fresh clone. Templates ask for a file's address with `asset('css/site.css')`.
 *
 * - The current hash: cached for a year as immutable; a new version has a new address.
 * - Another hash (a page rendered before a new release, still open or kept by a browser): the
 *   current file, `no-cache`, so it is never kept under an address that names other bytes,
 *   and an old page gets today's styles and scripts rather than none.
 * - No hash (`/static/css/site.css`, as bookmarks, feed readers and /favicon.ico ask): the
 *   current file, kept for an hour.
 * Relative references inside files (an ES module's import, a url() in CSS) would reach the
 * unhashed names and still work (kept an hour): player.js and embed-view.js import view-report.js so.
 */
export interface Assets {
  /** The hashed address of a file of public/ (`css/site.css` → `/static/css/site.3f2a1b9c.css`); throws for a missing file. */
  url(name: string): string;
  /** Serves /static/*; mounted at /static. */
  serve(req: Request, res: Response, next: NextFunction): void;
}

const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const UNHASHED_CACHE = 'public, max-age=3600';
const STALE_HASH_CACHE = 'no-cache';
const HASH_CHARS = 8;
/** `css/site.3f2a1b9c.css`: the name, the hash, the extension. */
const HASHED = new RegExp(`^(.+)\\.([0-9a-f]{${HASH_CHARS}})(\\.[^./]+)$`);
/** How often development mode looks for edited files, at most. */
const RESCAN_MS = 1000;

/** The types of what public/ holds; another kind of file stops the start with its name. */
const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.woff2': 'font/woff2',
};

interface Asset {
  hash: string;
  url: string;
  contentType: string;
  mtimeMs: number;
  size: number;
  identity: Buffer;
  /** The codings that make it smaller, brotli first; none for images and fonts. */
  codings: Encoding[];
  compressed: Partial<Record<Encoding, Buffer>>;
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, `${prefix}${e.name}/`) : e.isFile() ? [`${prefix}${e.name}`] : []));
}

function hashedName(name: string, hash: string): string {
  const ext = path.posix.extname(name);
  return `${name.slice(0, name.length - ext.length)}.${hash}${ext}`;
}

/** A file with its compressed forms; an unchanged file is taken from `previous`. */
function loadAsset(dir: string, name: string, previous: Asset | undefined): Asset {
  const file = path.join(dir, name);
  const stat = fs.statSync(file);
  if (previous && previous.mtimeMs === stat.mtimeMs && previous.size === stat.size) return previous;
  const contentType = CONTENT_TYPES[path.extname(name).toLowerCase()];
  if (!contentType) throw new Error(`public/${name}: no Content-Type for this kind of file; add it to CONTENT_TYPES in src/http/assets.ts`);
  const identity = fs.readFileSync(file);
  const hash = crypto.createHash('sha256').update(identity).digest('hex').slice(0, HASH_CHARS);
  const compressed: Asset['compressed'] = {};
  // Even a 200-byte icon: made once, a few dozen bytes saved cost nothing per request.
  if (isCompressible(contentType)) {
    for (const coding of ['br', 'gzip'] as const) {
      const body = compress(identity, coding, 'static');
      if (body.length < identity.length) compressed[coding] = body;
    }
  }
  const codings = (['br', 'gzip'] as const).filter((coding) => compressed[coding]);
  return { hash, url: `/static/${hashedName(name, hash)}`, contentType, mtimeMs: stat.mtimeMs, size: stat.size, identity, codings, compressed };
}

function loadManifest(dir: string, previous: Map<string, Asset>): Map<string, Asset> {
  return new Map(listFiles(dir).map((name) => [name, loadAsset(dir, name, previous.get(name))]));
}

// One manifest per directory and process: every app made in a process (tests make many) shares it.
const loaded = new Map<string, Map<string, Asset>>();

/**
 * `rescan` (development): edited, added and removed files are picked up within a second,
 * without a restart. Otherwise the files are read once.
 */
export function createAssets(dir: string, options: { rescan: boolean }): Assets {
  let manifest = (!options.rescan && loaded.get(dir)) || loadManifest(dir, new Map());
  if (!options.rescan) loaded.set(dir, manifest);
  let scanned = Date.now();
  const current = (): Map<string, Asset> => {
    if (options.rescan && Date.now() - scanned > RESCAN_MS) {
      manifest = loadManifest(dir, manifest);
      scanned = Date.now();
    }
    return manifest;
  };

  return {
    url(name) {
      const asset = current().get(name);
      if (!asset) throw new Error(`No file public/${name} for asset('${name}')`);
      return asset.url;
    },
    serve(req, res, next) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const requested = req.path.slice(1);
      const files = current();
      const match = HASHED.exec(requested);
      const name = files.has(requested) || !match ? requested : `${match[1]}${match[3]}`;
      const asset = files.get(name);
      if (!asset) return next();
      const cache = name === requested ? UNHASHED_CACHE : match![2] === asset.hash ? IMMUTABLE_CACHE : STALE_HASH_CACHE;
      sendAsset(req, res, asset, cache);
    },
  };
}

function sendAsset(req: Request, res: Response, asset: Asset, cacheControl: string): void {
  const encoding = asset.codings.length > 0 ? preferredEncoding(req.headers['accept-encoding'], asset.codings) : null;
  const body = encoding ? asset.compressed[encoding]! : asset.identity;
  res.setHeader('Content-Type', asset.contentType);
  if (asset.codings.length > 0) res.vary('Accept-Encoding');
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Cache-Control', cacheControl);
  // A strong validator per coding: their bytes differ.
  res.setHeader('ETag', `"${asset.hash}${encoding ? `-${encoding}` : ''}"`);
  if (req.fresh) return void res.status(304).end();
  res.setHeader('Content-Length', body.length);
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}
