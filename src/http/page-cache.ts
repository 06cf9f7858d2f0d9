import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { compress, compressedBodyOf, negotiateEncoding, type Encoding } from './compression.js';

/**
 * A short-lived cache of whole public pages for signed-out visitors (micro-caching).
 *
 * A signed-out visitor's home, watch, channel and search pages are the same for everyone, so
 * when a video is shared widely the same HTML would be rendered from the same queries hundreds
 * of times a second. Here a page is rendered once and served as bytes for `seconds`, before
 * sessions and the database are touched. Only routes marked `cacheable` in the route table are
 * kept, only 200 answers that set no cookie, and only for requests that carry no session
 * cookie: anyone signed in always gets a fresh page. Concurrent requests for a page being
 * rendered again wait for that render instead of each running the same queries.
 *
 * A page is kept as sent and in each coding asked for (brotli, gzip), each made once: a hit
 * costs no compression.
 *
 * Staleness: counters may lag by up to `seconds`. Any other change made through this process
 * by a signed-in account (a video made private, deleted, edited, a channel renamed) makes every
 * kept page stale at once; changes from elsewhere (the worker, another web process) show within
 * `seconds`.
 */
export interface PageCache {
  /** Serves hits and records misses; mounted before sessions. */
  middleware: RequestHandler;
  /** Marks a route whose 200 answers to signed-out visitors may be kept. */
  cacheable: RequestHandler;
  /** Marks a write that changes nothing a signed-out visitor sees but counters (a view, a like), so it keeps the pages. */
  keepsPages: RequestHandler;
  /** Makes every kept page stale, as told by another process (see db/page-events.ts). */
  markStale(): void;
}

interface Entry {
  key: string;
  stored: number;
  expires: number;
  generation: number;
  headers: [string, string | number | string[]][];
  body: Buffer;
  /** The body compressed, per coding, as first asked for. */
  encoded: Partial<Record<Encoding, Buffer>>;
  /** What the entry holds in memory: bodies, key and headers. */
  bytes: number;
}

// Replayed from the first answer, except what belongs to each response (the coding is negotiated per request).
const NOT_REPLAYED = new Set(['set-cookie', 'date', 'x-request-id', 'content-length', 'content-encoding', 'connection', 'keep-alive']);
/** Longer addresses (padding in a query string, say) are rendered every time rather than kept. */
const MAX_KEY_CHARS = 1024;
const MAX_ENTRIES = 10_000;
/** A request waiting for another's render goes on by itself after this long. */
const MAX_WAIT_MS = 5_000;

/** `onStale` hears of every change this process makes, so other processes can drop their pages too. */
export function createPageCache(options: { seconds: number; maxBytes: number; sessionCookie: string; onStale?: () => void }): PageCache {
  const now = Date.now;
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Promise<void>>();
  // As the cookie parser reads a header: spaces around names are allowed.
  const cookiePattern = new RegExp(`(^|;)\\s*${options.sessionCookie.replace(/[^\w]/g, '\\$&')}\\s*=`);
  let bytes = 0;
  let generation = 0;

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    bytes -= entry.bytes;
    entries.delete(key);
  }

  function store(key: string, entry: Entry): void {
    remove(key);
    if (entry.bytes > options.maxBytes / 8) return;
    entries.set(key, entry);
    bytes += entry.bytes;
    trim();
  }

  function trim(): void {
    // A Map iterates in insertion order: the first keys are the oldest.
    for (const oldest of entries.keys()) {
      if (bytes <= options.maxBytes && entries.size <= MAX_ENTRIES) break;
      remove(oldest);
    }
  }

  /** The body in `encoding`, compressed the first time a client asks for that coding. */
  function encodedBody(entry: Entry, encoding: Encoding): Buffer {
    const kept = entry.encoded[encoding];
    if (kept) return kept;
    const made = compress(entry.body, encoding, 'page');
    entry.encoded[encoding] = made;
    entry.bytes += made.length;
    if (entries.get(entry.key) === entry) {
      bytes += made.length;
      trim();
    }
    return made;
  }

  function fresh(entry: Entry | undefined): entry is Entry {
    return entry !== undefined && entry.expires > now() && entry.generation === generation;
  }

  function serve(req: Request, res: Response, entry: Entry): void {
    // Exactly the first answer's headers: the embed player, for one, removes X-Frame-Options.
    for (const name of res.getHeaderNames()) if (!NOT_REPLAYED.has(name)) res.removeHeader(name);
    for (const [name, value] of entry.headers) res.setHeader(name, value);
    res.setHeader('Age', String(Math.floor((now() - entry.stored) / 1000)));
    const etag = res.getHeader('etag');
    if (etag && req.headers['if-none-match'] === etag) return void res.status(304).end();
    const encoding = negotiateEncoding(req, res, entry.body.length);
    const body = encoding ? encodedBody(entry, encoding) : entry.body;
    if (encoding) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', body.length);
    res.status(200).end(req.method === 'HEAD' ? undefined : body);
  }

  /** Wraps res.send to keep what the route sends; `rendered` is called once it has been sent. */
  function record(req: Request, res: Response, key: string, rendered: () => void = () => {}): void {
    const startedIn = generation;
    const send = res.send;
    res.send = function sendAndKeep(this: Response, body?: unknown) {
      const result = send.call(this, body);
      // Checked after sending: Express turns a 200 into a 304 for a browser that has the page.
      const keep = res.locals.pageCacheable === true && res.statusCode === 200 && !req.viewer
        && (typeof body === 'string' || Buffer.isBuffer(body)) && !res.getHeader('set-cookie')
        // A page rendered from data read before the pages were made stale is not kept.
        && startedIn === generation;
      if (keep) {
        const headers = Object.entries(res.getHeaders()).filter(([name]) => !NOT_REPLAYED.has(name)) as Entry['headers'];
        const stored = now();
        const kept = Buffer.isBuffer(body) ? body : Buffer.from(body as string);
        // What compressResponses made for this answer, kept so that no hit has to make it again.
        const sent = compressedBodyOf(res);
        const encoded = sent ? { [sent.encoding]: sent.body } : {};
        const size = kept.length + (sent?.body.length ?? 0) + key.length + headers.reduce((sum, [name, value]) => sum + name.length + String(value).length, 0);
        store(key, { key, stored, expires: stored + options.seconds * 1000, generation, headers, body: kept, encoded, bytes: size });
      } else if (res.statusCode !== 304) {
        // No longer a page to keep (gone, moved, an error): later requests need not wait for it.
        remove(key);
      }
      rendered();
      return result;
    } as Response['send'];
  }

  const middleware: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // A successful change by an account may alter any public page: start again.
      res.once('finish', () => {
        if (res.statusCode < 400 && req.viewer && !res.locals.pageCacheKeep) {
          clear();
          options.onStale?.();
        }
      });
      return next();
    }
    if (options.seconds <= 0 || req.originalUrl.length > MAX_KEY_CHARS || cookiePattern.test(req.headers.cookie ?? '')) return next();
    const key = req.originalUrl;
    const entry = entries.get(key);
    if (fresh(entry)) return serve(req, res, entry);
    // Only a page kept before (now stale) is known to be cacheable; concurrent requests for it
    // wait for one render. Others (a video download, a form) never wait for one another.
    if (!entry) {
      record(req, res, key);
      return next();
    }
    const waiting = pending.get(key);
    if (waiting) {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, MAX_WAIT_MS).unref());
      void Promise.race([waiting, timeout]).then(() => {
        const renewed = entries.get(key);
        if (fresh(renewed)) return serve(req, res, renewed);
        record(req, res, key);
        next();
      }).catch(next);
      return;
    }
    let done!: () => void;
    const rendering = new Promise<void>((resolve) => (done = resolve));
    pending.set(key, rendering);
    const settle = () => {
      if (pending.get(key) === rendering) pending.delete(key);
      done();
    };
    // Released as soon as the page is sent (not when a slow client has read it), or at the end.
    res.once('finish', settle);
    res.once('close', settle);
    record(req, res, key, settle);
    next();
  };

  /** Makes every kept page stale. Entries stay, so the next requests for them still wait for one render. */
  function clear(): void {
    generation += 1;
  }

  return {
    middleware,
    cacheable(_req, res, next) {
      res.locals.pageCacheable = true;
      next();
    },
    keepsPages(_req, res, next) {
      res.locals.pageCacheKeep = true;
      next();
    },
    markStale: clear,
  };
}
