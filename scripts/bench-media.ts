/**
 * npm run bench:media: the media pipeline's figures, each measured side by side with its bare
 * baseline in the same run. Prints a Markdown table (the README keeps the latest).
 *   (a) pipeline wall time for a 30 s 1080p source ÷ the same ffmpeg commands run bare
 *   (b) growth of the web process's resident memory while a 1 GiB upload streams in
 *   (c) Range-request throughput of a large rendition ÷ reading the same ranges from disk
 *   (d) time from the end of an upload to the first playable rendition ÷ the video's duration
 *   (e) ffmpeg's peak memory on a 1080p source (the 1080p encode, the thumbnail frame) ÷ FFMPEG_MEMORY_MB
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { startEmbeddedPostgres, freePort } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { createPool } from '../src/db/pool.js';
import { insertVideo } from '../src/db/videos.js';
import { listVideoFiles } from '../src/db/video-files.js';
import { createAccount } from '../src/db/users.js';
import { SAFE_INPUT, probe, resolveBinaries } from '../src/media/ffmpeg.js';
import { processVideo } from '../src/media/pipeline.js';
import { originalKey } from '../src/media/keys.js';
import { storyboardPlan, thumbnailFrameArgs } from '../src/media/previews.js';
import { planRenditions, renditionArgs } from '../src/media/renditions.js';
import { LocalStorage } from '../src/media/storage.js';
import { createLogger } from '../src/log.js';
import { ROOT_DIR } from '../src/paths.js';
import { MEDIA_READ_CHUNK_BYTES } from '../src/routes/media.js';

const run = promisify(execFile);
const binaries = resolveBinaries(loadConfig({ FFMPEG_PATH: process.env.FFMPEG_PATH, FFPROBE_PATH: process.env.FFPROBE_PATH }));
const SOURCE_SECONDS = 30;
const UPLOAD_BYTES = 1024 ** 3;
const RANGE_CHUNK = 1024 * 1024;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-bench-'));
fs.chmodSync(work, 0o755);
const rows: [string, string, string, string][] = [];
const log = (message: string) => process.stderr.write(`${message}\n`);
/** `npm run bench:media -- --only=a,c` runs some parts ((c) measures the rendition (a) makes). */
const only = new Set((process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? 'a,b,c,d,e').split(','));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function makeSource(name: string, codec: 'mpeg4' | 'h264'): Promise<string> {
  const file = path.join(work, `${name}.${codec === 'h264' ? 'mp4' : 'mkv'}`);
  const video = codec === 'h264' ? ['-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '5000k', '-maxrate', '6000k', '-bufsize', '12000k', '-pix_fmt', 'yuv420p'] : ['-c:v', 'mpeg4', '-q:v', '4'];
  await run(binaries.ffmpeg, ['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=30:duration=${SOURCE_SECONDS}`, '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${SOURCE_SECONDS}`, ...video, '-c:a', codec === 'h264' ? 'aac' : 'libmp3lame', '-shortest', file]);
  return file;
}

/** The same ffmpeg commands the pipeline runs, with nothing around them. */
async function bareCommands(source: string): Promise<number> {
  const probed = await probe(binaries, source);
  const started = performance.now();
  const outputs: string[] = [];
  for (const rendition of planRenditions(probed)) {
    const out = path.join(work, `bare-${rendition.rung}.mp4`);
    await run(binaries.ffmpeg, ['-nostdin', '-hide_banner', '-y', ...SAFE_INPUT, '-i', source, ...renditionArgs(probed, rendition, 'veryfast'), out], { maxBuffer: 64 * 1024 * 1024 });
    outputs.push(out);
  }
  const thumb = thumbnailFrameArgs(probed);
  await run(binaries.ffmpeg, ['-nostdin', '-hide_banner', '-y', ...SAFE_INPUT, ...thumb.input, '-i', source, ...thumb.output, path.join(work, 'bare-frame.png')]);
  const board = storyboardPlan(probed.durationSeconds);
  await run(binaries.ffmpeg, ['-nostdin', '-hide_banner', '-y', ...SAFE_INPUT, ...board.input, '-i', outputs[0]!, ...board.output, path.join(work, 'bare-storyboard.jpg')]);
  return performance.now() - started;
}

function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    freePort().then((port) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'server.ts')], {
        cwd: ROOT_DIR,
        env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      const poll = () => http.get({ port, path: '/healthz', host: '127.0.0.1' }, (res) => { res.resume(); res.statusCode === 200 ? resolve({ child, port }) : setTimeout(poll, 200); }).on('error', () => setTimeout(poll, 200));
      poll();
    }, reject);
  });
}

function request(port: number, options: http.RequestOptions, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, ...options }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs up through the real form and returns the session cookie and a CSRF token. */
async function signUp(port: number): Promise<{ cookie: string; token: string }> {
  const form = await request(port, { path: '/register' });
  let cookie = String(form.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  const body = new URLSearchParams({ _csrf: token, handle: `bench${Date.now().toString(36)}`, displayName: 'Bench', password: 'a long enough bench password' }).toString();
  const res = await request(port, { path: '/register', method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } }, body);
  cookie = String(res.headers['set-cookie']?.[0] ?? cookie).split(';')[0]!;
  const page = await request(port, { path: '/upload', headers: { Cookie: cookie } });
  return { cookie, token: /name="csrf-token" content="([^"]+)"/.exec(page.text)![1]! };
}

/** Streams a multipart upload of `size` bytes (from a file, or generated) without holding it in memory. */
function upload(port: number, session: { cookie: string; token: string }, file: { path?: string; size: number; name: string }): Promise<{ status: number; location: string | undefined; endedAt: number }> {
  const boundary = `----bench${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nBenchmark\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/upload', headers: { Cookie: session.cookie, 'X-CSRF-Token': session.token, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': head.length + file.size + tail.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, location: res.headers.location, endedAt: performance.now() }));
    });
    req.on('error', reject);
    req.write(head);
    const finish = () => req.end(tail);
    if (file.path) {
      const stream = fs.createReadStream(file.path);
      stream.pipe(req, { end: false });
      stream.on('end', finish);
    } else {
      const chunk = Buffer.alloc(1024 * 1024, 0x5a);
      let sent = 0;
      const pump = () => {
        while (sent < file.size) {
          const piece = chunk.subarray(0, Math.min(chunk.length, file.size - sent));
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        finish();
      };
      pump();
    }
  });
}

/**
 * Runs ffmpeg as the pipeline does (under prlimit when there is one, which execs it in place, so
 * the pid is ffmpeg's) and samples its /proc status every 10 ms: the peak resident memory
 * (VmHWM, a high-water mark the kernel keeps) and the peak of VmData, what the bound counts.
 */
async function ffmpegPeakMemory(args: string[]): Promise<{ residentBytes: number; dataBytes: number }> {
  const limited = binaries.prlimit ? [binaries.prlimit, `--data=${binaries.ffmpegMemoryBytes}`, '--', binaries.ffmpeg] : [binaries.ffmpeg];
  const child = spawn(limited[0]!, [...limited.slice(1), '-nostdin', '-hide_banner', '-y', ...SAFE_INPUT, ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
  let residentBytes = 0;
  let dataBytes = 0;
  const sample = () => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      residentBytes = Math.max(residentBytes, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
      dataBytes = Math.max(dataBytes, Number(/VmData:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // Gone between two samples.
    }
  };
  const sampler = setInterval(sample, 10);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`ffmpeg exited with ${code}`);
  return { residentBytes, dataBytes };
}

function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function main(): Promise<void> {
  const database = await startEmbeddedPostgres({ clusterDir: path.join(work, 'postgres'), database: 'bench' });
  await migrate(database.url);
  const pool = createPool(database.url, 4);
  const logger = createLogger('silent');
  try {
    log('making a 30 s 1080p source (mpeg4, so every rendition is encoded)…');
    const source = await makeSource('source-1080p', 'mpeg4');

    // (a) pipeline vs bare ffmpeg
    const dataDir = path.join(work, 'data-a');
    const storage = new LocalStorage(path.join(dataDir, 'media'));
    const account = await createAccount(pool, { handle: 'benchowner', displayName: 'Bench', email: null, passwordHash: 'x', avatarKey: null });
    if (!account.ok) throw new Error('account');
    const probed = await probe(binaries, source);
    const publicId = 'benchAAAAAA';
    fs.mkdirSync(path.dirname(storage.localPath(originalKey(publicId))), { recursive: true });
    fs.copyFileSync(source, storage.localPath(originalKey(publicId)));
    const video = await insertVideo(pool, { publicId, ownerId: account.user.id, title: 'Bench', description: '', tags: [], visibility: 'public', originalKey: originalKey(publicId), originalName: 'source.mkv', originalBytes: fs.statSync(source).size, durationSeconds: probed.durationSeconds, width: probed.width, height: probed.height, frameRate: probed.frameRate, videoCodec: probed.videoCodec, audioCodec: probed.audioCodec, probe: {} });
    const bare = only.has('a') ? (log('(a) bare ffmpeg commands…'), await bareCommands(source)) : 0;
    log('(a) the pipeline…');
    const started = performance.now();
    await processVideo({ pool, storage, binaries, dataDir, preset: 'veryfast', encodeTimeLimitFactor: loadConfig({}).encodeTimeLimitFactor, keepOriginals: true, logger }, video.id);
    const pipeline = performance.now() - started;
    if (only.has('a')) rows.push(['(a) pipeline ÷ bare ffmpeg, 30 s 1080p source, full ladder', `${seconds(pipeline)} vs ${seconds(bare)}`, (pipeline / bare).toFixed(3), '≤ 1.10']);

    // (e) ffmpeg's peak memory on the 1080p source
    if (only.has('e')) {
      const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
      const top = planRenditions(probed).at(-1)!;
      const thumb = thumbnailFrameArgs(probed);
      for (const [label, args] of [
        [`${top.rung}p encode`, ['-i', source, ...renditionArgs(probed, top, 'veryfast'), path.join(work, 'peak.mp4')]],
        ['thumbnail frame (60 candidates)', [...thumb.input, '-i', source, ...thumb.output, path.join(work, 'peak.png')]],
      ] as const) {
        log(`(e) peak memory, ${label}…`);
        const peak = await ffmpegPeakMemory([...args]);
        rows.push([`(e) ffmpeg peak memory, 30 s 1080p source, ${label}`, `${mib(peak.residentBytes)} resident, ${mib(peak.dataBytes)} data`, (peak.dataBytes / binaries.ffmpegMemoryBytes).toFixed(3), `data < FFMPEG_MEMORY_MB (${mib(binaries.ffmpegMemoryBytes)})`]);
      }
    }

    // (c) Range throughput vs disk, on the 1080p rendition
    const files = await listVideoFiles(pool, video.id);
    const largest = files.filter((f) => f.kind === 'rendition').sort((x, y) => y.bytes - x.bytes)[0]!;
    const server = only.has('c') ? await startServer({ DATABASE_URL: database.url, DATA_DIR: dataDir, WORKER: 'off' }) : null;
    if (server) try {
      const filePath = storage.localPath(largest.storageKey);
      const size = fs.statSync(filePath).size;
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const url = `/media/videos/${publicId}/${largest.name}`;
      const viaHttp = (start: number, end: number) => new Promise<void>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: server.port, agent, path: url, headers: { Range: `bytes=${start}-${end === size - 1 ? '' : end}` } }, (res) => {
          if (res.statusCode !== 206) reject(new Error(`Range answered ${res.statusCode}`));
          res.on('data', () => {});
          res.on('end', resolve);
        }).on('error', reject);
      });
      // The baseline reads the same bytes with the primitive and read size the server uses.
      const viaDisk = (start: number, end: number) => new Promise<void>((resolve, reject) => {
        fs.createReadStream(filePath, { start, end, highWaterMark: MEDIA_READ_CHUNK_BYTES }).on('data', () => {}).on('end', resolve).on('error', reject);
      });
      const measure = async (read: (start: number, end: number) => Promise<void>, ranges: [number, number][]) => {
        const t0 = performance.now();
        for (const [start, end] of ranges) await read(start, end);
        return performance.now() - t0;
      };
      // What players do: an open-ended range from where the viewer starts or seeks to (bytes=N-).
      const seeks: [number, number][] = [];
      for (let i = 0; i < 200; i++) seeks.push([Math.floor(((i * 7919) % 100) / 100 * size), size - 1]);
      // Many small ranges: the cost of each request through the app (lookup and permission check).
      const chunks: [number, number][] = [];
      for (let pass = 0; pass < 5; pass++) for (let offset = 0; offset < size; offset += RANGE_CHUNK) chunks.push([offset, Math.min(size, offset + RANGE_CHUNK) - 1]);
      for (const [label, ranges] of [['open-ended ranges from 200 seek points, as players ask', seeks], ['1 MiB ranges end to end, 5 passes', chunks]] as const) {
        await measure(viaHttp, ranges.slice(0, 10));
        const httpMs = await measure(viaHttp, ranges);
        const diskMs = await measure(viaDisk, ranges);
        const mib = ranges.reduce((sum, [a, b]) => sum + (b - a + 1), 0) / 1024 / 1024;
        rows.push([`(c) Range throughput ÷ disk, ${(size / 1024 / 1024).toFixed(1)} MiB rendition, ${label}`, `${(mib / (httpMs / 1000)).toFixed(0)} vs ${(mib / (diskMs / 1000)).toFixed(0)} MiB/s`, (diskMs / httpMs).toFixed(3), '≥ 0.5']);
      }
      agent.destroy();
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
    }

    // (b) memory while 1 GiB streams in (no worker: only the web process is measured)
    if (only.has('b')) {
    const webDir = path.join(work, 'data-b');
    const web = await startServer({ DATABASE_URL: database.url, DATA_DIR: webDir, WORKER: 'off', MAX_UPLOAD_BYTES: String(2 * UPLOAD_BYTES) });
    try {
      const session = await signUp(web.port);
      await new Promise((r) => setTimeout(r, 1000));
      const baseline = rssBytes(web.child.pid!);
      let peak = baseline;
      const sampler = setInterval(() => { peak = Math.max(peak, rssBytes(web.child.pid!)); }, 20);
      log('(b) streaming 1 GiB…');
      const result = await upload(web.port, session, { size: UPLOAD_BYTES, name: 'big.mp4' });
      clearInterval(sampler);
      rows.push(['(b) web process memory growth during a 1 GiB upload', `${(baseline / 1024 / 1024).toFixed(0)} → ${(peak / 1024 / 1024).toFixed(0)} MiB RSS (answer: ${result.status})`, `${((peak - baseline) / 1024 / 1024).toFixed(1)} MiB`, '< 64 MiB']);
    } finally {
      web.child.kill('SIGTERM');
      await new Promise((r) => web.child.once('exit', r));
    }

    }

    // (d) end of upload → first playable rendition, with the in-process worker
    if (only.has('d')) {
    const h264 = await makeSource('source-h264', 'h264');
    const full = await startServer({ DATABASE_URL: database.url, DATA_DIR: path.join(work, 'data-d'), WORKER: 'on' });
    try {
      const session = await signUp(full.port);
      for (const [label, file] of [['H.264/AAC phone-style source (remux first)', h264], ['MPEG-4 source (360p encode first)', source]] as const) {
        log(`(d) ${label}…`);
        const result = await upload(full.port, session, { path: file, size: fs.statSync(file).size, name: path.basename(file) });
        const id = /\/watch\/([A-Za-z0-9_-]{11})/.exec(result.location ?? '')?.[1];
        if (!id) throw new Error(`upload answered ${result.status}`);
        let playableAt = 0;
        while (!playableAt) {
          const { rows: r } = await pool.query('SELECT status FROM videos WHERE public_id = $1', [id]);
          if (r[0].status === 'ready') playableAt = performance.now();
          else if (r[0].status === 'failed') throw new Error('processing failed');
          else await new Promise((res) => setTimeout(res, 50));
        }
        const ms = playableAt - result.endedAt;
        rows.push([`(d) end of upload → playable ÷ duration, 30 s 1080p ${label}`, seconds(ms), (ms / 1000 / SOURCE_SECONDS).toFixed(3), '≤ 0.25']);
        // Let the rest of the ladder finish before the next upload is measured.
        for (;;) {
          const { rows: r } = await pool.query('SELECT progress FROM videos WHERE public_id = $1', [id]);
          if (r[0].progress >= 100) break;
          await new Promise((res) => setTimeout(res, 500));
        }
      }
    } finally {
      full.child.kill('SIGTERM');
      await new Promise((r) => full.child.once('exit', r));
    }
    }
  } finally {
    await pool.end();
    await database.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }

  console.log(`Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ffmpeg ${binaries.ffmpeg}\n`);
  console.log('| Measure | Figures | Result | Target |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

main().catch((err) => {
  console.error(err);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
