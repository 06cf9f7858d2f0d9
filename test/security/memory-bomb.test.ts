import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type PgBoss from 'pg-boss';
import { loadConfig } from '../../src/config.js';
import { insertVideo } from '../../src/db/videos.js';
import { processVideoHandler, type VideoJobData } from '../../src/jobs/handlers/process-video.js';
import { createLogger } from '../../src/log.js';
import { MediaRejected, probe, resolveBinaries } from '../../src/media/ffmpeg.js';
import { originalKey } from '../../src/media/keys.js';
import { makeThumbnails } from '../../src/media/previews.js';
import { LocalStorage } from '../../src/media/storage.js';
import { createTestApp, tempDataDir, type TestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { binarySets } from '../helpers/binary-sets.js';
import { testDatabaseUrl, testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { filesUnder } from '../helpers/files.js';
import { fixtures } from '../helpers/fixtures.js';
import { uploadVideo } from '../helpers/videos.js';

async function countVideos(): Promise<number> {
  const { rows } = await testPool().query<{ n: number }>('SELECT count(*)::int AS n FROM videos');
  return rows[0]!.n;
}

/**
 * Issue 8, B2: a 200 KB file of 8192×8192 pictures made the thumbnail filter hold about 60
 * frames (gigabytes), three times over with pg-boss's retries. Each defence is checked with
 * every ffmpeg the site may run: refused at the probe, frame-picking on scaled-down frames, and
 * every ffmpeg run bounded in memory, failing with a reason (and no retry) past the bound.
 */
for (const set of binarySets()) {
  describe(`memory bomb, ${set.name} ffmpeg`, function () {
    this.timeout(120_000);
    let t: TestApp;
    before(() => {
      t = createTestApp(set.env);
    });
    const bounded = (ffmpegMemoryMb: number) => resolveBinaries(loadConfig({ ...set.env, FFMPEG_MEMORY_MB: String(ffmpegMemoryMb) }));

    it('refuses an 8192×8192 video at the probe with 422 and a reason a person understands, keeping nothing', async () => {
      const agent = await signedInAgent(t.app, await createUser());
      const before = await countVideos();
      const originals = filesUnder(path.join(t.config.dataDir, 'media', 'originals'));
      const res = await uploadVideo(agent, await fixtures.huge(), { title: 'Bomb' });
      assert.equal(res.status, 422);
      assert.match(res.text, /This video is 8192×8192; the largest accepted is 4096×2304 pixels \(about 9\.4 megapixels\)\./);
      assert.equal(await countVideos(), before);
      assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'tmp', 'uploads')), []);
      assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'media', 'originals')), originals);
    });

    it('gives the upload script the same reason as JSON', async () => {
      const agent = await signedInAgent(t.app, await createUser());
      const res = await uploadVideo(agent, await fixtures.huge(), {}, { json: true });
      assert.equal(res.status, 422);
      assert.match(res.body.error.message, /largest accepted is 4096×2304 pixels/);
    });

    it('probes the bomb within the ffprobe bound (it reads headers and a frame, not 60)', async () => {
      const probed = await probe(resolveBinaries(loadConfig({ ...set.env, FFPROBE_MEMORY_MB: '512' })), await fixtures.huge());
      assert.equal(probed.width * probed.height, 8192 * 8192);
    });

    it('picks the thumbnail of the largest accepted video from scaled-down frames, within 700 MiB', async () => {
      // 60 frames of 4096×2304 are about 1 GiB (1.8 GiB with the bundled build); scaled to 1280×720 about 370 MiB.
      const source = await fixtures.largest();
      const probed = await probe(bounded(700), source);
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-thumb-'));
      try {
        const files = await makeThumbnails(bounded(700), source, probed, workDir);
        assert.deepEqual(files.map((f) => f.width).sort((a, b) => a - b), [320, 320, 480, 480, 640, 640, 1280, 1280]);
      } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    });

    it('fails a video whose processing passes FFMPEG_MEMORY_MB with a readable reason, without retrying and without crashing the worker', async () => {
      const user = await createUser();
      const dataDir = tempDataDir();
      const storage = new LocalStorage(path.join(dataDir, 'media'));
      const source = await fixtures.largest();
      const probed = await probe(bounded(2048), source);
      const publicId = `mem${set.name.slice(0, 3)}${Date.now().toString(36).slice(-5)}`;
      await storage.putFile(originalKey(publicId), await copyOf(source));
      const video = await insertVideo(testPool(), {
        publicId, ownerId: user.id, title: 'Too big for 128 MiB', description: '', tags: [], visibility: 'public',
        originalKey: originalKey(publicId), originalName: 'largest.mp4', originalBytes: fs.statSync(source).size,
        durationSeconds: probed.durationSeconds, width: probed.width, height: probed.height, frameRate: probed.frameRate,
        videoCodec: probed.videoCodec, audioCodec: probed.audioCodec, probe: {},
      });
      const handle = processVideoHandler({
        pool: testPool(), storage, binaries: bounded(128), dataDir, preset: 'ultrafast', encodeTimeLimitFactor: 5, keepOriginals: true,
        logger: createLogger('silent'), databaseUrl: testDatabaseUrl(),
      });
      // Returning (not throwing) is what tells pg-boss not to try again.
      await handle([{ id: 'test', name: 'video.process', data: { videoId: video.id }, retryCount: 0 } as unknown as PgBoss.JobWithMetadata<VideoJobData>]);
      const { rows } = await testPool().query('SELECT status, failure_reason FROM videos WHERE id = $1', [video.id]);
      assert.equal(rows[0].status, 'failed');
      assert.match(rows[0].failure_reason, /needed more memory than this server allows each video \(128 MiB\)/);
    });

    it('reports a run past the bound as MediaRejected (the file is the problem, not the server)', async () => {
      const source = await fixtures.largest();
      const probed = await probe(bounded(2048), source);
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-thumb-'));
      try {
        await assert.rejects(makeThumbnails(bounded(96), source, probed, workDir), (err: unknown) => err instanceof MediaRejected && /more memory/.test(err.message));
      } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    });
  });
}

/** storage.putFile moves its input: give it a copy of the shared fixture. */
async function copyOf(file: string): Promise<string> {
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-copy-')), path.basename(file));
  await fs.promises.copyFile(file, copy);
  return copy;
}
