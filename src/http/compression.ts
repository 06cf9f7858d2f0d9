import zlib from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';

/**
 * Compression of text answers (pages, CSS, JS, SVG, JSON, XML), negotiated by Accept-Encoding.
 *
 * Two efforts, from `npx tsx scripts/bench-compression.ts` (README, "What the browser gets"):
 * - `page`, for bodies made per request: brotli quality 1 or gzip level 3. A 30 KB page takes
 *   about 0.06–0.09 ms of CPU either way and becomes 3–4 KB; brotli 5 or gzip 6 take 2–4 times
 *   as long to save a few hundred bytes, and a page of 3 or 4 KB is sent in the first round
 *   trip (a TCP connection's first window is about 14 KB) either way.
 * - `static`, for files in public/, compressed once when the site starts (http/assets.ts):
 *   brotli 11 and gzip 9, the smallest; about 0.1 s of CPU for all of public/.
 */
export type Encoding = 'br' | 'gzip';
export type Effort = 'page' | 'static';

/** Below this, the saving is smaller than the cost of the headers and a compressor's setup. */
export const MIN_COMPRESSED_BYTES = 1024;

const COMPRESSIBLE = /^(text\/|image\/svg\+xml|application\/([\w.+-]+\+)?(json|xml|javascript)\b)/i;

const LEVELS: Record<Effort, { br: number; gzip: number }> = {
  page: { br: 1, gzip: 3 },
  static: { br: zlib.constants.BROTLI_MAX_QUALITY, gzip: zlib.constants.Z_BEST_COMPRESSION },
};

export const isCompressible = (contentType: unknown): boolean => typeof contentType === 'string' && COMPRESSIBLE.test(contentType);

export function compress(body: Buffer, encoding: Encoding, effort: Effort): Buffer {
  if (encoding === 'gzip') return zlib.gzipSync(body, { level: LEVELS[effort].gzip });
  return zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: LEVELS[effort].br,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/**
 * The coding the client prefers among those `offered` (RFC 9110 12.5.3: q-values, `*`, q=0
 * refuses), the first offered on a tie (brotli, as it is smaller); null for identity.
 */
export function preferredEncoding(acceptEncoding: string | undefined, offered: readonly Encoding[] = ['br', 'gzip']): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    if (name) q.set(name, Number.isFinite(value) ? value : 0);
  }
  let best: Encoding | null = null;
  let bestQ = 0;
  for (const coding of offered) {
    const value = q.get(coding) ?? q.get('*') ?? 0;
    if (value > bestQ) [best, bestQ] = [coding, value];
  }
  return best;
}

/**
 * The coding for this answer, or null to send it as it is. An answer of a compressible type
 * always says `Vary: Accept-Encoding`, compressed or not, so a shared cache keeps one copy per
 * coding. HEAD answers are not compressed (nothing is sent to compress).
 */
export function negotiateEncoding(req: Request, res: Response, bytes: number): Encoding | null {
  if (!isCompressible(res.getHeader('Content-Type'))) return null;
  res.vary('Accept-Encoding');
  if (req.method === 'HEAD' || bytes < MIN_COMPRESSED_BYTES || res.hasHeader('Content-Encoding')) return null;
  if (/\bno-transform\b/.test(String(res.getHeader('Cache-Control') ?? ''))) return null;
  return preferredEncoding(req.headers['accept-encoding']);
}

const madeFor = new WeakMap<Response, { encoding: Encoding; body: Buffer }>();

/** The compressed body compressResponses sent for this response, so the page cache can keep it. */
export const compressedBodyOf = (res: Response) => madeFor.get(res);

/**
 * Compresses answers sent whole with res.send (res.render, res.json, error pages): the body is
 * compressed as res.send ends the response. Streamed answers (media files) and redirects do
 * not go through res.send and pass as they are; answers that already carry a Content-Encoding
 * (kept pages, static files) too.
 *
 * The compressing end is put in front of res.end only while res.send runs, so it comes first
 * whatever wrapped res.end after this middleware: express-session's end sends the headers and
 * most of the body itself before it saves or touches a session (every signed-in page), and a
 * body must be compressed before that.
 */
export function compressResponses(req: Request, res: Response, next: NextFunction): void {
  const send = res.send;
  res.send = function sendCompressed(this: Response, body?: unknown) {
    const end = this.end;
    this.end = compressingEnd(req, this, end);
    try {
      return send.call(this, body);
    } finally {
      this.end = end;
    }
  } as Response['send'];
  next();
}

function compressingEnd(req: Request, res: Response, end: Response['end']): Response['end'] {
  return function endCompressed(this: Response, chunk?: unknown, encodingOrDone?: unknown, done?: unknown) {
    const textEncoding = typeof encodingOrDone === 'string' ? (encodingOrDone as BufferEncoding) : 'utf8';
    const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk, textEncoding) : Buffer.isBuffer(chunk) ? chunk.length : 0;
    const hasBody = res.statusCode >= 200 && res.statusCode !== 204 && res.statusCode !== 304;
    // Asked even without a body (HEAD), for the Vary header.
    const encoding = res.headersSent ? null : negotiateEncoding(req, res, hasBody ? bytes : 0);
    if (!encoding) return end.call(this, chunk as never, encodingOrDone as never, done as never);
    const body = typeof chunk === 'string' ? Buffer.from(chunk, textEncoding) : (chunk as Buffer);
    const compressed = compress(body, encoding, 'page');
    madeFor.set(res, { encoding, body: compressed });
    res.setHeader('Content-Encoding', encoding);
    res.setHeader('Content-Length', compressed.length);
    // One validator for every coding of the same page, as a weak one may be (RFC 9110 8.8.1).
    const etag = res.getHeader('ETag');
    if (typeof etag === 'string' && !etag.startsWith('W/')) res.setHeader('ETag', `W/${etag}`);
    return end.call(this, compressed, (typeof encodingOrDone === 'function' ? encodingOrDone : done) as never);
  } as Response['end'];
}
