/**
 * npx tsx scripts/bench-compression.ts [page.html | http://host/page …]
 * CPU per compression of a page at each gzip level and brotli quality, and the size it makes:
 * the figures behind the levels src/http/compression.ts uses for pages (made on every render)
 * and for static files (made once at start). Without arguments: the files in public/.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { PUBLIC_DIR } from '../src/paths.js';

const ROUNDS_MS = 400;

const codecs: [string, (b: Buffer) => Buffer][] = [
  ...[1, 3, 4, 6, 9].map((level) => [`gzip ${level}`, (b: Buffer) => zlib.gzipSync(b, { level })] as [string, (b: Buffer) => Buffer]),
  ...[1, 2, 3, 4, 5, 6, 9, 11].map((quality) => [`br ${quality}`, (b: Buffer) => zlib.brotliCompressSync(b, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length },
  })] as [string, (b: Buffer) => Buffer]),
];

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

async function load(source: string): Promise<Buffer> {
  if (/^https?:/.test(source)) return Buffer.from(await (await fetch(source, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
  return fs.readFileSync(source);
}

/** CPU milliseconds (user + system) per call, over about ROUNDS_MS of repeated calls. */
function cpuPerCall(compress: (b: Buffer) => Buffer, body: Buffer): number {
  compress(body);
  let calls = 0;
  const start = process.cpuUsage();
  const until = performance.now() + ROUNDS_MS;
  while (performance.now() < until) {
    compress(body);
    calls += 1;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / calls;
}

const sources = process.argv.slice(2);
const bodies = sources.length > 0 ? await Promise.all(sources.map(load)) : listFiles(PUBLIC_DIR).map((f) => fs.readFileSync(f));
const total = bodies.reduce((sum, b) => sum + b.length, 0);
console.log(`${bodies.length} bodies, ${(total / 1024).toFixed(1)} KiB in all${sources.length ? '' : ' (public/)'}\n`);
console.log('| codec | CPU ms (all bodies) | bytes | ratio |');
console.log('|---|---|---|---|');
for (const [name, compress] of codecs) {
  const ms = bodies.reduce((sum, b) => sum + cpuPerCall(compress, b), 0);
  const bytes = bodies.reduce((sum, b) => sum + compress(b).length, 0);
  console.log(`| ${name} | ${ms.toFixed(3)} | ${bytes} | ${(bytes / total).toFixed(3)} |`);
}
