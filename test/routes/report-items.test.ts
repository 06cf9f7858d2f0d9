import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertComment } from '../../src/db/comments.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, postForm, tokenOf, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { createUserWithPermissions, fileReport, openItemId, reportedItem } from '../helpers/report-items.js';
import { attachRendition } from '../helpers/videos.js';

type User = Awaited<ReturnType<typeof createUser>>;

async function item(id: number) {
  const { rows } = await testPool().query(`SELECT status, handled_by, handled_at, action, claimed_by, report_count FROM report_items WHERE id = $1`, [id]);
  return rows[0];
}
async function reportStates(id: number): Promise<string[]> {
  const { rows } = await testPool().query(`SELECT status, handled_by FROM reports WHERE item_id = $1 ORDER BY id`, [id]);
  return rows.map((r) => `${r.status}:${r.handled_by ?? '-'}`);
}
async function audit(action: string, targetKind: string, targetId: number) {
  const { rows } = await testPool().query(`SELECT * FROM audit_log WHERE action = $1 AND target_kind = $2 AND target_id = $3 ORDER BY id`, [action, targetKind, String(targetId)]);
  return rows;
}
async function warningsOf(userId: number) {
  const { rows } = await testPool().query(`SELECT * FROM warnings WHERE user_id = $1 ORDER BY id`, [userId]);
  return rows;
}
const comment = async (videoId: number, authorId: number, body = `A reported comment ${Math.random()}`) =>
  (await insertComment(testPool(), { videoId, authorId, body, parent: null }))!.id;

describe('a queue item: page, claims and actions (issue 13, item 2)', function () {
  this.timeout(90_000);
  const t = useTestApp();
  let moderator: User;
  let moderator2: User;
  let admin: User;
  let reader: User;
  let mod: Agent;
  let mod2: Agent;
  let adm: Agent;
  let user: Agent;
  /** A custom role: works the queue (report.handle) but cannot ban, warn or remove comments. */
  let custom: Agent;

  before(async () => {
    moderator = await createUser({ roles: ['moderator'] });
    moderator2 = await createUser({ roles: ['moderator'] });
    admin = await createUser({ roles: ['admin'] });
    reader = await createUserWithPermissions(['report.handle']);
    mod = await signedInAgent(t.app, moderator);
    mod2 = await signedInAgent(t.app, moderator2);
    adm = await signedInAgent(t.app, admin);
    user = await signedInAgent(t.app, await createUser());
    custom = await signedInAgent(t.app, reader);
  });

  describe('GET /admin/reports/:id', () => {
    it('shows a video item: the player at the reported time, every report, the author\'s history, the actions this role may take', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { title: 'Reported <clip>', durationSeconds: 300 });
      await attachRendition(video);
      const earlier = await reportedItem('channel', owner.id, owner.id, { reason: 'hate' });
      await postForm(mod, `/admin/reports/${earlier}/dismiss`, { reason: 'no_violation' });
      await fileReport('video', video.id, owner.id, { reason: 'violence', text: 'At 1:23 <b>someone</b> is hurt', seconds: 83 });
      await fileReport('video', video.id, owner.id, { reason: 'spam', text: 'Also spam' });
      const id = (await openItemId('video', video.id))!;
      assertSignIn(await supertest(t.app).get(`/admin/reports/${id}`), `/admin/reports/${id}`);
      assert.equal((await user.get(`/admin/reports/${id}`)).status, 403);
      const page = await mod.get(`/admin/reports/${id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /Reported &lt;clip&gt;/);
      assert.match(page.text, /#t=83" type="video\/mp4"/);
      assert.match(page.text, /At 1:23 &lt;b&gt;someone&lt;\/b&gt; is hurt/);
      assert.match(page.text, /Also spam/);
      assert.match(page.text, /Violence or dangerous acts/);
      assert.match(page.text, new RegExp(`href="/admin/reports/${earlier}"`), 'other items about the author');
      assert.match(page.text, new RegExp(`href="/admin/videos/${video.publicId}/takedown\\?item=${id}"`));
      for (const form of ['dismiss', 'warn', 'ban']) assert.match(page.text, new RegExp(`action="/admin/reports/${id}/${form}"`), form);
      assert.doesNotMatch(page.text, /remove-comment/, 'no removal on a video');
      assert.match((await mod.get(`/admin/reports/${id}?t=10`)).text, /#t=10"/, 'a report\'s time link starts there');
      // The custom role sees the item and dismisses, nothing else.
      const limited = await custom.get(`/admin/reports/${id}`);
      assert.equal(limited.status, 200);
      assert.match(limited.text, new RegExp(`action="/admin/reports/${id}/dismiss"`));
      for (const absent of ['/warn"', '/ban"', '/takedown']) assert.doesNotMatch(limited.text, new RegExp(absent.replace('?', '\\?')), absent);
      assert.equal((await adm.get(`/admin/reports/${id}`)).status, 200);
    });

    it('shows a comment item with its text and link, and a channel item with its header', async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const c = await comment(video.id, owner.id, 'Rude words here');
      const id = await reportedItem('comment', c, owner.id, { reason: 'harassment' });
      const page = await mod.get(`/admin/reports/${id}`);
      assert.match(page.text, /Rude words here/);
      assert.match(page.text, new RegExp(`href="/watch/${video.publicId}\\?thread=${c}#comment-${c}"`));
      assert.match(page.text, new RegExp(`action="/admin/reports/${id}/remove-comment"`));
      assert.doesNotMatch((await custom.get(`/admin/reports/${id}`)).text, /remove-comment/);
      const channel = await reportedItem('channel', owner.id, owner.id, { reason: 'other' });
      const header = await mod.get(`/admin/reports/${channel}`);
      assert.match(header.text, /class="channel-header"/);
      assert.match(header.text, new RegExp(`href="/@${owner.handle}"`));
    });

    it('is a 404 for ids that are not items', async () => {
      for (const id of ['0', 'abc', '99999999999', '1e3', '-1', '9'.repeat(17), '%00']) assert.equal((await mod.get(`/admin/reports/${id}`)).status, 404, id);
    });
  });

  describe('POST /admin/reports/:id/dismiss', () => {
    it('dismisses every report of the item with the audit row; the reporters see it reviewed; a second dismissal is a 409 that writes nothing', async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const reporter = await createUser();
      const reporterAgent = await signedInAgent(t.app, reporter);
      await fileReport('video', video.id, owner.id, { reporterId: reporter.id });
      await fileReport('video', video.id, owner.id);
      await fileReport('video', video.id, owner.id, { reason: 'hate' });
      const id = (await openItemId('video', video.id))!;
      assert.match((await reporterAgent.get('/settings/reports')).text, /Waiting for review/);
      const res = await postForm(mod, `/admin/reports/${id}/dismiss`, { reason: 'no_violation', note: 'Looked fine' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/admin/reports');
      const row = await item(id);
      assert.deepEqual([row.status, row.handled_by, row.action], ['dismissed', moderator.id, 'dismiss']);
      assert.deepEqual(await reportStates(id), Array(3).fill(`dismissed:${moderator.id}`));
      const [entry, ...more] = await audit('report.dismiss', 'report', id);
      assert.equal(more.length, 0);
      assert.deepEqual([entry.actor_id, entry.reason, entry.note, entry.before.status, entry.after.status], [moderator.id, 'no_violation', 'Looked fine', 'open', 'dismissed']);
      assert.match((await reporterAgent.get('/settings/reports')).text, /Reviewed: no action taken/);
      const again = await withoutWrites(() => postForm(mod2, `/admin/reports/${id}/dismiss`, { reason: 'other' }));
      assert.equal(again.status, 409);
      assert.match(again.text, /Another moderator closed this item first/);
    });

    it('is for report.handle: sign in, 403 for users; the custom role may dismiss', async () => {
      const owner = await createUser();
      const id = await reportedItem('channel', owner.id, owner.id);
      assertSignIn(await withoutWrites(async () => postForm(await anonymousAgent(t.app), `/admin/reports/${id}/dismiss`, { reason: 'other' })));
      assert.equal((await withoutWrites(() => postForm(user, `/admin/reports/${id}/dismiss`, { reason: 'other' }))).status, 403);
      assert.equal((await postForm(custom, `/admin/reports/${id}/dismiss`, { reason: 'other' })).status, 303);
      assert.equal((await item(id)).handled_by, reader.id);
    });

    it('two moderators at once: one closes it, the other gets a 409; one audit row', async () => {
      const owner = await createUser();
      const id = await reportedItem('channel', owner.id, owner.id);
      const answers = await Promise.all([postForm(mod, `/admin/reports/${id}/dismiss`, { reason: 'other' }), postForm(mod2, `/admin/reports/${id}/dismiss`, { reason: 'other' })]);
      assert.deepEqual(answers.map((a) => a.status).sort(), [303, 409]);
      assert.equal((await audit('report.dismiss', 'report', id)).length, 1);
    });
  });

  describe('POST /admin/reports/:id/remove-comment', () => {
    it('removes the comment through the moderators\' removal, closing every report as handled', async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const c = await comment(video.id, owner.id);
      const reporter = await createUser();
      await fileReport('comment', c, owner.id, { reporterId: reporter.id });
      await fileReport('comment', c, owner.id, { reason: 'hate' });
      const id = (await openItemId('comment', c))!;
      assert.equal((await withoutWrites(() => postForm(custom, `/admin/reports/${id}/remove-comment`, { reason: 'spam' }))).status, 403);
      assert.equal((await withoutWrites(() => postForm(user, `/admin/reports/${id}/remove-comment`, { reason: 'spam' }))).status, 403);
      const res = await postForm(mod, `/admin/reports/${id}/remove-comment`, { reason: 'hate', note: 'Slur' });
      assert.equal(res.status, 303);
      const { rows } = await testPool().query('SELECT id FROM comments WHERE id = $1', [c]);
      assert.equal(rows.length, 0, 'the comment is gone');
      assert.deepEqual([(await item(id)).status, (await item(id)).action], ['handled', 'comment.remove']);
      assert.deepEqual(await reportStates(id), Array(2).fill(`handled:${moderator.id}`));
      const [entry] = await audit('comment.remove', 'comment', c);
      assert.deepEqual([entry.actor_id, entry.subject_user_id, entry.reason, entry.note], [moderator.id, owner.id, 'hate', 'Slur']);
      assert.match((await (await signedInAgent(t.app, reporter)).get('/settings/reports')).text, /Handled: a moderator acted on it/);
    });

    it('is a 404 on an item that is not about a comment; a removal from the comment\'s own page resolves its reports too', async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const videoItem = await reportedItem('video', video.id, owner.id);
      assert.equal((await withoutWrites(() => postForm(mod, `/admin/reports/${videoItem}/remove-comment`, { reason: 'spam' }))).status, 404);
      const c = await comment(video.id, owner.id);
      const id = await reportedItem('comment', c, owner.id);
      assert.equal((await postForm(adm, `/comments/${c}/remove`, { reason: 'spam' })).status, 303);
      assert.deepEqual([(await item(id)).status, (await item(id)).handled_by, (await item(id)).action], ['handled', admin.id, 'comment.remove']);
    });
  });

  describe('POST /admin/reports/:id/warn', () => {
    it('warns the author: a notice on their next page until "I understand", a list in their settings, their history for moderators', async () => {
      const owner = await createUser();
      const ownerAgent = await signedInAgent(t.app, owner);
      const video = await createVideo(owner);
      const id = await reportedItem('video', video.id, owner.id, { reason: 'harassment' });
      assert.equal((await withoutWrites(() => postForm(custom, `/admin/reports/${id}/warn`, { reason: 'harassment', message: 'Stop' }))).status, 403);
      const res = await postForm(mod, `/admin/reports/${id}/warn`, { reason: 'harassment', message: 'Please stop <insulting> people.', note: 'Second time' });
      assert.equal(res.status, 303);
      const [warning, ...more] = await warningsOf(owner.id);
      assert.equal(more.length, 0);
      assert.deepEqual([warning.moderator_id, warning.reason, warning.message, warning.note, Number(warning.item_id), warning.seen_at], [moderator.id, 'harassment', 'Please stop <insulting> people.', 'Second time', id, null]);
      assert.deepEqual([(await item(id)).status, (await item(id)).action], ['handled', 'user.warn']);
      const [entry] = await audit('user.warn', 'user', owner.id);
      assert.deepEqual([entry.actor_id, entry.subject_user_id, entry.reason, entry.note, entry.after.message], [moderator.id, owner.id, 'harassment', 'Second time', 'Please stop <insulting> people.']);
      // The author sees it on any page, with the reason and message but never the note.
      for (const path of ['/', `/watch/${video.publicId}`, '/settings']) {
        const page = await ownerAgent.get(path);
        assert.match(page.text, /A warning from the moderators/, path);
        assert.match(page.text, /Please stop &lt;insulting&gt; people\./);
        assert.match(page.text, /Harassment or bullying/);
        assert.doesNotMatch(page.text, /Second time/);
      }
      const list = await ownerAgent.get('/settings/warnings');
      assert.match(list.text, /Please stop &lt;insulting&gt; people\./);
      // Someone else cannot acknowledge it for them.
      await postForm(user, `/settings/warnings/${warning.id}/acknowledge`, { next: '/' });
      assert.equal((await warningsOf(owner.id))[0].seen_at, null);
      const ack = await postForm(ownerAgent, `/settings/warnings/${warning.id}/acknowledge`, { next: `/watch/${video.publicId}` });
      assert.equal(ack.status, 303);
      assert.equal(ack.headers.location, `/watch/${video.publicId}`);
      assert.ok((await warningsOf(owner.id))[0].seen_at);
      assert.doesNotMatch((await ownerAgent.get('/')).text, /A warning from the moderators/);
      assert.match((await ownerAgent.get('/settings/warnings')).text, /Acknowledged/);
      assert.equal((await postForm(ownerAgent, `/settings/warnings/${warning.id}/acknowledge`, { next: 'https://evil.example/' })).headers.location, '/settings/warnings');
      // Moderators see it in the author's history: their page, and another item about them.
      assert.match((await mod.get(`/admin/users/${owner.handle}`)).text, /Please stop &lt;insulting&gt; people\.[\s\S]*acknowledged|acknowledged[\s\S]*Please stop/);
      const next = await reportedItem('channel', owner.id, owner.id);
      const history = (await mod.get(`/admin/reports/${next}`)).text;
      assert.match(history, /Please stop &lt;insulting&gt; people\./);
      assert.match(history, /user\.warn/);
    });

    it('refuses a warning to oneself (403)', async () => {
      const video = await createVideo(moderator);
      const id = await reportedItem('video', video.id, moderator.id);
      assert.equal((await withoutWrites(() => postForm(mod, `/admin/reports/${id}/warn`, { reason: 'spam', message: 'Me' }))).status, 403);
    });
  });

  describe('POST /admin/reports/:id/ban', () => {
    it('bans the author through the ban function, closing every report; moderators are banned only by admins; the custom role may not', async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const id = await reportedItem('video', video.id, owner.id, { reason: 'child_safety' });
      assert.equal((await withoutWrites(() => postForm(custom, `/admin/reports/${id}/ban`, { reason: 'child_safety' }))).status, 403);
      const res = await postForm(mod, `/admin/reports/${id}/ban`, { reason: 'child_safety', note: 'Reported to police' });
      assert.equal(res.status, 303);
      const { rows } = await testPool().query('SELECT banned_at, ban_reason, ban_note FROM users WHERE id = $1', [owner.id]);
      assert.ok(rows[0].banned_at);
      assert.deepEqual([rows[0].ban_reason, rows[0].ban_note], ['child_safety', 'Reported to police']);
      assert.deepEqual([(await item(id)).status, (await item(id)).action, (await item(id)).handled_by], ['handled', 'user.ban', moderator.id]);
      assert.equal((await audit('user.ban', 'user', owner.id)).length, 1);
      // A moderator's own video: only an admin bans them.
      const other = await createUser({ roles: ['moderator'] });
      const theirs = await createVideo(other);
      const modItem = await reportedItem('video', theirs.id, other.id);
      assert.doesNotMatch((await mod.get(`/admin/reports/${modItem}`)).text, /\/ban"/);
      const refused = await withoutWrites(() => postForm(mod, `/admin/reports/${modItem}/ban`, { reason: 'spam' }));
      assert.equal(refused.status, 403);
      assert.match(refused.text, /Only an admin can ban or unban a moderator/);
      assert.equal((await postForm(adm, `/admin/reports/${modItem}/ban`, { reason: 'spam' })).status, 303);
    });
  });

  describe('claims: POST /admin/reports/:id/claim and /admin/reports/:id/release', () => {
    it('claims, shows who holds what, asks before taking over, releases only one\'s own, and never blocks acting', async () => {
      const owner = await createUser();
      const id = await reportedItem('channel', owner.id, owner.id, { reason: 'child_safety' });
      assert.equal((await withoutWrites(() => postForm(user, `/admin/reports/${id}/claim`))).status, 403);
      const claimed = await postForm(mod, `/admin/reports/${id}/claim`);
      assert.equal(claimed.status, 303);
      assert.equal(claimed.headers.location, `/admin/reports/${id}`);
      assert.equal((await item(id)).claimed_by, moderator.id);
      assert.equal((await postForm(mod, `/admin/reports/${id}/claim`)).status, 303, 'claiming one\'s own again is fine');
      const row = (html: string) => new RegExp(`<tr id="item-${id}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';
      assert.match(row((await mod.get('/admin/reports')).text), /class="claim">You /);
      assert.match(row((await mod2.get('/admin/reports')).text), new RegExp(`@${moderator.handle}`));
      // Someone else's claim: a page that asks, naming the holder; nothing changes until confirmed.
      const asked = await withoutWrites(() => postForm(mod2, `/admin/reports/${id}/claim`));
      assert.equal(asked.status, 409);
      assert.match(asked.text, new RegExp(`@${moderator.handle}`));
      assert.match(asked.text, new RegExp(`name="takeOver" value="${moderator.id}"`));
      assert.equal((await item(id)).claimed_by, moderator.id);
      assert.equal((await postForm(mod2, `/admin/reports/${id}/claim`, { takeOver: String(moderator.id) })).status, 303);
      assert.equal((await item(id)).claimed_by, moderator2.id);
      // A stale confirmation (the holder changed since) asks again.
      assert.equal((await postForm(adm, `/admin/reports/${id}/claim`, { takeOver: String(moderator.id) })).status, 409);
      const claims = await audit('report.claim', 'report', id);
      assert.deepEqual(claims.map((c) => [c.actor_id, c.before.claimedBy, c.after.claimedBy]), [[moderator.id, null, moderator.id], [moderator2.id, moderator.id, moderator2.id]]);
      const log = await mod.get(`/admin/audit?kind=report&target=${id}`);
      assert.equal(log.status, 200);
      assert.match(log.text, new RegExp(`href="/admin/reports/${id}"`), 'the audit log links to the item');
      // Only the holder releases.
      assert.equal((await withoutWrites(() => postForm(mod, `/admin/reports/${id}/release`))).status, 403);
      assert.equal((await postForm(mod2, `/admin/reports/${id}/release`)).status, 303);
      assert.equal((await item(id)).claimed_by, null);
      assert.equal((await audit('report.release', 'report', id)).length, 1);
      assert.equal((await withoutWrites(() => postForm(mod2, `/admin/reports/${id}/release`))).status, 303, 'a second release changes nothing');
      // A claim does not stop another moderator from acting.
      await postForm(mod2, `/admin/reports/${id}/claim`);
      assert.equal((await postForm(mod, `/admin/reports/${id}/dismiss`, { reason: 'other' })).status, 303);
      assert.equal((await item(id)).status, 'dismissed');
      assert.equal((await withoutWrites(() => postForm(mod, `/admin/reports/${id}/claim`))).status, 409, 'a closed item is not claimed');
    });
  });

  describe('hostile input', () => {
    it('refuses bad reasons, long notes and messages, bad ends with 422 and the message, writing nothing', async () => {
      const owner = await createUser();
      const video = await createVideo(owner);
      const c = await comment(video.id, owner.id);
      const videoItem = await reportedItem('video', video.id, owner.id);
      const commentItem = await reportedItem('comment', c, owner.id);
      const cases: [number, string, Record<string, string | string[]>, RegExp][] = [
        [videoItem, 'dismiss', {}, /Choose why nothing is done/],
        [videoItem, 'dismiss', { reason: 'toString' }, /Choose one of the reasons/],
        [videoItem, 'dismiss', { reason: 'other', note: 'x'.repeat(1001) }, /Use at most 1,000 characters/],
        [videoItem, 'dismiss', { reason: 'other', note: 'bell\u0007' }, /Use text only/],
        [videoItem, 'warn', { reason: 'spam', message: '' }, /Write what the person will read/],
        [videoItem, 'warn', { reason: 'spam', message: 'y'.repeat(2001) }, /Use at most 2,000 characters/],
        [videoItem, 'warn', { reason: 'nope', message: 'Hi' }, /Choose one of the reasons/],
        [videoItem, 'ban', { reason: 'spam', untilDate: '2000-01-01' }, /Choose an end in the future/],
        [videoItem, 'ban', { reason: 'spam', note: 'z'.repeat(1001) }, /Use at most 1,000 characters/],
        [commentItem, 'remove-comment', { reason: 'child_safety' }, /Choose one of the reasons/],
      ];
      for (const [id, action, form, message] of cases) {
        const res = await withoutWrites(async () => {
          const token = await tokenOf(mod, '/');
          return mod.post(`/admin/reports/${id}/${action}`).type('form').send({ _csrf: token, ...form });
        });
        assert.equal(res.status, 422, `${action} ${JSON.stringify(form).slice(0, 60)}`);
        assert.match(res.text, message);
        assert.equal((await warningsOf(owner.id)).length, 0);
      }
      assert.equal((await item(videoItem)).status, 'open');
      // A repeated reason is not a reason.
      const repeated = await withoutWrites(async () => mod.post(`/admin/reports/${videoItem}/dismiss`).type('form').send(`_csrf=${encodeURIComponent(await tokenOf(mod, '/'))}&reason=other&reason=spam`));
      assert.equal(repeated.status, 422);
      // No CSRF token: 403, nothing written.
      assert.equal((await withoutWrites(() => mod.post(`/admin/reports/${videoItem}/dismiss`).type('form').send({ reason: 'other' }))).status, 403);
      for (const bad of ['0', 'x', '99999999999']) assert.equal((await withoutWrites(() => postForm(mod, `/admin/reports/${bad}/dismiss`, { reason: 'other' }))).status, 404, bad);
    });
  });
});
