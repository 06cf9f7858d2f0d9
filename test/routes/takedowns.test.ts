import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import supertest from 'supertest';
import { decideAppeal, submitAppeal } from '../../src/db/appeals.js';
import { changeSiteSettings, resetSiteSettings, useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { assertSignIn, postForm, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { fixtures } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo, videoRow } from '../helpers/videos.js';

type User = Awaited<ReturnType<typeof createUser>>;

/** Letters only: one word for Postgres's parser, found by search. */
const word = () => `tkd${Array.from(crypto.randomBytes(8), (b) => 'bcdfghjklmnpqrstvwxz'[b % 20]).join('')}`;

async function auditRows(videoId: number) {
  const { rows } = await testPool().query(`SELECT * FROM audit_log WHERE target_kind = 'video' AND target_id = $1 ORDER BY id`, [String(videoId)]);
  return rows;
}

async function moderationOf(videoId: number): Promise<string> {
  const { rows } = await testPool().query('SELECT moderation FROM videos WHERE id = $1', [videoId]);
  return rows[0].moderation;
}

async function makeRole(name: string, permissions: string[]): Promise<void> {
  await testPool().query(`INSERT INTO roles (name, description) VALUES ($1, 'A role of the take-down tests') ON CONFLICT DO NOTHING`, [name]);
  for (const p of permissions) await testPool().query('INSERT INTO role_permissions (role, permission) VALUES ($1, $2) ON CONFLICT DO NOTHING', [name, p]);
}

const TAKEDOWN = { reason: 'copyright', policy: 'Rule 4: no uploads of films you do not own.', note: 'Matched the studio claim.' };

describe('take-downs, appeals and held uploads (issue 13, items 3 and 9)', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let moderator: User;
  let otherModerator: User;
  let ownerAgent: Agent;
  let moderatorAgent: Agent;
  let otherModeratorAgent: Agent;
  let adminAgent: Agent;
  let userAgent: Agent;
  let customAgent: Agent;
  let approverAgent: Agent;

  /** A listed video with a word of its own in its title (search, listings). */
  async function listedVideo(by: User = owner) {
    const w = word();
    const video = await createVideo(by, { title: `${w} clip`, tags: [w] });
    return { ...video, word: w };
  }

  const takeDown = (who: Agent, publicId: string, form: Record<string, string> = TAKEDOWN, query = '') => postForm(who, `/admin/videos/${publicId}/takedown${query}`, form);
  const appeal = (publicId: string, text = 'It is my own film; the licence is in the description.') => postForm(ownerAgent, `/studio/videos/${publicId}/appeal`, { text });
  const takedownId = async (videoId: number) => Number((await testPool().query('SELECT id FROM video_takedowns WHERE video_id = $1 ORDER BY id DESC LIMIT 1', [videoId])).rows[0].id);

  before(async () => {
    owner = await createUser();
    moderator = await createUser({ roles: ['moderator'] });
    otherModerator = await createUser({ roles: ['moderator'] });
    await makeRole('tkd_comments', ['comment.remove.any', 'report.handle']);
    await makeRole('tkd_approver', ['video.approve']);
    ownerAgent = await signedInAgent(t.app, owner);
    moderatorAgent = await signedInAgent(t.app, moderator);
    otherModeratorAgent = await signedInAgent(t.app, otherModerator);
    adminAgent = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    userAgent = await signedInAgent(t.app, await createUser());
    customAgent = await signedInAgent(t.app, await createUser({ roles: ['tkd_comments'] }));
    approverAgent = await signedInAgent(t.app, await createUser({ roles: ['tkd_approver'] }));
  });

  after(() => resetSiteSettings(t));

  describe('who may take down', () => {
    it('sends anonymous visitors to sign in; refuses users, the owner and a role without video.takedown (403); moderators and admins get the form', async () => {
      const video = await listedVideo();
      const path = `/admin/videos/${video.publicId}/takedown`;
      assertSignIn(await supertest(t.app).get(path), path);
      for (const who of [userAgent, ownerAgent, customAgent, approverAgent]) assert.equal((await who.get(path)).status, 403);
      for (const who of [moderatorAgent, adminAgent]) {
        const res = await who.get(path);
        assert.equal(res.status, 200);
        assert.match(res.text, /Take this video down/);
        assert.match(res.text, /Copyright infringement/, 'the report reasons\' labels');
      }
      for (const who of [userAgent, ownerAgent, customAgent]) {
        assert.equal((await withoutWrites(() => takeDown(who, video.publicId))).status, 403);
      }
      assert.equal(await moderationOf(video.id), 'none');
    });

    it('offers "Take down" on the watch page to moderators only', async () => {
      const video = await listedVideo();
      assert.match((await moderatorAgent.get(`/watch/${video.publicId}`)).text, /\/admin\/videos\/[^"]+\/takedown">Take down</);
      for (const who of [userAgent, ownerAgent, customAgent]) assert.doesNotMatch((await who.get(`/watch/${video.publicId}`)).text, /Take down</);
    });
  });

  describe('taking down', () => {
    it('hides the video everywhere, resolves its reports and records the audit row, in one go', async () => {
      const video = await listedVideo();
      const reporter = await signedInAgent(t.app, await createUser());
      assert.equal((await postForm(reporter, `/watch/${video.publicId}/report`, { reason: 'copyright', text: 'My film' })).status, 303);
      assert.match((await supertest(t.app).get(`/search?q=${video.word}`)).text, new RegExp(video.publicId));

      const res = await takeDown(moderatorAgent, video.publicId);
      assert.equal(res.status, 303);
      assert.equal(await moderationOf(video.id), 'taken_down');
      const { rows: reports } = await testPool().query(`SELECT status, handled_by FROM reports WHERE target_kind = 'video' AND target_id = $1`, [video.id]);
      assert.deepEqual(reports.map((r) => [r.status, Number(r.handled_by)]), [['handled', moderator.id]]);
      const audit = await auditRows(video.id);
      assert.equal(audit.at(-1).action, 'video.takedown');
      assert.equal(Number(audit.at(-1).actor_id), moderator.id);
      assert.equal(Number(audit.at(-1).subject_user_id), owner.id);
      assert.equal(audit.at(-1).reason, 'copyright');
      assert.equal(audit.at(-1).note, TAKEDOWN.note);
      assert.deepEqual(audit.at(-1).before, { moderation: 'none' });

      // Gone for everyone but its owner (and moderators).
      for (const path of [`/watch/${video.publicId}`, `/embed/${video.publicId}`, `/api/v1/videos/${video.publicId}`]) {
        assert.equal((await supertest(t.app).get(path)).status, 404, path);
        assert.equal((await userAgent.get(path)).status, 404, path);
      }
      assert.doesNotMatch((await supertest(t.app).get(`/search?q=${video.word}`)).text, new RegExp(video.publicId));
      assert.doesNotMatch((await supertest(t.app).get(`/@${owner.handle}`)).text, new RegExp(video.publicId));
      assert.doesNotMatch((await supertest(t.app).get('/feeds/videos.atom')).text, new RegExp(video.publicId));
      const watch = await ownerAgent.get(`/watch/${video.publicId}`);
      assert.equal(watch.status, 200);
      assert.match(watch.text, /Taken down/);
      assert.match(watch.text, /Rule 4: no uploads of films you do not own\./);
      assert.doesNotMatch(watch.text, /Matched the studio claim/, 'the note is for moderators');
    });

    it('shows the owner a "Taken down" badge in the studio and the reason, policy and date on the video\'s page', async () => {
      const video = await listedVideo();
      await takeDown(moderatorAgent, video.publicId);
      assert.match((await ownerAgent.get('/studio')).text, /Taken down<\/span>/);
      const page = await ownerAgent.get(`/studio/videos/${video.publicId}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /Copyright infringement/);
      assert.match(page.text, /Rule 4/);
      assert.match(page.text, /<time datetime="\d{4}-/);
      assert.match(page.text, /\/appeal">Appeal</);
    });

    it('comes back from the queue item with ?item=, and refuses a malformed one (400) writing nothing', async () => {
      const video = await listedVideo();
      const res = await takeDown(moderatorAgent, video.publicId, TAKEDOWN, '?item=42');
      assert.equal(res.headers.location, '/admin/reports/42');
      const other = await listedVideo();
      for (const item of ['0', 'abc', '1e3', '-1', '9'.repeat(20)]) {
        assert.equal((await withoutWrites(() => takeDown(moderatorAgent, other.publicId, TAKEDOWN, `?item=${item}`))).status, 400, item);
      }
    });

    it('refuses a form without a reason or policy, an unknown reason or text too long (422) and writes nothing', async () => {
      const video = await listedVideo();
      for (const form of [{}, { ...TAKEDOWN, reason: '' }, { ...TAKEDOWN, reason: 'impersonation' }, { ...TAKEDOWN, policy: '' }, { ...TAKEDOWN, policy: 'x'.repeat(2001) }, { ...TAKEDOWN, note: 'x'.repeat(1001) }, { ...TAKEDOWN, policy: 'bad\u0007text' }]) {
        const res = await withoutWrites(() => takeDown(moderatorAgent, video.publicId, form));
        assert.equal(res.status, 422, JSON.stringify(form).slice(0, 80));
      }
      const res = await takeDown(moderatorAgent, video.publicId, { ...TAKEDOWN, policy: '<script>alert(1)</script>' });
      assert.equal(res.status, 303);
      const page = await ownerAgent.get(`/studio/videos/${video.publicId}`);
      assert.ok(!page.text.includes('<script>alert(1)</script>'));
      assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    });

    it('takes a video down once: a second post changes nothing', async () => {
      const video = await listedVideo();
      await takeDown(moderatorAgent, video.publicId);
      const res = await withoutWrites(() => takeDown(otherModeratorAgent, video.publicId, { ...TAKEDOWN, reason: 'spam' }));
      assert.equal(res.status, 303);
    });
  });

  describe('appeals', () => {
    it('lets the owner appeal once (a second is 409), and nobody else (404)', async () => {
      const video = await listedVideo();
      assert.equal((await ownerAgent.get(`/studio/videos/${video.publicId}/appeal`)).status, 404, 'nothing to appeal');
      await takeDown(moderatorAgent, video.publicId);
      for (const who of [userAgent, moderatorAgent]) assert.equal((await who.get(`/studio/videos/${video.publicId}/appeal`)).status, 404);
      assertSignIn(await supertest(t.app).get(`/studio/videos/${video.publicId}/appeal`));
      assert.equal((await ownerAgent.get(`/studio/videos/${video.publicId}/appeal`)).status, 200);
      assert.equal((await withoutWrites(() => appeal(video.publicId, ''))).status, 422);
      assert.equal((await withoutWrites(() => appeal(video.publicId, 'x'.repeat(3001)))).status, 422);
      assert.equal((await appeal(video.publicId, 'x'.repeat(3000))).status, 303);
      const again = await withoutWrites(() => appeal(video.publicId, 'Please, again.'));
      assert.equal(again.status, 409);
      assert.match(again.text, /already appealed/);
      assert.equal((await auditRows(video.id)).at(-1).action, 'appeal.submit');
    });

    it('lists open appeals oldest first for moderators; 403 for users and a role without video.takedown', async () => {
      const first = await listedVideo();
      const second = await listedVideo();
      for (const v of [first, second]) await takeDown(moderatorAgent, v.publicId);
      await appeal(first.publicId);
      await appeal(second.publicId);
      for (const who of [userAgent, ownerAgent, customAgent, approverAgent]) assert.equal((await who.get('/admin/appeals')).status, 403);
      assertSignIn(await supertest(t.app).get('/admin/appeals'));
      const list = await otherModeratorAgent.get('/admin/appeals');
      assert.equal(list.status, 200);
      assert.ok(list.text.indexOf(first.word) > 0 && list.text.indexOf(first.word) < list.text.indexOf(second.word), 'oldest first');
    });

    it('is decided by a different moderator: the one who took it down gets no form, and 403 on posting, nothing written', async () => {
      const video = await listedVideo();
      await takeDown(moderatorAgent, video.publicId);
      await appeal(video.publicId);
      const id = await takedownId(video.id);
      const page = await moderatorAgent.get(`/admin/appeals/${id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /another moderator decides/);
      assert.doesNotMatch(page.text, /name="decision"/);
      const refused = await withoutWrites(() => postForm(moderatorAgent, `/admin/appeals/${id}`, { decision: 'restore', message: 'Mine.' }));
      assert.equal(refused.status, 403);
      assert.match(refused.text, /another moderator decides/);
      assert.equal(await moderationOf(video.id), 'taken_down');
      for (const who of [userAgent, ownerAgent, customAgent]) assert.equal((await withoutWrites(() => postForm(who, `/admin/appeals/${id}`, { decision: 'restore', message: 'x' }))).status, 403);
      assert.match((await otherModeratorAgent.get(`/admin/appeals/${id}`)).text, /name="decision"/);
    });

    it('restore brings the video back to listings, search and feeds; audited', async () => {
      const video = await listedVideo();
      await takeDown(moderatorAgent, video.publicId);
      await appeal(video.publicId);
      const id = await takedownId(video.id);
      assert.equal((await withoutWrites(() => postForm(otherModeratorAgent, `/admin/appeals/${id}`, { decision: 'maybe', message: 'x' }))).status, 422);
      assert.equal((await withoutWrites(() => postForm(otherModeratorAgent, `/admin/appeals/${id}`, { decision: 'restore', message: '' }))).status, 422);
      const res = await postForm(otherModeratorAgent, `/admin/appeals/${id}`, { decision: 'restore', message: 'The licence checks out.' });
      assert.equal(res.status, 303);
      assert.equal(await moderationOf(video.id), 'none');
      assert.equal((await supertest(t.app).get(`/watch/${video.publicId}`)).status, 200);
      assert.match((await supertest(t.app).get(`/search?q=${video.word}`)).text, new RegExp(video.publicId));
      assert.match((await supertest(t.app).get(`/@${owner.handle}`)).text, new RegExp(video.publicId));
      assert.match((await supertest(t.app).get('/feeds/videos.atom')).text, new RegExp(video.publicId));
      const audit = await auditRows(video.id);
      assert.equal(audit.at(-1).action, 'appeal.restore');
      assert.equal(Number(audit.at(-1).actor_id), otherModerator.id);
      // Decided: a second decision changes nothing.
      assert.equal((await withoutWrites(() => postForm(adminAgent, `/admin/appeals/${id}`, { decision: 'uphold', message: 'No.' }))).status, 303);
    });

    it('uphold keeps it down and tells the owner; no second appeal', async () => {
      const video = await listedVideo();
      await takeDown(moderatorAgent, video.publicId);
      await appeal(video.publicId);
      const id = await takedownId(video.id);
      assert.equal((await postForm(adminAgent, `/admin/appeals/${id}`, { decision: 'uphold', message: 'The licence is for another film.' })).status, 303);
      assert.equal(await moderationOf(video.id), 'taken_down');
      assert.equal((await auditRows(video.id)).at(-1).action, 'appeal.uphold');
      const page = await ownerAgent.get(`/studio/videos/${video.publicId}`);
      assert.match(page.text, /upheld/);
      assert.match(page.text, /The licence is for another film\./);
      assert.equal((await withoutWrites(() => appeal(video.publicId))).status, 409);
    });

    it('asks the different-moderator rule again in the transaction, and makes one appeal of two sent at once', async () => {
      const video = await listedVideo();
      await takeDown(moderatorAgent, video.publicId);
      const outcomes = await Promise.all([1, 2, 3].map((n) => submitAppeal(testPool(), { ownerId: owner.id, videoId: video.id, text: `Appeal ${n}` })));
      assert.deepEqual(outcomes.sort(), ['already', 'already', 'appealed']);
      const id = await takedownId(video.id);
      const outcome = await withoutWrites(() => decideAppeal(testPool(), { actorId: moderator.id, takedownId: id, decision: 'restore', message: 'Mine.' }));
      assert.equal(outcome, 'same_moderator');
      assert.equal(await moderationOf(video.id), 'taken_down');
    });

    it('404 for an unknown or malformed appeal id', async () => {
      for (const id of ['999999999', 'abc', '0', '1.5']) assert.equal((await otherModeratorAgent.get(`/admin/appeals/${id}`)).status, 404, id);
    });
  });

  describe('restore without an appeal', () => {
    it('lets a moderator (the taker too) restore, with a message; audited; users 403', async () => {
      const video = await listedVideo();
      await takeDown(moderatorAgent, video.publicId);
      for (const who of [userAgent, ownerAgent, customAgent]) assert.equal((await withoutWrites(() => postForm(who, `/admin/videos/${video.publicId}/restore`, { message: 'x' }))).status, 403);
      assert.equal((await withoutWrites(() => postForm(moderatorAgent, `/admin/videos/${video.publicId}/restore`, { message: '' }))).status, 422);
      assert.equal((await postForm(moderatorAgent, `/admin/videos/${video.publicId}/restore`, { message: 'Taken down by mistake.' })).status, 303);
      assert.equal(await moderationOf(video.id), 'none');
      assert.equal((await auditRows(video.id)).at(-1).action, 'video.restore');
      assert.match((await supertest(t.app).get(`/search?q=${video.word}`)).text, new RegExp(video.publicId));
      // Not taken down any more: nothing written.
      assert.equal((await withoutWrites(() => postForm(moderatorAgent, `/admin/videos/${video.publicId}/restore`, { message: 'Again.' }))).status, 303);
    });
  });

  describe('held uploads', () => {
    afterEach(() => resetSiteSettings(t));

    it('holds a new upload when the site says so: the owner sees "waiting for approval", nobody else sees it', async () => {
      await changeSiteSettings(t, { newUploads: 'held' });
      const res = await uploadVideo(ownerAgent, await fixtures.noAudio(), { title: 'Held upload', visibility: 'public' });
      assert.equal(res.status, 303);
      const publicId = publicIdFrom(res.headers.location);
      assert.equal((await videoRow(publicId)).moderation, 'held');
      assert.match((await ownerAgent.get('/studio')).text, /Waiting for approval/);
      assert.match((await ownerAgent.get(`/watch/${publicId}`)).text, /Waiting for approval/);
      assert.equal((await userAgent.get(`/watch/${publicId}`)).status, 404);
      await resetSiteSettings(t);
      const open = await uploadVideo(ownerAgent, await fixtures.noAudio(), { title: 'Open upload', visibility: 'public' });
      assert.equal((await videoRow(publicIdFrom(open.headers.location))).moderation, 'none');
    });

    it('lists held videos oldest first (video.approve), approves and rejects them, audited', async () => {
      const first = await listedVideo();
      const second = await listedVideo();
      for (const v of [first, second]) await testPool().query(`UPDATE videos SET moderation = 'held' WHERE id = $1`, [v.id]);
      assert.equal((await supertest(t.app).get(`/watch/${first.publicId}`)).status, 404);
      for (const who of [userAgent, ownerAgent, customAgent]) assert.equal((await who.get('/admin/videos/pending')).status, 403);
      assertSignIn(await supertest(t.app).get('/admin/videos/pending'));
      for (const who of [approverAgent, moderatorAgent, adminAgent]) assert.equal((await who.get('/admin/videos/pending')).status, 200);
      const list = (await approverAgent.get('/admin/videos/pending')).text;
      assert.ok(list.indexOf(first.word) > 0 && list.indexOf(first.word) < list.indexOf(second.word), 'oldest first');

      for (const who of [userAgent, ownerAgent, customAgent]) assert.equal((await withoutWrites(() => postForm(who, `/admin/videos/${first.publicId}/approve`))).status, 403);
      assert.equal((await postForm(approverAgent, `/admin/videos/${first.publicId}/approve`)).status, 303);
      assert.equal(await moderationOf(first.id), 'none');
      assert.equal((await auditRows(first.id)).at(-1).action, 'video.approve');
      assert.equal((await supertest(t.app).get(`/watch/${first.publicId}`)).status, 200);
      assert.match((await supertest(t.app).get(`/search?q=${first.word}`)).text, new RegExp(first.publicId));
      assert.equal((await withoutWrites(() => postForm(approverAgent, `/admin/videos/${first.publicId}/approve`))).status, 303, 'approved already: no error');

      assert.equal((await approverAgent.get(`/admin/videos/${second.publicId}/reject`)).status, 200);
      assert.equal((await withoutWrites(() => postForm(approverAgent, `/admin/videos/${second.publicId}/reject`, { reason: 'spam' }))).status, 422);
      assert.equal((await postForm(approverAgent, `/admin/videos/${second.publicId}/reject`, { reason: 'spam', policy: 'Rule 1: no spam.' })).status, 303);
      assert.equal(await moderationOf(second.id), 'taken_down');
      assert.equal((await auditRows(second.id)).at(-1).action, 'video.reject');
      assert.match((await ownerAgent.get(`/studio/videos/${second.publicId}`)).text, /Not approved/);
      assert.equal((await approverAgent.get(`/admin/videos/${second.publicId}/reject`)).status, 404, 'no longer held');
    });
  });
});
