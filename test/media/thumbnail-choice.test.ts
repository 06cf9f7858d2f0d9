import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import supertest from 'supertest';
import { markProcessing } from '../../src/db/video-processing.js';
import { uploadTempDir } from '../../src/http/uploads.js';
import { findVideoById } from '../../src/db/videos.js';
import { parseTime } from '../../src/forms/thumbnail.js';
import { pickCandidateFrames } from '../../src/media/frames.js';
import { LocalStorage } from '../../src/media/storage.js';
import { chooseCandidate, ThumbnailNotChanged } from '../../src/media/thumbnail-choice.js';
import { MAX_THUMBNAIL_UPLOAD_BYTES } from '../../src/routes/studio-thumbs.js';
import { createTestApp, useTestApp, useWorker } from '../helpers/app.js';
import { csrfFrom, signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { filesUnder } from '../helpers/files.js';
import { binaries, fixture } from '../helpers/fixtures.js';
import { jpegWithExif, pngBomb } from '../helpers/images.js';
import { attachRendition, publicIdFrom, uploadVideo, waitForProcessing } from '../helpers/videos.js';

const run = promisify(execFile);
const WIDTHS = [320, 480, 640, 1280];

interface Row { thumbnail_stem: string; thumbnail_widths: number[]; updated_at: Date }

describe('studio: choosing a thumbnail', function () {
  this.timeout(120_000);
  const t = useTestApp();
  useWorker(t);
  let owner: Awaited<ReturnType<typeof createUser>>;
  let agent: Agent;
  let publicId: string;
  let videoId: number;
  const page = () => `/studio/videos/${publicId}/thumbnail`;
  const mediaDir = () => path.join(t.config.dataDir, 'media', 'videos', publicId);
  const uploadsDir = () => path.join(t.config.dataDir, 'tmp', 'uploads');

  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
    // H.264 is remuxed rather than encoded: the quickest real processed video.
    const file = await fixture('thumbnail-choice', { width: 640, height: 360, seconds: 8, codec: 'h264' });
    const res = await uploadVideo(agent, file, { title: 'Frames to choose from' });
    assert.equal(res.status, 303);
    publicId = publicIdFrom(res.headers.location);
    const row = await waitForProcessing(publicId);
    assert.equal(row.status, 'ready', String(row.failure_reason));
    videoId = (await testPool().query('SELECT id FROM videos WHERE public_id = $1', [publicId])).rows[0].id;
  });

  const videoRow = async (): Promise<Row> => (await testPool().query('SELECT thumbnail_stem, thumbnail_widths, updated_at FROM videos WHERE id = $1', [videoId])).rows[0];
  const filesOf = async (kind: string) =>
    (await testPool().query('SELECT name, storage_key, width, height, frame_seconds FROM video_files WHERE video_id = $1 AND kind = $2 ORDER BY frame_seconds, name', [videoId, kind])).rows;
  const diskNames = () => filesUnder(mediaDir()).map((f) => path.basename(f)).sort();

  async function post(action: string, form: Record<string, string>) {
    const token = await tokenFor(agent, page());
    return agent.post(`${page()}/${action}`).type('form').send({ _csrf: token, ...form });
  }

  async function postPicture(content: Buffer, name: string, who = agent) {
    const token = await tokenFor(who, '/settings');
    return who.post(`${page()}/picture?_csrf=${encodeURIComponent(token)}`).attach('picture', content, name);
  }

  /** The set the row names is on disk and recorded, every width in both formats, and answers. */
  async function assertCurrentSet(): Promise<Row> {
    const row = await videoRow();
    assert.deepEqual(row.thumbnail_widths, WIDTHS);
    const thumbs = await filesOf('thumbnail');
    const expected = WIDTHS.flatMap((w) => [`thumb-${row.thumbnail_stem}-${w}.jpg`, `thumb-${row.thumbnail_stem}-${w}.webp`]).sort();
    assert.deepEqual(thumbs.map((f) => f.name).sort(), expected, 'the rows are the new set, and only it');
    const onDisk = diskNames().filter((n) => n.startsWith('thumb-'));
    assert.deepEqual(onDisk, expected, 'the files are the new set, and only it');
    for (const f of thumbs) {
      const meta = await sharp(path.join(t.config.dataDir, 'media', f.storage_key)).metadata();
      assert.equal(meta.width, f.width);
      assert.equal(meta.height, Math.round((f.width * 9) / 16));
      assert.equal(meta.exif, undefined, 'no metadata');
      const res = await supertest(t.app).get(`/media/videos/${publicId}/${f.name}`);
      assert.equal(res.status, 200, f.name);
    }
    return row;
  }

  /** The watch page's poster, og:image, JSON-LD and the channel's card all name the set `stem`. */
  async function assertPagesShow(stem: string): Promise<void> {
    const watch = (await supertest(t.app).get(`/watch/${publicId}`)).text;
    assert.match(watch, new RegExp(`poster="[^"]+thumb-${stem}-1280\\.webp"`));
    assert.match(watch, new RegExp(`<meta property="og:image" content="[^"]+thumb-${stem}-1280\\.jpg"`));
    assert.match(watch.match(/<script type="application\/ld\+json">([^<]+)<\/script>/)![1]!, new RegExp(`thumb-${stem}-1280\\.jpg`));
    const channel = (await supertest(t.app).get(`/@${owner.handle}`)).text;
    assert.match(channel, new RegExp(`thumb-${stem}-320\\.jpg`));
  }

  it('offers three frames made when the video was processed, at about a quarter, a half and three quarters', async () => {
    const candidates = await filesOf('candidate');
    assert.equal(candidates.length, 3);
    const at = candidates.map((c) => c.frame_seconds / 8);
    for (const [i, fraction] of [0.25, 0.5, 0.75].entries()) assert.ok(Math.abs(at[i]! - fraction) <= 0.09, `candidate ${i + 1} at ${at[i]}`);
    const res = await agent.get(page());
    assert.equal(res.status, 200);
    for (const c of candidates) {
      assert.ok(res.text.includes(`/media/videos/${publicId}/${c.name}`), c.name);
      const image = await agent.get(`/media/videos/${publicId}/${c.name}`);
      assert.equal(image.status, 200);
      const meta = await sharp(image.body).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1280, 720]);
      const { channels } = await sharp(image.body).stats();
      assert.ok(channels[0]!.mean > 24, 'not a black frame');
    }
  });

  it('makes the frames on the first visit for a video processed before they existed', async () => {
    const before = await filesOf('candidate');
    await testPool().query(`DELETE FROM video_files WHERE video_id = $1 AND kind = 'candidate'`, [videoId]);
    for (const c of before) fs.rmSync(path.join(t.config.dataDir, 'media', c.storage_key));
    const res = await agent.get(page());
    assert.equal(res.status, 200);
    const after = await filesOf('candidate');
    assert.equal(after.length, 3);
    assert.equal(diskNames().filter((n) => n.startsWith('candidate-')).length, 3, 'one file each, nothing left over');
    await agent.get(page());
    assert.deepEqual((await filesOf('candidate')).map((c) => c.name), after.map((c) => c.name), 'made once');
  });

  it('uses a chosen frame: a new set under a new name, the old files removed, every page following', async () => {
    const old = await assertCurrentSet();
    const candidate = (await filesOf('candidate'))[1]!;
    const res = await post('candidate', { candidate: candidate.name });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, page());
    const row = await assertCurrentSet();
    assert.notEqual(row.thumbnail_stem, old.thumbnail_stem);
    assert.ok(!diskNames().some((n) => n.includes(old.thumbnail_stem)), 'the old files are gone');
    assert.equal((await supertest(t.app).get(`/media/videos/${publicId}/thumb-${old.thumbnail_stem}-320.jpg`)).status, 404);
    assert.equal((await filesOf('thumbnail'))[0].frame_seconds, candidate.frame_seconds);
    await assertPagesShow(row.thumbnail_stem);
  });

  it('uses the frame at a time given as minutes:seconds or seconds', async () => {
    for (const [time, seconds] of [['0:02', 2], ['6.5', 6.5]] as const) {
      const old = await videoRow();
      const res = await post('frame', { time });
      assert.equal(res.status, 303, time);
      const row = await assertCurrentSet();
      assert.notEqual(row.thumbnail_stem, old.thumbnail_stem);
      assert.equal((await filesOf('thumbnail'))[0].frame_seconds, seconds);
      await assertPagesShow(row.thumbnail_stem);
    }
    assert.match((await agent.get(page())).text, /The frame at 0:07\./);
  });

  it('refuses a time at or past the end, or not a time, with 422 and its message, changing nothing', async () => {
    for (const time of ['0:09', '9', '1:00:00', '0:75', 'soon', '']) {
      const before = { row: await videoRow(), files: diskNames() };
      const res = await post('frame', { time });
      assert.equal(res.status, 422, time);
      assert.match(res.text, time === '' ? /Enter a time/ : /video is 0:08 long|Write the time as/);
      assert.deepEqual({ row: await videoRow(), files: diskNames() }, before);
    }
  });

  it('uses an uploaded picture cropped to 16:9 around its centre, without its metadata, in every width', async () => {
    const old = await videoRow();
    // A red square with a blue band across its top 200 pixels: cropped to 16:9 around the centre,
    // the band is cut off; squeezed it would fill the top of the thumbnail, padded leave black sides.
    const square = await sharp({ create: { width: 900, height: 900, channels: 3, background: '#ff0000' } })
      .composite([{ input: await sharp({ create: { width: 900, height: 200, channels: 3, background: '#0000ff' } }).png().toBuffer(), left: 0, top: 0 }])
      .jpeg()
      .withExif({ IFD0: { Make: 'SecretCam', Model: 'Location Leaker 3000' } })
      .toBuffer();
    const res = await postPicture(square, 'me.jpg');
    assert.equal(res.status, 303);
    const row = await assertCurrentSet();
    assert.notEqual(row.thumbnail_stem, old.thumbnail_stem);
    const largest = path.join(mediaDir(), `thumb-${row.thumbnail_stem}-1280.jpg`);
    // stats() reads its input, not the pipeline's output: each region is cut out first.
    const region = async (area: { left: number; top: number; width: number; height: number }) => (await sharp(await sharp(largest).extract(area).toBuffer()).stats()).channels;
    const top = await region({ left: 0, top: 20, width: 1280, height: 100 });
    const side = await region({ left: 0, top: 0, width: 100, height: 720 });
    assert.ok(top[2]!.mean < 60 && top[0]!.mean > 200, 'the band at the top is cropped off, not squeezed in');
    assert.ok(side[0]!.mean > 200, 'no black bars at the sides');
    assert.equal(fs.readFileSync(largest).includes('SecretCam'), false);
    assert.equal((await filesOf('thumbnail'))[0].frame_seconds, null);
    assert.deepEqual(filesUnder(uploadsDir()), []);
    await assertPagesShow(row.thumbnail_stem);
  });

  it('refuses a file that is not a picture, a pixel bomb and a tiny picture with 422, leaving nothing', async () => {
    const cases: [Buffer, string, RegExp][] = [
      [Buffer.from('%PDF-1.4 this is not a picture at all'), 'holiday.jpg', /not a picture we can read/],
      [pngBomb(30_000), 'bomb.png', /30000×30000 pixels; pictures up to 40 megapixels/],
      [await jpegWithExif(100, 60), 'small.jpg', /at least 320×180/],
    ];
    for (const [content, name, message] of cases) {
      const before = { row: await videoRow(), files: diskNames() };
      const res = await postPicture(content, name);
      assert.equal(res.status, 422, name);
      assert.match(res.text, message);
      assert.deepEqual({ row: await videoRow(), files: diskNames() }, before, `${name}: nothing changed`);
      assert.deepEqual(filesUnder(uploadsDir()), [], `${name}: no temporary file`);
    }
  });

  it(`refuses a picture over ${MAX_THUMBNAIL_UPLOAD_BYTES / 1024 / 1024} MB with 413 before reading it all, leaving nothing`, async () => {
    const before = { row: await videoRow(), files: diskNames() };
    const res = await postPicture(Buffer.alloc(MAX_THUMBNAIL_UPLOAD_BYTES + 1024, 1), 'huge.jpg');
    assert.equal(res.status, 413);
    assert.deepEqual({ row: await videoRow(), files: diskNames() }, before);
    assert.deepEqual(filesUnder(uploadsDir()), []);
  });

  it('shows another user\'s video as missing: 404 for the page and every change', async () => {
    const stranger = await signedInAgent(t.app, await createUser());
    const before = { row: await videoRow(), files: diskNames() };
    assert.equal((await stranger.get(page())).status, 404);
    const token = await tokenFor(stranger, '/settings');
    const candidate = (await filesOf('candidate'))[0]!.name;
    assert.equal((await stranger.post(`${page()}/candidate`).type('form').send({ _csrf: token, candidate })).status, 404);
    assert.equal((await stranger.post(`${page()}/frame`).type('form').send({ _csrf: token, time: '1' })).status, 404);
    assert.equal((await postPicture(await jpegWithExif(640, 360), 'me.jpg', stranger)).status, 404);
    assert.deepEqual({ row: await videoRow(), files: diskNames() }, before);
    assert.deepEqual(filesUnder(uploadsDir()), []);
  });

  it("never removes another video's files: a seeded copy that shares this video's thumbnail keeps them when it changes its own", async () => {
    // As src/db/seed.ts makes its catalogue: the rows of the copy name the fixture video's files.
    const copy = await createVideo(owner, { title: 'Seeded copy' });
    const row = await videoRow();
    await testPool().query('UPDATE videos SET thumbnail_stem = $2, thumbnail_widths = $3 WHERE id = $1', [copy.id, row.thumbnail_stem, row.thumbnail_widths]);
    await testPool().query(
      `INSERT INTO video_files (video_id, kind, name, storage_key, mime_type, width, height, bytes)
       SELECT $1, kind, name, storage_key, mime_type, width, height, bytes FROM video_files WHERE video_id = $2 AND kind = 'thumbnail'`,
      [copy.id, videoId],
    );
    const before = diskNames();
    const token = await tokenFor(agent, '/settings');
    const res = await agent.post(`/studio/videos/${copy.publicId}/thumbnail/picture?_csrf=${encodeURIComponent(token)}`).attach('picture', await jpegWithExif(640, 360), 'me.jpg');
    assert.equal(res.status, 303);
    assert.deepEqual(diskNames(), before, "the fixture video's files are all there");
    await assertCurrentSet();
  });

  it('empties the page cache: a signed-out visitor sees the new thumbnail at once', async () => {
    const cached = createTestApp({ PAGE_CACHE_SECONDS: '300' });
    const owned = await signedInAgent(cached.app, owner);
    const watch = async () => (await supertest(cached.app).get(`/watch/${publicId}`)).text;
    const old = await videoRow();
    assert.match(await watch(), new RegExp(`thumb-${old.thumbnail_stem}-1280`));
    const res = await owned.post(`${page()}/frame`).type('form').send({ _csrf: await tokenFor(owned, page()), time: '3' });
    assert.equal(res.status, 303);
    const row = await videoRow();
    assert.notEqual(row.thumbnail_stem, old.thumbnail_stem);
    assert.match(await watch(), new RegExp(`thumb-${row.thumbnail_stem}-1280`));
  });

  it('leaves the old set working and removes the new files when the video changes hands while the set is made', async () => {
    const before = { row: await videoRow(), files: diskNames() };
    const video = (await findVideoById(testPool(), videoId))!;
    const deps = { pool: testPool(), storage: new LocalStorage(path.join(t.config.dataDir, 'media')), binaries, dataDir: t.config.dataDir };
    const candidate = (await filesOf('candidate'))[0]!.name;
    // The row's owner is no longer the one the request was made for: the switch finds no row to change.
    await assert.rejects(chooseCandidate(deps, { ...video, ownerId: video.ownerId + 1_000_000 }, candidate), ThumbnailNotChanged);
    assert.deepEqual({ row: await videoRow(), files: diskNames() }, before);
    await assertCurrentSet();
  });
});

describe('candidate frames and frame times', function () {
  this.timeout(60_000);

  it('passes over a black stretch at a quarter of the video for a frame just after it', async () => {
    // 10 s: a picture for 2 s, black from 2 s to 3 s (where 25 % falls), a picture again after.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-frames-'));
    try {
      const input = path.join(dir, 'fade.mp4');
      const picture = (d: number) => `testsrc2=s=320x180:r=25:d=${d}`;
      await run(binaries.ffmpeg, ['-v', 'error', '-nostdin', '-y', '-filter_complex', `${picture(2)}[a];color=black:s=320x180:r=25:d=1[b];${picture(7)}[c];[a][b][c]concat=n=3:v=1:a=0[v]`,
        '-map', '[v]', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', input]);
      const frames = await pickCandidateFrames(binaries, input, { durationSeconds: 10, width: 320, height: 180 }, dir);
      assert.deepEqual(frames.map((f) => f.seconds), [3.3, 5, 7.5]);
      for (const frame of frames) {
        const { channels } = await sharp(frame.file).stats();
        assert.ok(channels[0]!.mean > 24, `${frame.seconds}: not black`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads times as seconds, minutes:seconds or hours:minutes:seconds, and nothing else', () => {
    const read = { '65': 65, '1:05': 65, '01:05.5': 65.5, '1:02:03': 3723, '0': 0, '0:00.25': 0.25 } as const;
    for (const [text, seconds] of Object.entries(read)) assert.equal(parseTime(text), seconds, text);
    for (const text of ['', '1:60', '1:60:00', '-1', '1e2', '1.2.3', '1:2:3:4', ' 5', 'five', '0x1f', '1,5', '١٢']) assert.equal(parseTime(text), null, text);
  });
});

describe('studio: candidate frames that cannot be made', function () {
  this.timeout(120_000);
  // ffmpeg behind a script that counts its runs, and makes them wait while `hold` exists: the
  // count says what a request ran, the hold keeps a frame slot taken for as long as a test needs.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-ffmpeg-count-'));
  const calls = path.join(dir, 'calls.log');
  const hold = path.join(dir, 'hold');
  const wrapper = path.join(dir, 'ffmpeg');
  fs.writeFileSync(wrapper, `#!/bin/sh\necho run >> '${calls}'\nwhile [ -f '${hold}' ]; do sleep 0.05; done\nexec '${binaries.ffmpeg}' "$@"\n`, { mode: 0o755 });
  const runs = () => (fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8').split('\n').filter(Boolean).length : 0);
  // One frame slot and no waiting for it: a request that needs a slot while it is taken gets 503.
  const t = useTestApp({ FFMPEG_PATH: wrapper, PROBES_MAX_CONCURRENT: '1', PROBE_WAIT_SECONDS: '0' });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  let owner: Awaited<ReturnType<typeof createUser>>;
  let agent: Agent;
  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
  });

  /** A ready video whose recorded length (100 s) is far past its file's (1 s): no frame at a quarter, half or three quarters. */
  async function videoWithoutFrames() {
    const video = await createVideo(owner, { durationSeconds: 100 });
    await attachRendition(video, 1);
    return video;
  }
  const triedAt = async (id: number) => (await testPool().query('SELECT candidates_tried_at FROM videos WHERE id = $1', [id])).rows[0].candidates_tried_at as Date | null;

  it('tries once on the page, records that no frame was found, and runs no ffmpeg for refused forms or later visits', async () => {
    const video = await videoWithoutFrames();
    const page = `/studio/videos/${video.publicId}/thumbnail`;
    let before = runs();
    const first = await agent.get(page);
    assert.equal(first.status, 200);
    assert.match(first.text, /No frames could be taken from this video/);
    assert.ok(runs() - before > 0, 'the first visit tries');
    assert.ok(await triedAt(video.id), 'the try is recorded');

    before = runs();
    const token = csrfFrom((await agent.get(page)).text);
    for (let i = 0; i < 3; i++) {
      const refused = await agent.post(`${page}/candidate`).type('form').send({ _csrf: token, candidate: 'nope' });
      assert.equal(refused.status, 422);
    }
    assert.equal((await agent.post(`${page}/frame`).type('form').send({ _csrf: token, time: 'soon' })).status, 422);
    assert.equal(runs() - before, 0, 'a visit after the try and refused forms run no ffmpeg');

    // A day later, or once the video is processed again, the page tries again.
    await testPool().query(`UPDATE videos SET candidates_tried_at = now() - interval '25 hours' WHERE id = $1`, [video.id]);
    before = runs();
    assert.equal((await agent.get(page)).status, 200);
    assert.ok(runs() - before > 0, 'tried again after a day');
    await markProcessing(testPool(), video.id);
    assert.equal(await triedAt(video.id), null);
  });

  it('makes choosing a candidate and uploading a picture wait for a frame slot, as the page does', async () => {
    const busy = await videoWithoutFrames();
    const other = await videoWithoutFrames();
    const page = `/studio/videos/${other.publicId}/thumbnail`;
    const token = csrfFrom((await agent.get(page)).text);
    const picture = await jpegWithExif(1280, 720);
    fs.writeFileSync(hold, '');
    let visit: Promise<supertest.Response> | null = null;
    try {
      const before = runs();
      // The first visit to `busy` tries its frames and holds the only slot while ffmpeg waits.
      visit = agent.get(`/studio/videos/${busy.publicId}/thumbnail`).then((r) => r);
      while (runs() === before) await new Promise((resolve) => setTimeout(resolve, 20));
      const candidate = await agent.post(`${page}/candidate`).type('form').send({ _csrf: token, candidate: 'nope' });
      assert.equal(candidate.status, 503);
      const upload = await agent.post(`${page}/picture?_csrf=${encodeURIComponent(token)}`).attach('picture', picture, 'picture.jpg');
      assert.equal(upload.status, 503);
      assert.equal(upload.headers['retry-after'], '30');
    } finally {
      fs.rmSync(hold, { force: true });
    }
    assert.equal((await visit).status, 200);
    const uploads = uploadTempDir(t.config.dataDir);
    assert.deepEqual(fs.existsSync(uploads) ? fs.readdirSync(uploads) : [], [], 'the refused upload is not left behind');
    assert.equal((await agent.post(`${page}/candidate`).type('form').send({ _csrf: token, candidate: 'nope' })).status, 422, 'with the slot free, the form is answered');
  });
});
