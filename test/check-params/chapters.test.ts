// Attack covered: bad parameters on chapters (the studio's Chapters tab and the WebVTT track):
// signed-out and banned requests, forged posts, wrong and malformed ids, another person's video
// (404, whoever asks, moderators too: the studio is the owner's alone), missing, repeated,
// malformed and oversized fields, hostile characters. Each gets its exact status, never a 500,
// and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
const GOOD_ROWS: [string, string][] = [['0:00', 'Intro'], ['0:30', 'Middle'], ['1:00', 'End']];

describe('check params: chapters', () => {
  const t = useCheckedApp();
  let owner: User;
  let ownerAgent: Agent;
  let stranger: Agent;
  let moderator: Agent;
  let video: { id: number; publicId: string };

  before(async () => {
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    stranger = await signedInAgent(t.app, await createUser());
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    video = await createVideo(owner, { description: '0:00 A\n0:20 B\n0:40 C', durationSeconds: 90 });
  });

  /** The form as its page sends it; `extra` is appended raw (repeated or odd fields). */
  async function post(agent: Agent, id: string, source: string | null, rows: [string, string][], extra = '') {
    const body = new URLSearchParams({ _csrf: await tokenOf(agent, '/') });
    if (source !== null) body.append('source', source);
    for (const [start, title] of rows) {
      body.append('start[]', start);
      body.append('title[]', title);
    }
    return agent.post(`/studio/videos/${id}/chapters`).type('form').send(body.toString() + extra);
  }

  describe('GET /studio/videos/:id/chapters and POST /studio/videos/:id/chapters', () => {
    const page = (id: string) => `/studio/videos/${id}/chapters`;

    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await supertest(t.app).get(page(video.publicId)), page(video.publicId));
      assertSignIn(await (await bannedAgent(t.app)).get(page(video.publicId)), page(video.publicId));
      const [visitor, banned] = [await anonymousAgent(t.app), await bannedAgent(t.app)];
      assertSignIn(await withoutWrites(() => post(visitor, video.publicId, 'table', GOOD_ROWS)));
      assertSignIn(await withoutWrites(() => post(banned, video.publicId, 'table', GOOD_ROWS)));
    });

    it('fails without a CSRF token', async () => {
      const res = await withoutWrites(() => ownerAgent.post(page(video.publicId)).type('form').send('source=table&start%5B%5D=0:00&title%5B%5D=A'));
      assert.equal(res.status, 403);
    });

    it('fails with an unknown or a malformed id', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) {
        assert.equal((await ownerAgent.get(page(id))).status, 404, id);
        assert.equal((await withoutWrites(() => post(ownerAgent, id, 'table', GOOD_ROWS))).status, 404, id);
      }
    });

    it("fails with someone else's video, public or private, for other users and moderators alike (404)", async () => {
      const hidden = await createVideo(owner, { visibility: 'private' });
      for (const agent of [stranger, moderator]) {
        for (const target of [video, hidden]) {
          assert.equal((await agent.get(page(target.publicId))).status, 404);
          assert.equal((await withoutWrites(() => post(agent, target.publicId, 'table', GOOD_ROWS))).status, 404);
        }
      }
    });

    it('fails with a missing or unknown source (422)', async () => {
      for (const source of [null, '', 'both', 'TABLE', 'description ']) {
        const res = await withoutWrites(() => post(ownerAgent, video.publicId, source, GOOD_ROWS));
        assert.equal(res.status, 422, String(source));
        assert.match(res.text, /Choose where the chapters come from/);
      }
      // Repeated: two values of a radio button is not a choice.
      assert.equal((await withoutWrites(() => post(ownerAgent, video.publicId, 'table', GOOD_ROWS, '&source=description'))).status, 422);
    });

    it('fails with malformed, hostile or oversized rows (422), escaping what was typed', async () => {
      const cases: [string, [string, string][]][] = [
        ['a time that is not one', [['0:00', 'A'], ['0:3', 'B'], ['1:00', 'C']]],
        ['a negative or huge time', [['0:00', 'A'], ['-30', 'B'], ['99999999', 'C']]],
        ['a title over 100 characters', [['0:00', 'A'], ['0:30', 'x'.repeat(101)], ['1:00', 'C']]],
        ['control characters', [['0:00', 'A\u0007'], ['0:30', 'B\u001b[31m'], ['1:00', 'C\u0085']]],
        ['a newline in a title', [['0:00', 'A\nWEBVTT'], ['0:30', 'B'], ['1:00', 'C']]],
        ['HTML and a title with no time', [['0:00', 'A'], ['', '<script>alert(1)</script>'], ['1:00', 'C']]],
        ['two chapters only', [['0:00', 'A'], ['0:30', 'B']]],
        ['a chapter past the end', [['0:00', 'A'], ['0:30', 'B'], ['2:00', 'C']]],
        ['41 chapters', Array.from({ length: 41 }, (_, i) => [String(i * 2), `C${i}`] as [string, string])],
      ];
      for (const [what, rows] of cases) {
        const res = await withoutWrites(() => post(ownerAgent, video.publicId, 'table', rows));
        assert.equal(res.status, 422, what);
        assert.ok(!res.text.includes('<script>alert'), `${what}: typed text is escaped`);
      }
    });

    it('fails with a NUL character anywhere (400, as every form)', async () => {
      assert.equal((await withoutWrites(() => post(ownerAgent, video.publicId, 'table\u0000', GOOD_ROWS))).status, 400);
      assert.equal((await withoutWrites(() => post(ownerAgent, video.publicId, 'table', [['0:00', 'A\u0000'], ['0:30', 'B'], ['1:00', 'C']]))).status, 400);
    });

    it('fails with more rows than the form has fields for (413), or a body over 64 kB (413)', async () => {
      const rows = Array.from({ length: 60 }, (_, i) => [String(i * 10), `C${i}`] as [string, string]);
      assert.equal((await withoutWrites(() => post(ownerAgent, video.publicId, 'table', rows))).status, 413);
      assert.equal((await withoutWrites(() => post(ownerAgent, video.publicId, 'table', [['0:00', 'x'.repeat(70 * 1024)]]))).status, 413);
    });

    it('succeeds with correct parameters, and a resubmit changes nothing more', async () => {
      assert.equal((await ownerAgent.get(page(video.publicId))).status, 200);
      assert.equal((await post(ownerAgent, video.publicId, 'table', GOOD_ROWS)).status, 303);
      assert.equal((await withoutWrites(() => post(ownerAgent, video.publicId, 'table', GOOD_ROWS))).status, 303);
      assert.equal((await post(ownerAgent, video.publicId, 'description', [])).status, 303);
    });
  });

  describe('GET /media/videos/:id/chapters.vtt', () => {
    const track = (id: string) => `/media/videos/${id}/chapters.vtt`;

    it('fails with an unknown or a malformed id (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await supertest(t.app).get(track(id))).status, 404, id);
    });

    it('fails with a private video, for anyone but its owner and moderators (404)', async () => {
      const hidden = await createVideo(owner, { visibility: 'private' });
      assert.equal((await supertest(t.app).get(track(hidden.publicId))).status, 404);
      assert.equal((await stranger.get(track(hidden.publicId))).status, 404);
      assert.equal((await (await bannedAgent(t.app)).get(track(hidden.publicId))).status, 404);
      assert.equal((await ownerAgent.get(track(hidden.publicId))).status, 200);
    });

    it('succeeds with correct parameters', async () => {
      const res = await supertest(t.app).get(track(video.publicId));
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'text/vtt; charset=utf-8');
      assert.match(res.text, /^WEBVTT\n/);
    });
  });
});
