import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { binarySets } from '../helpers/binary-sets.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { filesUnder } from '../helpers/files.js';
import { fixtures, textFixture } from '../helpers/fixtures.js';
import { uploadVideo } from '../helpers/videos.js';

async function countVideos(): Promise<number> {
  const { rows } = await testPool().query<{ n: number }>('SELECT count(*)::int AS n FROM videos');
  return rows[0]!.n;
}

/** Files that are not what they claim: each is refused at the probe, by every ffmpeg the site may use. */
const hostile: [string, () => Promise<string> | string, RegExp][] = [
  ['an HLS playlist renamed .mp4', async () => textFixture('playlist.mp4', `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n${await fixtures.landscape()}\n#EXT-X-ENDLIST\n`), /playlist or a list of other files|damaged or not a video/],
  ['an ffconcat list renamed .mp4', async () => textFixture('concat.mp4', `ffconcat version 1.0\nfile '${await fixtures.landscape()}'\n`), /playlist or a list of other files|damaged or not a video/],
  ['a truncated MP4', async () => textFixture('truncated.mp4', fs.readFileSync(await fixtures.h264()).subarray(0, 4000)), /damaged or not a video|no video stream|no duration/],
  ['a zero-byte file', () => textFixture('empty.mp4', ''), /This file is empty/],
  ['a text file', () => textFixture('notes.mp4', 'These are my holiday notes, not a video.\n'.repeat(40)), /damaged or not a video/],
  ['a picture', async () => textFixture('picture.mp4', await (await import('sharp')).default({ create: { width: 64, height: 64, channels: 3, background: '#f00' } }).png().toBuffer()), /This file is a picture, not a video/],
];

for (const set of binarySets()) {
  describe(`hostile uploads, ${set.name} ffmpeg`, function () {
    this.timeout(60_000);
    let t: TestApp;
    before(() => {
      t = createTestApp(set.env);
    });
    const uploadsDir = () => path.join(t.config.dataDir, 'tmp', 'uploads');
    const originalsDir = () => path.join(t.config.dataDir, 'media', 'originals');

    for (const [what, make, reason] of hostile) {
      it(`refuses ${what} with 422 and a reason, keeping nothing`, async () => {
        const agent = await signedInAgent(t.app, await createUser());
        const before = await countVideos();
        const originals = filesUnder(originalsDir());
        const res = await uploadVideo(agent, await make(), { title: 'Hostile' });
        assert.equal(res.status, 422);
        assert.match(res.text, reason);
        assert.match(res.text, /value="Hostile"/, 'the typed title is kept');
        assert.equal(await countVideos(), before);
        assert.deepEqual(filesUnder(uploadsDir()), []);
        assert.deepEqual(filesUnder(originalsDir()), originals);
      });
    }
  });
}
