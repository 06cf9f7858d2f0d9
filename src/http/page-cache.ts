import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * A short-lived cache of whole public pages for signed-out visitors (micro-caching).
 *
 * A signed-out visitor's home, watch, channel and search pages are the same for everyone, so
 * when a video is shared widely the same HTML would be rendered from the same queries hundreds
 * of times a second. Here a page is rendered once and served as bytes for `seconds`, before
 * sessions and the database are touched. Only routes marked `cacheable` in the route table are
 * kept, only 200 answers without a cookie, and only for requests that carry no session cookie:
 * anyone signed in always gets a fresh page. Concurrent misses for one page wait for the
 * first render instead of each running the same queries.
 *
 * Staleness: counters may lag by up to `seconds`. Any change made through this process by a
 * signed-in account (a video made private, deleted, edited, a channel renamed) empties the cache
 * at once; changes from elsewhere (the worker, another web process) show within `seconds`.
 */
export interface PageCache {
  /** Serves hits and records misses; mounted before sessions. */
  middleware: RequestHandler;
  /** Marks a route whose 200 answers to signed-out visitors may be kept. */
  cacheable: RequestHandler;
  /** Marks a write that changes only counters (a view), so it need not empty the cache. */
  countersOnly(res: Response): void;
  clear(): void;
  readonly size: number;
}

interface Entry {
  stored: number;
  expires: number;
  headers: [string, string | number | string[]][];
  body: Buffer;
}

// Replayed from the first answer, except what belongs to each response.
const NOT_REPLAYED = new Set(['set-cookie', 'date', 'x-request-id', 'content-length', 'connection', 'keep-alive']);

export function createPageCache(options: { seconds: number; maxBytes: number; sessionCookie: string; now?: () => number }): PageCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Promise<void>>();
  const cookiePattern = new RegExp(`(^|;\\s*)${options.sessionCookie.replace(/[^\w]/g, '\\$&')}=`);
  let bytes = 0;
  let generation = 0;

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    bytes -= entry.body.length;
    entries.delete(key);
  }

  function store(key: string, entry: Entry): void {
    if (entry.body.length > options.maxBytes / 8) return;
    remove(key);
    entries.set(key, entry);
    bytes += entry.body.length;
    // A Map iterates in insertion order: the first keys are the oldest.
    for (const oldest of entries.keys()) {
      if (bytes <= options.maxBytes) break;
      remove(oldest);
    }
  }

  function fresh(entry: Entry | undefined): entry is Entry {
    return entry !== undefined && entry.expires > now();
  }

  function serve(req: Request, res: Response, entry: Entry): void {
    // Exactly the first answer's headers: the embed player, for one, removes X-Frame-Options.
    for (const name of res.getHeaderNames()) if (!NOT_REPLAYED.has(name)) res.removeHeader(name);
    for (const [name, value] of entry.headers) res.setHeader(name, value);
    res.setHeader('Age', String(Math.floor((now() - entry.stored) / 1000)));
    const etag = res.getHeader('etag');
    if (etag && req.headers['if-none-match'] === etag) return void res.status(304).end();
    res.setHeader('Content-Length', entry.body.length);
    res.status(200).end(req.method === 'HEAD' ? undefined : entry.body);
  }

  function record(res: Response, key: string): void {
    const startedIn = generation;
    const send = res.send;
    res.send = function sendAndKeep(this: Response, body?: unknown) {
      const keep = res.locals.pageCacheable === true && res.statusCode === 200 && (typeof body === 'string' || Buffer.isBuffer(body));
      const result = send.call(this, body);
      // A page rendered from data read before the cache was emptied is not kept.
      if (keep && startedIn === generation && !res.getHeader('set-cookie')) {
        const headers = Object.entries(res.getHeaders()).filter(([name]) => !NOT_REPLAYED.has(name)) as Entry['headers'];
        const stored = now();
        store(key, { stored, expires: stored + options.seconds * 1000, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body as string) });
      }
      return result;
    } as Response['send'];
  }

  const middleware: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // A successful change by an account may alter any public page: start again.
      res.once('finish', () => {
        if (res.statusCode < 400 && req.viewer && !res.locals.pageCacheCountersOnly) clear();
      });
      return next();
    }
    if (options.seconds <= 0 || cookiePattern.test(req.headers.cookie ?? '')) return next();
    const key = req.originalUrl;
    const entry = entries.get(key);
    if (fresh(entry)) return serve(req, res, entry);
    // Only a page kept before (now expired) is known to be cacheable; concurrent requests for it
    // wait for one render. Others (a video download, a form) never wait for one another.
    if (!entry) {
      record(res, key);
      return next();
    }
    const waiting = pending.get(key);
    if (waiting) {
      void waiting.then(() => {
        const renewed = entries.get(key);
        if (fresh(renewed)) return serve(req, res, renewed);
        record(res, key);
        next();
      });
      return;
    }
    let done!: () => void;
    const rendering = new Promise<void>((resolve) => (done = resolve));
    pending.set(key, rendering);
    const settle = () => {
      if (pending.get(key) === rendering) pending.delete(key);
      done();
    };
    res.once('finish', settle);
    res.once('close', settle);
    record(res, key);
    next();
  };

  function clear(): void {
    generation += 1;
    entries.clear();
    bytes = 0;
  }

  return {
    middleware,
    cacheable(_req, res, next) {
      res.locals.pageCacheable = true;
      next();
    },
    countersOnly(res) {
      res.locals.pageCacheCountersOnly = true;
    },
    clear,
    get size() {
      return entries.size;
    },
  };
}
