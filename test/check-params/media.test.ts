// Attack covered: bad parameters on media files (video files, avatars): unknown, malformed and
// path-traversing ids and names, another video's file name, hidden videos' files, odd ranges.
// Each gets its exact status, never a 500; no path from the request reaches the file system.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, bannedAgent, useCheckedApp } from '../helpers/check-params.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

type Made = { id: number; publicId: string; file: string };

describe('check params: media', () => {
  const t = useCheckedApp();
  let open: Made;
  let hidden: Made;
  let ownerAgent: Agent;

  before(async () => {
    const owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    const a = await createVideo(owner, { title: 'Public media' });
    const b = await createVideo(owner, { title: 'Private media', visibility: 'private' });
    open = { ...a, file: await attachRendition(a) };
    hidden = { ...b, file: await attachRendition(b) };
  });

  const media = (id: string, name: string) => `/media/videos/${id}/${name}`;

  describe('GET /media/videos/:id/:name', () => {
    it('fails with an unknown or a malformed id', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await supertest(t.app).get(media(id, open.file))).status, 404, id);
    });

    it("fails with an unknown, malformed or path-traversing name, or another video's file name", async () => {
      const wrong: string[] = [];
      for (const name of ['360p.mp4', 'source', '..%2F..%2Fsecrets%2Fsession-secret', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', 'x.mp4%00.jpg', 'X.MP4', `${'a'.repeat(70)}.mp4`, hidden.file]) {
        const res = await supertest(t.app).get(media(open.publicId, name));
        if (res.status !== 404) wrong.push(`${name}: ${res.status}`);
      }
      assert.deepEqual(wrong, [], 'each is 404');
    });

    it('fails with a private video, for anyone but its owner (404)', async () => {
      assert.equal((await supertest(t.app).get(media(hidden.publicId, hidden.file))).status, 404);
      assert.equal((await (await signedInAgent(t.app, await createUser())).get(media(hidden.publicId, hidden.file))).status, 404);
      assert.equal((await (await bannedAgent(t.app)).get(media(hidden.publicId, hidden.file))).status, 404);
      assert.equal((await ownerAgent.get(media(hidden.publicId, hidden.file))).status, 200);
    });

    it('answers a range outside the file with 416, and a malformed range with the whole file', async () => {
      assert.equal((await supertest(t.app).get(media(open.publicId, open.file)).set('Range', 'bytes=999999999-')).status, 416);
      for (const range of ['bytes=abc', 'pages=0-1', 'bytes=5-1', 'bytes=' + '0-1,'.repeat(500) + '0-1']) {
        const res = await supertest(t.app).get(media(open.publicId, open.file)).set('Range', range);
        assert.ok([200, 206, 416].includes(res.status), `${range.slice(0, 30)} answered ${res.status}`);
      }
    });

    it('succeeds with correct parameters, with Range', async () => {
      const res = await supertest(t.app).get(media(open.publicId, open.file)).set('Range', 'bytes=0-9');
      assert.equal(res.status, 206);
      assert.equal(res.headers['content-type'], 'video/mp4');
    });
  });

  describe('GET /media/avatars/…', () => {
    it('fails with an unknown, malformed or path-traversing name (404)', async () => {
      for (const path of ['/media/avatars/nothing/48.webp', '/media/avatars/..%2F..%2Fsecrets%2Fsession-secret', '/media/avatars/%2e%2e/%2e%2e/secrets/session-secret', '/media/avatars/.hidden', '/media/avatars/']) {
        assert.equal((await supertest(t.app).get(path)).status, 404, path);
      }
    });
  });
});
