import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import supertest from 'supertest';
import { useTestApp, useWorker } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { binaries, fixtures } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo, waitForProcessing } from '../helpers/videos.js';
import { filesUnder } from '../helpers/files.js';

const run = promisify(execFile);

interface Stream { codec_type: string; codec_name: string; width?: number; height?: number; pix_fmt?: string; profile?: string; channels?: number; sample_rate?: string; side_data_list?: unknown[] }

async function streamsOf(file: string): Promise<Stream[]> {
  const { stdout } = await run(binaries.ffprobe, ['-v', 'error', '-show_streams', '-of', 'json', file]);
  return JSON.parse(stdout).streams;
}

/** Seconds between consecutive keyframes of the first video stream. */
async function keyframeGaps(file: string): Promise<number[]> {
  const { stdout } = await run(binaries.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file]);
  const times = stdout.trim().split('\n').filter((l) => l.includes('K')).map((l) => Number(l.split(',')[0]));
  return times.slice(1).map((t, i) => t - times[i]!);
}

interface Rendition { name: string; width: number; height: number; storage_key: string }

async function filesOf(publicId: string): Promise<{ kind: string; name: string; width: number; height: number; storage_key: string }[]> {
  const { rows } = await testPool().query('SELECT f.kind, f.name, f.width, f.height, f.storage_key FROM video_files f JOIN videos v ON v.id = f.video_id WHERE v.public_id = $1 ORDER BY f.kind, f.height', [publicId]);
  return rows;
}

describe('processing uploads', function () {
  this.timeout(240_000);
  const t = useTestApp();
  useWorker(t);
  let agent: Agent;
  const uploaded = new Map<string, string>();
  const mediaPath = (key: string) => path.join(t.config.dataDir, 'media', key);

  before(async () => {
    agent = await signedInAgent(t.app, await createUser());
    // All at once: the worker takes them one after another while the tests below wait for theirs.
    for (const name of ['landscape', 'portrait', 'rotated', 'noAudio', 'h264', 'highRes'] as const) {
      const res = await uploadVideo(agent, await fixtures[name](), { title: name });
      assert.equal(res.status, 303, `${name}: ${res.status}`);
      uploaded.set(name, publicIdFrom(res.headers.location));
    }
  });

  async function renditionsOf(name: string): Promise<Rendition[]> {
    const row = await waitForProcessing(uploaded.get(name)!);
    assert.equal(row.status, 'ready', `${name} failed: ${row.failure_reason}`);
    return (await filesOf(uploaded.get(name)!)).filter((f) => f.kind === 'rendition');
  }

  it('makes 360p and 720p of a 720p landscape video: H.264 yuv420p, AAC stereo 48 kHz, keyframes every 2 s, moov first', async () => {
    const renditions = await renditionsOf('landscape');
    assert.deepEqual(renditions.map((r) => `${r.width}x${r.height}`), ['640x360', '1280x720']);
    for (const r of renditions) {
      const file = mediaPath(r.storage_key);
      const [video, audio] = [(await streamsOf(file)).find((s) => s.codec_type === 'video')!, (await streamsOf(file)).find((s) => s.codec_type === 'audio')!];
      assert.equal(video.codec_name, 'h264');
      assert.equal(video.pix_fmt, 'yuv420p');
      assert.equal(audio.codec_name, 'aac');
      assert.equal(audio.channels, 2);
      assert.equal(audio.sample_rate, '48000');
      for (const gap of await keyframeGaps(file)) assert.ok(gap <= 2.05, `keyframe gap ${gap}`);
      const head = fs.readFileSync(file).subarray(0, 64 * 1024).toString('latin1');
      assert.ok(head.indexOf('moov') >= 0 && head.indexOf('moov') < head.indexOf('mdat'), '+faststart puts moov before mdat');
    }
  });

  it('keeps a portrait video portrait, by its short side', async () => {
    const renditions = await renditionsOf('portrait');
    assert.deepEqual(renditions.map((r) => `${r.width}x${r.height}`), ['360x640', '720x1280']);
  });

  it('turns a rotated phone video upright, with no rotation flag left', async () => {
    const renditions = await renditionsOf('rotated');
    assert.deepEqual(renditions.map((r) => `${r.width}x${r.height}`), ['360x640', '720x1280']);
    for (const r of renditions) {
      const video = (await streamsOf(mediaPath(r.storage_key))).find((s) => s.codec_type === 'video')!;
      assert.equal(video.width, r.width);
      assert.equal(video.height, r.height);
      assert.ok(!JSON.stringify(video.side_data_list ?? []).includes('rotation":9'), 'no display rotation');
    }
  });

  it('makes a video without sound with no audio track', async () => {
    const renditions = await renditionsOf('noAudio');
    assert.deepEqual(renditions.map((r) => `${r.width}x${r.height}`), ['640x360']);
    assert.deepEqual((await streamsOf(mediaPath(renditions[0]!.storage_key))).map((s) => s.codec_type), ['video']);
  });

  it('copies an already playable H.264/AAC file for its own height instead of encoding it', async () => {
    const renditions = await renditionsOf('h264');
    assert.deepEqual(renditions.map((r) => `${r.width}x${r.height}`), ['640x360', '1280x720']);
    const top = (await streamsOf(mediaPath(renditions[1]!.storage_key))).find((s) => s.codec_type === 'video')!;
    const source = (await streamsOf(await fixtures.h264())).find((s) => s.codec_type === 'video')!;
    assert.equal(top.profile, source.profile, 'same profile as the source: copied, not encoded (encodes are High)');
    const small = (await streamsOf(mediaPath(renditions[0]!.storage_key))).find((s) => s.codec_type === 'video')!;
    assert.equal(small.profile, 'High');
  });

  it('caps a 1440p source at 1080p', async () => {
    const renditions = await renditionsOf('highRes');
    assert.deepEqual(renditions.map((r) => `${r.width}x${r.height}`), ['640x360', '1280x720', '1920x1080']);
  });

  it('makes thumbnails (WebP and JPEG at 320, 480, 640, 1280) and a storyboard with its index', async () => {
    const publicId = uploaded.get('landscape')!;
    await waitForProcessing(publicId);
    const files = await filesOf(publicId);
    const thumbs = files.filter((f) => f.kind === 'thumbnail').map((f) => `${f.width}x${f.height}.${f.name.split('.').pop()}`).sort();
    assert.deepEqual(thumbs, ['1280x720.jpg', '1280x720.webp', '320x180.jpg', '320x180.webp', '480x270.jpg', '480x270.webp', '640x360.jpg', '640x360.webp']);
    for (const file of files.filter((f) => f.kind === 'thumbnail')) {
      const image = await sharp(mediaPath(file.storage_key)).metadata();
      assert.deepEqual([image.width, image.height], [file.width, file.height], file.name);
    }
    const { rows } = await testPool().query('SELECT storyboard, thumbnail_widths FROM videos WHERE public_id = $1', [publicId]);
    assert.deepEqual(rows[0].thumbnail_widths, [320, 480, 640, 1280], 'the widths pages offer');
    const index = rows[0].storyboard;
    assert.equal(index.tileWidth, 160);
    assert.equal(index.tileHeight, 90);
    assert.ok(index.count >= 1 && index.count <= 100);
    const sprite = files.find((f) => f.kind === 'storyboard')!;
    assert.equal(sprite.width, index.columns * 160);
    assert.equal(sprite.height, index.rows * 90);
  });

  it('shows the player with every rendition as a choice, the poster and the storyboard', async () => {
    const publicId = uploaded.get('highRes')!;
    await waitForProcessing(publicId);
    const page = await supertest(t.app).get(`/watch/${publicId}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<video id="player"/);
    assert.match(page.text, /poster="\/media\/videos\//);
    for (const label of ['360p', '720p', '1080p']) assert.match(page.text, new RegExp(`<option value="\\d+"[^>]*>${label}</option>`));
    assert.match(page.text, /<option value="720" selected>720p<\/option>/, 'without a choice, 720p');
    assert.match((await supertest(t.app).get(`/watch/${publicId}?quality=1080`)).text, /<option value="1080" selected>1080p<\/option>/);
    assert.match(page.text, /data-storyboard="/);
  });

  it('offers every thumbnail width it made in srcset, each one served, and the 1280 WebP as the poster', async () => {
    const publicId = uploaded.get('landscape')!;
    await waitForProcessing(publicId);
    const home = await supertest(t.app).get('/');
    const card = home.text.split('<li class="video-card">').find((c) => c.includes(`href="/watch/${publicId}"`))!;
    for (const format of ['webp', 'jpg']) {
      const srcset = card.match(format === 'webp' ? /<source type="image\/webp" srcset="([^"]+)"/ : /<img src="[^"]+" srcset="([^"]+)"/)![1]!;
      const candidates = srcset.split(', ').map((c) => c.split(' '));
      assert.deepEqual(candidates.map(([, w]) => w), ['320w', '480w', '640w', '1280w'], format);
      for (const [url, w] of candidates) {
        const res = await supertest(t.app).get(url!);
        assert.equal(res.status, 200, url);
        assert.equal((await sharp(res.body).metadata()).width, Number.parseInt(w!, 10), url);
      }
    }
    const watch = await supertest(t.app).get(`/watch/${publicId}`);
    const poster = watch.text.match(/poster="([^"]+)"/)![1]!;
    assert.match(poster, /-1280\.webp$/);
    assert.ok(watch.text.includes(`<link rel="preload" as="image" href="${poster}" fetchpriority="high">`), 'the poster is asked for with the page');
  });

  it('answers GET /api/v1/videos/:id with its state and renditions', async () => {
    const publicId = uploaded.get('portrait')!;
    await waitForProcessing(publicId);
    const res = await supertest(t.app).get(`/api/v1/videos/${publicId}`);
    assert.equal(res.status, 200);
    // The page's poll reads these; the whole answer is the document's Video (test/api/).
    for (const key of ['durationSeconds', 'failureReason', 'id', 'progress', 'renditions', 'status', 'thumbnailUrl', 'title', 'visibility', 'watchUrl']) assert.ok(key in res.body, key);
    assert.equal(res.body.status, 'ready');
    assert.equal(res.body.progress, 100);
    assert.equal(res.body.renditions.length, 2);
    assert.match(res.body.watchUrl, new RegExp(`/watch/${publicId}$`));
  });

  it('lists ready public videos on the home page and the channel, newest first', async () => {
    for (const id of uploaded.values()) await waitForProcessing(id);
    const home = await supertest(t.app).get('/');
    const channel = await supertest(t.app).get(`/@${(await testPool().query('SELECT u.handle FROM users u JOIN videos v ON v.owner_id = u.id WHERE v.public_id = $1', [uploaded.get('h264')])).rows[0].handle}`);
    for (const page of [home, channel]) {
      const order = [...page.text.matchAll(/<h3 class="video-title"><a href="\/watch\/([^"]+)">/g)].map((m) => m[1]);
      for (const id of uploaded.values()) assert.ok(order.includes(id), `${id} listed`);
      assert.ok(order.indexOf(uploaded.get('highRes')!) < order.indexOf(uploaded.get('landscape')!), 'newest first');
    }
  });

  it('works out the related videos of a video once it is ready, in a job', async () => {
    // A video whose watch page no test here opens, so that only the job can have stored its list.
    await waitForProcessing(uploaded.get('noAudio')!);
    const idOf = async (name: string) => (await testPool().query('SELECT id FROM videos WHERE public_id = $1', [uploaded.get(name)])).rows[0].id;
    const [video, earlier] = [await idOf('noAudio'), await idOf('landscape')];
    const job = () => testPool().query(`SELECT state FROM pgboss.job WHERE name = 'video.related' AND (data ->> 'videoId')::bigint = $1 AND state = 'completed'`, [video]);
    for (let tries = 0; (await job()).rows.length === 0 && tries < 200; tries++) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await job()).rows.length, 1, 'a completed job');
    const { rows } = await testPool().query('SELECT related_ids FROM video_related WHERE video_id = $1', [video]);
    assert.ok(rows[0]?.related_ids.map(Number).includes(earlier), 'the channel\'s earlier upload is related');
  });

  it('leaves no temporary files behind', async () => {
    for (const id of uploaded.values()) await waitForProcessing(id);
    assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'tmp')), []);
  });
});
