// Attack covered: bad parameters on the studio's thumbnail page and its three forms (a candidate
// frame, the frame at a time, an uploaded picture): signed-out and banned requests, forged posts,
// wrong and malformed ids, another person's video (404 to strangers and moderators alike: the
// page is the owner's alone), missing, malformed and oversized fields and files, hostile
// pictures. Each gets its exact status, never a 500, and writes nothing: neither rows nor files.
import assert from 'node:assert/strict';
import path from 'node:path';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { runDataDir } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { filesUnder } from '../helpers/files.js';
import { jpegWithExif, pngBomb } from '../helpers/images.js';
import { attachRendition } from '../helpers/videos.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = { id: number; publicId: string };

describe('check params: studio thumbnail', function () {
  this.timeout(60_000);
  const t = useCheckedApp();
  let owner: User;
  let ownerAgent: Agent;
  let stranger: Agent;
  let moderator: Agent;
  let video: Video;

  before(async () => {
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    stranger = await signedInAgent(t.app, await createUser());
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    // A one-second rendition to take frames from; the row says one second too.
    video = await createVideo(owner, { title: 'Thumbnail by check-params', durationSeconds: 1 });
    await attachRendition(video);
  });

  const page = (id: string) => `/studio/videos/${id}/thumbnail`;
  /** What withoutWrites does not look at: the video's thumbnail columns and its files. */
  async function thumbnailState(v: Video) {
    const { rows } = await testPool().query('SELECT thumbnail_stem, thumbnail_widths, updated_at FROM videos WHERE id = $1', [v.id]);
    return { row: rows[0], files: filesUnder(path.join(runDataDir(), 'media', 'videos', v.publicId)).sort() };
  }
  async function unchanged<T>(v: Video, act: () => Promise<T>): Promise<T> {
    const before = await thumbnailState(v);
    const result = await withoutWrites(act);
    assert.deepEqual(await thumbnailState(v), before, 'the thumbnail changed');
    return result;
  }
  const picture = async (who: Agent, id: string, content: Buffer | string, name = 'me.jpg', field = 'picture') => {
    const token = await tokenOf(who, '/settings');
    return who.post(`${page(id)}/picture?_csrf=${encodeURIComponent(token)}`).attach(field, Buffer.isBuffer(content) ? content : Buffer.from(content), name);
  };
  const form = (who: Agent, id: string, action: string, fields: Record<string, string>) => postForm(who, `${page(id)}/${action}`, fields, { tokenPage: '/settings' });

  describe('GET /studio/videos/:id/thumbnail', () => {
    it('fails with a non-authenticated user or a banned account (303 to sign in, coming back)', async () => {
      assertSignIn(await supertest(t.app).get(page(video.publicId)), page(video.publicId));
      assertSignIn(await (await bannedAgent(t.app)).get(page(video.publicId)), page(video.publicId));
    });

    it('fails with an unknown or a malformed id (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await ownerAgent.get(page(id))).status, 404, id);
    });

    it("fails with someone else's video, public or private, for a stranger and a moderator (404)", async () => {
      const secret = await createVideo(owner, { visibility: 'private' });
      for (const who of [stranger, moderator]) {
        for (const v of [video, secret]) assert.equal((await unchanged(v, () => who.get(page(v.publicId)))).status, 404);
      }
    });

    it('succeeds for the owner, with the frames to choose from made on this first visit', async () => {
      const res = await ownerAgent.get(page(video.publicId));
      assert.equal(res.status, 200);
      assert.equal((res.text.match(/name="candidate"/g) ?? []).length, 3);
      const waiting = await createVideo(owner, { status: 'processing' });
      const processing = await ownerAgent.get(page(waiting.publicId));
      assert.equal(processing.status, 200);
      assert.match(processing.text, /once the video has been processed/);
    });
  });

  describe('POST /studio/videos/:id/thumbnail/candidate and /studio/videos/:id/thumbnail/frame', () => {
    const cases = [
      { action: 'candidate', fields: () => ({ candidate: 'candidate-00000000-1.jpg' }) },
      { action: 'frame', fields: () => ({ time: '0' }) },
    ];

    it('fails with a non-authenticated user or a banned account', async () => {
      for (const { action, fields } of cases) {
        assertSignIn(await unchanged(video, async () => postForm(await anonymousAgent(t.app), `${page(video.publicId)}/${action}`, fields(), { tokenPage: '/login' })));
        const banned = await bannedAgent(t.app);
        assertSignIn(await unchanged(video, () => form(banned, video.publicId, action, fields())));
      }
    });

    it('fails without a CSRF token (403)', async () => {
      for (const { action, fields } of cases) {
        assert.equal((await unchanged(video, () => ownerAgent.post(`${page(video.publicId)}/${action}`).type('form').send(fields()))).status, 403, action);
      }
    });

    it("fails with an unknown or malformed id, or someone else's video (404)", async () => {
      for (const { action, fields } of cases) {
        for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(() => form(ownerAgent, id, action, fields()))).status, 404, `${action} ${id}`);
        for (const who of [stranger, moderator]) assert.equal((await unchanged(video, () => form(who, video.publicId, action, fields()))).status, 404, action);
      }
    });

    it('fails with a missing, malformed, unknown or oversized candidate (422)', async () => {
      for (const candidate of [undefined, '', 'candidate-00000000-1.jpg', '../../etc/passwd', 'thumb-abcdef12-320.jpg', 'candidate-0000000g-1.jpg', 'x'.repeat(10_000)]) {
        const fields: Record<string, string> = candidate === undefined ? {} : { candidate };
        assert.equal((await unchanged(video, () => form(ownerAgent, video.publicId, 'candidate', fields))).status, 422, String(candidate).slice(0, 40));
      }
    });

    it('fails with a missing, malformed, negative, oversized or too late time (422)', async () => {
      for (const time of [undefined, '', ' ', '-1', '1e3', 'NaN', 'Infinity', '0x10', '1:2:3:4', '0:60', '99:00:00', '1', '2.5', '9'.repeat(10_000)]) {
        const fields: Record<string, string> = time === undefined ? {} : { time };
        assert.equal((await unchanged(video, () => form(ownerAgent, video.publicId, 'frame', fields))).status, 422, String(time).slice(0, 40));
      }
    });

    it('fails with a NUL byte in a field (400, as every form)', async () => {
      assert.equal((await unchanged(video, () => form(ownerAgent, video.publicId, 'candidate', { candidate: 'candidate-\u0000.jpg' }))).status, 400);
      assert.equal((await unchanged(video, () => form(ownerAgent, video.publicId, 'frame', { time: '0\u0000' }))).status, 400);
    });

    it('fails on a video still being processed (409)', async () => {
      const waiting = await createVideo(owner, { status: 'processing' });
      assert.equal((await unchanged(waiting, () => form(ownerAgent, waiting.publicId, 'frame', { time: '0' }))).status, 409);
    });

    it('succeeds with correct parameters (303 back to the page)', async () => {
      const { rows } = await testPool().query(`SELECT name FROM video_files WHERE video_id = $1 AND kind = 'candidate' ORDER BY name`, [video.id]);
      assert.equal(rows.length, 3);
      const chosen = await form(ownerAgent, video.publicId, 'candidate', { candidate: rows[0].name });
      assert.equal(chosen.status, 303);
      assert.equal(chosen.headers.location, page(video.publicId));
      assert.equal((await form(ownerAgent, video.publicId, 'frame', { time: '0:00.5' })).status, 303);
    });
  });

  describe('POST /studio/videos/:id/thumbnail/picture', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const token = await tokenOf(visitor, '/login');
      assertSignIn(await unchanged(video, async () => visitor.post(`${page(video.publicId)}/picture?_csrf=${encodeURIComponent(token)}`).attach('picture', await jpegWithExif(640, 360), 'me.jpg')));
      const banned = await bannedAgent(t.app);
      assertSignIn(await unchanged(video, async () => picture(banned, video.publicId, await jpegWithExif(640, 360))));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await unchanged(video, async () => ownerAgent.post(`${page(video.publicId)}/picture`).attach('picture', await jpegWithExif(640, 360), 'me.jpg'))).status, 403);
    });

    it("fails with an unknown or malformed id, or someone else's video (404)", async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(async () => picture(ownerAgent, id, await jpegWithExif(640, 360)))).status, 404, id);
      for (const who of [stranger, moderator]) assert.equal((await unchanged(video, async () => picture(who, video.publicId, await jpegWithExif(640, 360)))).status, 404);
    });

    it('fails with no file, a file in another field, or an unreadable form (422 or 400)', async () => {
      const token = await tokenOf(ownerAgent, '/settings');
      const url = `${page(video.publicId)}/picture?_csrf=${encodeURIComponent(token)}`;
      assert.equal((await unchanged(video, () => ownerAgent.post(url).field('nothing', 'here'))).status, 422);
      assert.equal((await unchanged(video, async () => picture(ownerAgent, video.publicId, await jpegWithExif(640, 360), 'me.jpg', 'avatar'))).status, 400);
      assert.equal((await unchanged(video, async () => ownerAgent.post(url).attach('picture', await jpegWithExif(640, 360), 'me\u0000.jpg'))).status, 400);
      const cut = () => ownerAgent.post(url).set('Content-Type', 'multipart/form-data; boundary=abc').send('--abc\r\nContent-Disposition: form-data; name="picture"; filename="a.jpg"\r\n\r\nxx');
      assert.equal((await unchanged(video, cut)).status, 400);
    });

    it('fails with text renamed .jpg, a pixel bomb, a tiny picture (422) and a file over 10 MB (413)', async () => {
      assert.equal((await unchanged(video, () => picture(ownerAgent, video.publicId, 'GIF89a but not really', 'me.jpg'))).status, 422);
      assert.equal((await unchanged(video, () => picture(ownerAgent, video.publicId, pngBomb(30_000), 'bomb.png'))).status, 422);
      assert.equal((await unchanged(video, async () => picture(ownerAgent, video.publicId, await jpegWithExif(64, 36)))).status, 422);
      assert.equal((await unchanged(video, () => picture(ownerAgent, video.publicId, Buffer.alloc(10 * 1024 * 1024 + 1, 0xff), 'big.jpg'))).status, 413);
    });

    it('succeeds with correct parameters (303 back to the page)', async () => {
      const res = await picture(ownerAgent, video.publicId, await jpegWithExif(640, 360));
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, page(video.publicId));
    });
  });
});
