// Attack covered: bad parameters on a video's captions (the studio page, uploading, deleting,
// and the served WebVTT file): signed-out and banned requests, forged posts, wrong and
// malformed ids and languages, another person's video (404, even to a moderator: the studio is
// the owner's), missing, malformed, hostile and oversized fields and files. Each gets its exact
// status, never a 500, writes nothing and leaves no temporary file.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { createUser, createVideo } from '../helpers/factories.js';

type Made = { id: number; publicId: string };
const VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n';
const page = (id: string) => `/studio/videos/${id}/captions`;
const file = (id: string, language: string) => `/media/videos/${id}/captions/${language}.vtt`;

describe('check params: studio captions', () => {
  const t = useCheckedApp();
  let ownerAgent: Agent;
  let stranger: Agent;
  let moderator: Agent;
  let video: Made;
  let hidden: Made;

  before(async () => {
    const owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    stranger = await signedInAgent(t.app, await createUser());
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    video = await createVideo(owner, { title: 'Captions checked' });
    hidden = await createVideo(owner, { title: 'Private captions checked', visibility: 'private' });
    for (const v of [video, hidden]) assert.equal((await send(ownerAgent, v.publicId, { language: 'en', label: 'English' }, { content: VTT, name: 'en.vtt' })).status, 303);
  });

  /** The upload form as the page sends it: multipart, the token in the query string (unless withToken is false). */
  async function send(agent: Agent, id: string, fields: Record<string, string>, upload: { content: Buffer | string; name: string; field?: string } | null, withToken = true) {
    const token = withToken ? await tokenOf(agent, '/settings') : null;
    let req = agent.post(token ? `${page(id)}?_csrf=${encodeURIComponent(token)}` : page(id));
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    return upload ? req.attach(upload.field ?? 'file', Buffer.from(upload.content), upload.name) : req;
  }
  const good = { language: 'fr', label: 'Français' };
  const vtt = { content: VTT, name: 'fr.vtt' };

  describe('GET /studio/videos/:id/captions', () => {
    it('fails with a non-authenticated user or a banned account (303 to sign in)', async () => {
      assertSignIn(await supertest(t.app).get(page(video.publicId)), page(video.publicId));
      assertSignIn(await (await bannedAgent(t.app)).get(page(video.publicId)), page(video.publicId));
    });

    it("fails with an unknown or malformed id, or someone else's video, to a moderator too (404)", async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await ownerAgent.get(page(id))).status, 404, id);
      for (const who of [stranger, moderator]) {
        assert.equal((await who.get(page(video.publicId))).status, 404);
        assert.equal((await who.get(page(hidden.publicId))).status, 404);
      }
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await ownerAgent.get(page(hidden.publicId))).status, 200);
    });
  });

  describe('POST /studio/videos/:id/captions', () => {
    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await withoutWrites(async () => send(await anonymousAgent(t.app), video.publicId, good, vtt)));
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => send(banned, video.publicId, good, vtt)));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await withoutWrites(() => send(ownerAgent, video.publicId, good, vtt, false))).status, 403);
    });

    it("fails with an unknown or malformed id, or someone else's video (404)", async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(() => send(ownerAgent, id, good, vtt))).status, 404, id);
      for (const who of [stranger, moderator]) assert.equal((await withoutWrites(() => send(who, hidden.publicId, good, vtt))).status, 404);
    });

    it('fails with a missing field or file (422)', async () => {
      for (const [fields, upload] of <[Record<string, string>, typeof vtt | null][]>[[{ label: 'x' }, vtt], [{ language: 'fr' }, vtt], [good, null]]) {
        assert.equal((await withoutWrites(() => send(ownerAgent, video.publicId, fields, upload))).status, 422, JSON.stringify(fields));
      }
    });

    it('fails with a malformed or oversized language or label (422)', async () => {
      const bad = [
        { language: 'english' }, { language: 'en_US' }, { language: '<script>' }, { language: 'e' }, { language: `en-${'a'.repeat(40)}` },
        { language: 'en-x-private' }, { language: 'en\u0000' }, { label: 'l'.repeat(61) }, { label: 'line\nbreak' }, { label: 'bell\u0007' }, { label: '   ' },
      ];
      for (const fields of bad) assert.equal((await withoutWrites(() => send(ownerAgent, video.publicId, { ...good, ...fields }, vtt))).status, 422, JSON.stringify(fields));
    });

    it('fails with a malformed, binary or non-UTF-8 file (422)', async () => {
      const files = ['WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nbackwards\n', 'no header\n', '', '\u0000\u0001\u0002binary', Buffer.from([0xff, 0xfe, 0x00, 0x41])];
      for (const content of files) {
        const res = await withoutWrites(() => send(ownerAgent, video.publicId, good, { content: content as string, name: 'x.vtt' }));
        assert.equal(res.status, 422, JSON.stringify(String(content).slice(0, 20)));
      }
    });

    it('fails with a file over 2 MiB (413), or in another field, or two files (400)', async () => {
      assert.equal((await withoutWrites(() => send(ownerAgent, video.publicId, good, { content: Buffer.alloc(2 * 1024 * 1024 + 1, 'a'), name: 'big.vtt' }))).status, 413);
      assert.equal((await withoutWrites(() => send(ownerAgent, video.publicId, good, { ...vtt, field: 'other' }))).status, 400);
      const token = await tokenOf(ownerAgent, '/settings');
      const two = ownerAgent.post(`${page(video.publicId)}?_csrf=${encodeURIComponent(token)}`).field('language', 'fr').field('label', 'Français')
        .attach('file', Buffer.from(VTT), 'a.vtt').attach('file', Buffer.from(VTT), 'b.vtt');
      assert.equal((await withoutWrites(() => two)).status, 400);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await send(ownerAgent, video.publicId, good, vtt)).status, 303);
    });
  });

  describe('POST /studio/videos/:id/captions/:language/delete', () => {
    const remove = (agent: Agent, id: string, language: string) => postForm(agent, `${page(id)}/${language}/delete`, {}, { tokenPage: '/settings' });

    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await withoutWrites(async () => postForm(await anonymousAgent(t.app), `${page(video.publicId)}/en/delete`, {}, { tokenPage: '/login' })));
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => remove(banned, video.publicId, 'en')));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await withoutWrites(() => ownerAgent.post(`${page(video.publicId)}/en/delete`).type('form').send({}))).status, 403);
    });

    it("fails with an unknown or malformed id or language, or someone else's video (404)", async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(() => remove(ownerAgent, id, 'en'))).status, 404, id);
      for (const language of ['english', '..%2F..', 'en%00', 'x'.repeat(40)]) assert.equal((await withoutWrites(() => remove(ownerAgent, video.publicId, language))).status, 404, language);
      for (const who of [stranger, moderator]) assert.equal((await withoutWrites(() => remove(who, hidden.publicId, 'en'))).status, 404);
    });

    it('succeeds with correct parameters, and again for a language already removed (303)', async () => {
      assert.equal((await remove(ownerAgent, video.publicId, 'en')).status, 303);
      assert.equal((await withoutWrites(() => remove(ownerAgent, video.publicId, 'en'))).status, 303);
    });
  });

  describe('GET /media/videos/:id/captions/:language.vtt', () => {
    it('fails with an unknown or malformed id or language (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await supertest(t.app).get(file(id, 'en'))).status, 404, id);
      for (const language of ['de', 'english', '..%2F..%2Fetc%2Fpasswd', 'en%00', 'x'.repeat(40), 'en.vtt']) {
        assert.equal((await supertest(t.app).get(file(hidden.publicId, language))).status, 404, language);
      }
    });

    it("fails with a private video's captions, for anyone but its owner (404)", async () => {
      assert.equal((await supertest(t.app).get(file(hidden.publicId, 'en'))).status, 404);
      assert.equal((await stranger.get(file(hidden.publicId, 'en'))).status, 404);
      assert.equal((await (await bannedAgent(t.app)).get(file(hidden.publicId, 'en'))).status, 404);
    });

    it('succeeds with correct parameters, for the owner and a moderator (who sees every video)', async () => {
      assert.equal((await ownerAgent.get(file(hidden.publicId, 'en'))).status, 200);
      assert.equal((await moderator.get(file(hidden.publicId, 'en'))).status, 200);
    });
  });
});
