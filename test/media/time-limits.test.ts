import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { MediaRejected, probe, resolveBinaries, runFfmpeg } from '../../src/media/ffmpeg.js';
import { ENCODE_TIME_CAP_SECONDS, ENCODE_TIME_FLOOR_SECONDS, encodeTimeLimitSeconds, planRenditions, type Rendition } from '../../src/media/renditions.js';
import { fixtures } from '../helpers/fixtures.js';

const FACTOR = loadConfig({}).encodeTimeLimitFactor;

function source(width: number, height: number, durationSeconds: number) {
  return { width, height, durationSeconds };
}

function rendition(rung: number, width: number, height: number, mode: Rendition['mode'] = 'encode'): Rendition {
  return { rung, width, height, mode };
}

describe('encode time limits (issue 8, B3)', () => {
  it('grow with the work: the duration, the rendition\'s pixels and the source\'s', () => {
    const at360 = rendition(360, 640, 360);
    const tenMinutes = encodeTimeLimitSeconds(source(1280, 720, 600), at360, FACTOR);
    const twentyMinutes = encodeTimeLimitSeconds(source(1280, 720, 1200), at360, FACTOR);
    assert.ok(Math.abs((twentyMinutes - ENCODE_TIME_FLOOR_SECONDS) - 2 * (tenMinutes - ENCODE_TIME_FLOOR_SECONDS)) <= 1, 'twice the duration, twice the time');
    assert.ok(encodeTimeLimitSeconds(source(1280, 720, 600), rendition(720, 1280, 720), FACTOR) > tenMinutes, 'a larger rendition gets longer');
    assert.ok(encodeTimeLimitSeconds(source(4096, 2304, 600), at360, FACTOR) > tenMinutes, 'a larger source takes longer to decode');
    assert.ok(encodeTimeLimitSeconds(source(1280, 720, 600), rendition(720, 1280, 720, 'remux'), FACTOR) < tenMinutes, 'a copy is quick');
  });

  it('are no blank cheque: the 360p of a 10-minute 720p video gets about 19 minutes, not 5 hours (30 × its duration)', () => {
    const limit = encodeTimeLimitSeconds(source(1280, 720, 600), rendition(360, 640, 360), 5);
    assert.equal(limit, ENCODE_TIME_FLOOR_SECONDS + 5 * 600 * ((640 * 360 + (1280 * 720) / 2) / (1920 * 1080)));
    assert.ok(limit < 20 * 60);
  });

  it('keep a floor for short clips and a cap for long ones', () => {
    assert.ok(encodeTimeLimitSeconds(source(640, 360, 1), rendition(360, 640, 360), FACTOR) < ENCODE_TIME_FLOOR_SECONDS + 5);
    for (const r of planRenditions({ ...source(1920, 1080, 4 * 3600), rotation: 0, frameRate: 30, videoCodec: 'mpeg4', videoProfile: '', pixelFormat: 'yuv420p', bitRate: 0, audioCodec: null, container: 'matroska', raw: {} })) {
      assert.ok(encodeTimeLimitSeconds(source(1920, 1080, 4 * 3600), r, FACTOR) <= ENCODE_TIME_CAP_SECONDS);
    }
  });

  it('are enforced: ffmpeg is stopped at its limit, and the video fails with a reason rather than being retried', async function () {
    this.timeout(30_000);
    const input = await fixtures.long();
    const binaries = resolveBinaries(loadConfig({}));
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tubestead-timeout-')), 'out.mp4');
    const probed = await probe(binaries, input);
    const started = Date.now();
    // A slow preset on 12 s of 720p takes far longer than 1 s.
    await assert.rejects(runFfmpeg(binaries, input, [], out, ['-c:v', 'libx264', '-preset', 'veryslow', '-f', 'mp4'], { durationSeconds: probed.durationSeconds, timeoutSeconds: 1 }), (err: unknown) => err instanceof MediaRejected && /took longer than this server allows for a video of this length and size \(1 min\)/.test(err.message));
    assert.ok(Date.now() - started < 5000, 'stopped at once');
  });
});
