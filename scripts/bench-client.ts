/**
 * The mixed mode's client and its arithmetic: keep-alive connections sending a plan's requests,
 * each request's latency, status, size and page cache hit kept under its class, and the
 * summaries the tables are made of.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { MIX, type MixPlan, type Planned, type RequestClass } from './bench-mix.js';

export interface ClassStats {
  latencies: number[];
  /** Answers served from the page cache (they carry an Age header). */
  cacheHits: number;
  bytes: number;
  statuses: Map<number, number>;
  errors: number;
}

export interface MixResult {
  seconds: number;
  byClass: Map<RequestClass, ClassStats>;
}

/**
 * Sends the plan's requests to `base` for `seconds` over `connections` keep-alive connections,
 * each waiting for its answer before the next (as autocannon does), and records each request's
 * latency, status, size and cache hit under its class.
 */
export async function driveMix(base: string, plan: MixPlan, options: { seconds: number; connections: number; readTokens: boolean }): Promise<MixResult> {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const byClass = new Map<RequestClass, ClassStats>();
  const stats = (cls: RequestClass): ClassStats => {
    let found = byClass.get(cls);
    if (!found) byClass.set(cls, (found = { latencies: [], cacheHits: 0, bytes: 0, statuses: new Map(), errors: 0 }));
    return found;
  };

  function send(planned: Planned): Promise<{ status: number; age: boolean; bytes: number; body: string | null }> {
    const readBody = options.readTokens && planned.cls === 'watch';
    return new Promise((resolve, reject) => {
      // As a browser asks: compressed answers, when the site offers them, are what it sends.
      const headers: Record<string, string | number> = { 'Accept-Encoding': 'gzip, deflate, br', ...planned.headers };
      if (planned.body !== undefined) headers['Content-Length'] = Buffer.byteLength(planned.body);
      const req = http.request({ agent, host: url.hostname, port: url.port, method: planned.method, path: planned.path, headers }, (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (readBody) chunks.push(chunk);
        });
        res.on('end', () => {
          const body = readBody ? decode(Buffer.concat(chunks), res.headers['content-encoding']).toString() : null;
          resolve({ status: res.statusCode ?? 0, age: res.headers.age !== undefined, bytes, body });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(planned.body);
    });
  }

  const started = performance.now();
  const end = started + options.seconds * 1000;
  async function connection(): Promise<void> {
    while (performance.now() < end) {
      const planned = plan.next();
      const sent = performance.now();
      const entry = stats(planned.cls);
      try {
        const answer = await send(planned);
        entry.latencies.push(performance.now() - sent);
        entry.bytes += answer.bytes;
        if (answer.age) entry.cacheHits += 1;
        entry.statuses.set(answer.status, (entry.statuses.get(answer.status) ?? 0) + 1);
        if (answer.body !== null && answer.status === 200) plan.watched(planned, answer.body);
      } catch {
        entry.errors += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: options.connections }, connection));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { seconds, byClass };
}

/** A body as sent (`bytes` counts it so), opened only where the bench reads it (a view token). */
function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'br') return zlib.brotliDecompressSync(body);
  if (encoding === 'gzip') return zlib.gunzipSync(body);
  if (encoding === 'deflate') return zlib.inflateSync(body);
  return body;
}

/** Two runs of the same mix as one. */
export function mergeResults(a: MixResult, b: MixResult): MixResult {
  const byClass = new Map<RequestClass, ClassStats>();
  for (const [cls, stats] of [...a.byClass, ...b.byClass]) {
    const into = byClass.get(cls);
    if (!into) {
      byClass.set(cls, { ...stats, latencies: [...stats.latencies], statuses: new Map(stats.statuses) });
      continue;
    }
    into.latencies.push(...stats.latencies);
    into.cacheHits += stats.cacheHits;
    into.bytes += stats.bytes;
    into.errors += stats.errors;
    for (const [status, n] of stats.statuses) into.statuses.set(status, (into.statuses.get(status) ?? 0) + n);
  }
  return { seconds: a.seconds + b.seconds, byClass };
}

/** The q-quantile of sorted latencies (nearest rank), in ms. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface Summary {
  label: string;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  cacheHits: number;
  bytes: number;
  statuses: Map<number, number>;
  non2xx: Map<number, number>;
  errors: number;
}

function summarize(label: string, seconds: number, parts: ClassStats[]): Summary {
  const latencies = parts.flatMap((p) => p.latencies).sort((a, b) => a - b);
  const statuses = new Map<number, number>();
  for (const part of parts) for (const [status, n] of part.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n);
  const non2xx = new Map([...statuses].filter(([status]) => status < 200 || status > 299));
  return {
    label,
    requests: latencies.length,
    perSecond: latencies.length / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    cacheHits: parts.reduce((sum, p) => sum + p.cacheHits, 0),
    bytes: parts.reduce((sum, p) => sum + p.bytes, 0),
    statuses,
    non2xx,
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
  };
}

/** One row per class in MIX's order, then the whole mix. */
export function summarizeMix(result: MixResult): { classes: Summary[]; total: Summary } {
  const classes = (Object.keys(MIX) as RequestClass[]).filter((cls) => result.byClass.has(cls)).map((cls) => summarize(cls, result.seconds, [result.byClass.get(cls)!]));
  return { classes, total: summarize('the whole mix', result.seconds, [...result.byClass.values()]) };
}

export function describeNon2xx(summary: Summary): string {
  const parts = [...summary.non2xx].map(([status, n]) => `${n}× ${status}`);
  if (summary.errors) parts.push(`${summary.errors} errors`);
  return parts.length ? parts.join(', ') : '0';
}
