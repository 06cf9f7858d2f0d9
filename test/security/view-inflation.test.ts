import assert from 'node:assert/strict';
import supertest from 'supertest';
import { viewToken } from '../../src/http/viewer-key.js';
import { createTestApp } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

// Attack: inflating a video's view count from one machine by changing what it says about
// itself (the user agent, the address within its own IPv6 /64), or by reporting views of
// many videos as fast as it can.

const SECRET = 'test-secret-that-is-long-enough-for-sessions';

async function viewCount(videoId: number): Promise<number> {
  const { rows } = await testPool().query('SELECT view_count FROM videos WHERE id = $1', [videoId]);
  return Number(rows[0].view_count);
}

describe('view inflation', function () {
  this.timeout(60_000);

  it('counts one view an hour from one address, whatever user agent each report claims', async () => {
    const { app } = createTestApp();
    const video = await createVideo(await createUser());
    const token = viewToken(SECRET, video.publicId);
    const statuses = [];
    for (let i = 0; i < 20; i++) {
      const res = await supertest(app).post(`/watch/${video.publicId}/view`).set('User-Agent', `bot ${i}`).type('form').send({ token });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [201, ...Array(19).fill(200)]);
    assert.equal(await viewCount(video.id), 1);
  });

  it('counts an IPv6 /64 as one viewer, and another /64 as another', async () => {
    // Behind a proxy on loopback, so that X-Forwarded-For gives the client's address.
    const { app } = createTestApp({ TRUST_PROXY: 'loopback' });
    const video = await createVideo(await createUser());
    const token = viewToken(SECRET, video.publicId);
    const report = (address: string) => supertest(app).post(`/watch/${video.publicId}/view`).set('X-Forwarded-For', address).type('form').send({ token });
    assert.equal((await report('2001:db8:1:2::1')).status, 201);
    for (const sameNetwork of ['2001:db8:1:2::2', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2:abcd::9']) {
      assert.equal((await report(sameNetwork)).status, 200, sameNetwork);
    }
    assert.equal((await report('2001:db8:1:3::1')).status, 201, 'another /64');
    assert.equal((await report('198.51.100.7')).status, 201, 'an IPv4 address');
    assert.equal((await report('198.51.100.8')).status, 201, 'the next IPv4 address is another viewer');
    assert.equal(await viewCount(video.id), 4);
  });

  it('limits view reports per address with 429 and Retry-After, counting nothing once refused', async () => {
    const { app } = createTestApp({ VIEWS_PER_HOUR: '3' });
    const owner = await createUser();
    const videos = [];
    for (let i = 0; i < 4; i++) videos.push(await createVideo(owner));
    const statuses = [];
    for (const video of videos) {
      const res = await supertest(app).post(`/watch/${video.publicId}/view`).type('form').send({ token: viewToken(SECRET, video.publicId) });
      statuses.push(res.status);
      if (res.status === 429) assert.ok(Number(res.headers['retry-after']) > 0, 'Retry-After');
    }
    assert.deepEqual(statuses, [201, 201, 201, 429]);
    assert.equal(await viewCount(videos[3]!.id), 0);
  });
});
