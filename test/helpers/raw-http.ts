import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import type { Express } from 'express';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as sent, still compressed. */
  body: Buffer;
}

/**
 * A request over a real socket whose answer is read as sent: supertest decompresses bodies
 * and hides what the wire carried. Sends no Accept-Encoding unless `headers` has one.
 */
export async function rawRequest(app: Express, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<RawResponse>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.close();
  }
}

/** The body with its Content-Encoding undone. */
export function decoded(res: RawResponse): Buffer {
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return zlib.brotliDecompressSync(res.body);
  if (encoding === 'gzip') return zlib.gunzipSync(res.body);
  if (encoding) throw new Error(`unexpected Content-Encoding ${encoding}`);
  return res.body;
}

/** Counts calls to zlib's one-shot compressors while `work` runs: what a response cost in compression. */
export async function countCompressions(work: () => Promise<unknown>): Promise<{ br: number; gzip: number }> {
  const counts = { br: 0, gzip: 0 };
  const { brotliCompressSync, gzipSync } = zlib;
  zlib.brotliCompressSync = ((...args: Parameters<typeof brotliCompressSync>) => ((counts.br += 1), brotliCompressSync(...args))) as typeof brotliCompressSync;
  zlib.gzipSync = ((...args: Parameters<typeof gzipSync>) => ((counts.gzip += 1), gzipSync(...args))) as typeof gzipSync;
  try {
    await work();
  } finally {
    zlib.brotliCompressSync = brotliCompressSync;
    zlib.gzipSync = gzipSync;
  }
  return counts;
}
