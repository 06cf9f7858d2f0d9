// Attack covered: bad parameters on a video's studio details page, its save and its original
// file: signed-out and banned requests, forged posts, unknown and malformed ids, someone else's
// video (public or hidden, by a stranger or a moderator: 404, never revealing a private one),
// missing, unknown, oversized and repeated fields. Each gets its exact status, never a 500, and
// writes nothing (the video's columns the form sets, and no video_edits row).
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
const DAY = 24 * 3600 * 1000;

/** What a refused save must leave: the columns only this form sets, and the edit log. */
async function editState() {
  const { rows } = await testPool().query(`SELECT
    (SELECT count(*) FROM video_edits)::int AS edits,
    (SELECT md5(coalesce(string_agg(concat_ws('|', id, tags, category, language, publish_at), ',' ORDER BY id), '')) FROM videos) AS details`);
  return rows[0];
}
async function unchanged<T>(act: () => Promise<T>): Promise<T> {
  const before = await editState();
  const result = await withoutWrites(act);
  assert.deepEqual(await editState(), before, 'a refused save wrote something');
  return result;
}

describe('check params: studio details', () => {
  const t = useCheckedApp();
  let owner: User;
  let agent: Agent;
  let video: { id: number; publicId: string };
  let others: { id: number; publicId: string }[];
  let strangers: Agent[];

  before(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
    video = await createVideo(owner, { title: 'Checked' });
    const someoneElse = await createUser();
    others = [
      await createVideo(someoneElse, { visibility: 'public' }), await createVideo(someoneElse, { visibility: 'private' }),
      await createVideo(someoneElse, { visibility: 'unlisted' }), await createVideo(someoneElse, { visibility: 'scheduled' }),
      await createVideo(someoneElse, { status: 'processing' }),
    ];
    strangers = [await signedInAgent(t.app, await createUser()), await signedInAgent(t.app, await createUser({ roles: ['moderator'] })), await signedInAgent(t.app, await createUser({ roles: ['admin'] }))];
  });

  const form = (overrides: Record<string, string> = {}) => ({ title: 'Checked', description: '', tags: '', visibility: 'public', category: '', language: '', ...overrides });

  describe('GET /studio/videos/:id and /studio/videos/:id/original', () => {
    const pages = (id: string) => [`/studio/videos/${id}`, `/studio/videos/${id}/original`];

    it('fails with a non-authenticated user or a banned account (303 to sign in, coming back)', async () => {
      const banned = await bannedAgent(t.app);
      for (const page of pages(video.publicId)) {
        assertSignIn(await supertest(t.app).get(page), page);
        assertSignIn(await banned.get(page), page);
      }
    });

    it('fails with an unknown or a malformed id (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) for (const page of pages(id)) assert.equal((await agent.get(page)).status, 404, page);
    });

    it("fails with someone else's video, public or hidden, for strangers, moderators and admins (404)", async () => {
      for (const other of others) for (const who of strangers) for (const page of pages(other.publicId)) assert.equal((await who.get(page)).status, 404, page);
    });

    it('succeeds with correct parameters (the original: 404 while no file is kept for a video made without one)', async () => {
      assert.equal((await agent.get(`/studio/videos/${video.publicId}`)).status, 200);
      assert.equal((await agent.get(`/studio/videos/${video.publicId}/original`)).status, 404);
    });
  });

  describe('POST /studio/videos/:id', () => {
    const save = (who: Agent, id: string, fields: Record<string, string>) => postForm(who, `/studio/videos/${id}`, fields);

    it('fails with a non-authenticated user or a banned account', async () => {
      assertSignIn(await unchanged(async () => postForm(await anonymousAgent(t.app), `/studio/videos/${video.publicId}`, form({ title: 'Taken' }), { tokenPage: '/login' })));
      const banned = await bannedAgent(t.app);
      assertSignIn(await unchanged(() => postForm(banned, `/studio/videos/${video.publicId}`, form({ title: 'Taken' }), { tokenPage: '/login' })));
    });

    it('fails without a CSRF token, or with a wrong one (403)', async () => {
      assert.equal((await unchanged(() => agent.post(`/studio/videos/${video.publicId}`).type('form').send(form({ title: 'Forged' })))).status, 403);
      assert.equal((await unchanged(() => agent.post(`/studio/videos/${video.publicId}`).type('form').send({ _csrf: 'forged', ...form({ title: 'Forged' }) }))).status, 403);
    });

    it('fails with an unknown or a malformed id (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await unchanged(() => save(agent, id, form()))).status, 404, id);
    });

    it("fails with someone else's video, public or hidden, for strangers, moderators and admins (404)", async () => {
      for (const other of others) for (const who of strangers) assert.equal((await unchanged(() => save(who, other.publicId, form({ title: 'Taken over' })))).status, 404);
    });

    it('fails with missing, unknown, repeated or oversized fields (422)', async () => {
      const refused: Record<string, string>[] = [
        {}, form({ title: '' }), form({ title: 'x'.repeat(101) }), form({ description: 'x'.repeat(5001) }), form({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(',') }),
        { title: 'Checked', visibility: 'hidden' }, form({ visibility: 'deleted' }),
        form({ category: '1' }), form({ category: '<script>' }), form({ language: 'klingon' }), form({ language: 'en\n' }),
        form({ visibility: 'scheduled' }), form({ visibility: 'scheduled', publishDate: '1999-01-01', publishTime: '10:00' }),
        form({ visibility: 'scheduled', publishDate: new Date(Date.now() + 500 * DAY).toISOString().slice(0, 10), publishTime: '10:00' }),
        form({ visibility: 'scheduled', publishDate: '2099-99-99', publishTime: '99:99' }),
        form({ visibility: 'scheduled', publishDate: new Date(Date.now() + DAY).toISOString().slice(0, 10), publishTime: '10:00', timeZone: 'Not/AZone' }),
      ];
      for (const fields of refused) assert.equal((await unchanged(() => save(agent, video.publicId, fields))).status, 422, JSON.stringify(fields).slice(0, 100));
      const token = (await agent.get(`/studio/videos/${video.publicId}`)).text.match(/name="_csrf" value="([^"]+)"/)![1]!;
      const repeated = await unchanged(() => agent.post(`/studio/videos/${video.publicId}`).type('form').send(`_csrf=${encodeURIComponent(token)}&title=a&title=b&visibility=public&category=music&category=gaming`));
      assert.equal(repeated.status, 422);
    });

    it('fails with a body over the form limit (413)', async () => {
      assert.equal((await unchanged(() => save(agent, video.publicId, form({ description: 'x'.repeat(10 * 1024 * 1024) })))).status, 413);
    });

    it('succeeds with correct parameters (303 back to the page)', async () => {
      const res = await save(agent, video.publicId, form({ title: 'Checked and saved', category: 'music', language: 'en' }));
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/studio/videos/${video.publicId}`);
      const { rows } = await testPool().query('SELECT title, category, language FROM videos WHERE id = $1', [video.id]);
      assert.deepEqual(rows[0], { title: 'Checked and saved', category: 'music', language: 'en' });
    });
  });
});
