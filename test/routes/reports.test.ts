import assert from 'node:assert/strict';
import supertest from 'supertest';
import { findComment, insertComment } from '../../src/db/comments.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { postForm, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

async function reportsOf(kind: string, targetId: number) {
  const { rows } = await testPool().query(
    `SELECT r.reporter_id, r.reason, r.severity, r.body, r.video_time_seconds, r.status, r.item_id, r.created_at, r.updated_at
     FROM reports r WHERE r.target_kind = $1 AND r.target_id = $2 ORDER BY r.id`, [kind, targetId]);
  return rows;
}

async function itemsOf(kind: string, targetId: number) {
  const { rows } = await testPool().query(
    `SELECT id, status, severity, report_count, target_owner_id FROM report_items WHERE target_kind = $1 AND target_id = $2 ORDER BY id`, [kind, targetId]);
  return rows;
}

describe('reports', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let reporter: User;
  let video: Video;
  let ownerAgent: Agent;
  let reporterAgent: Agent;

  const report = (who: Agent, path: string, form: Record<string, string>) => postForm(who, path, form);

  before(async () => {
    owner = await createUser();
    reporter = await createUser();
    video = await createVideo(owner, { title: 'A video to report', durationSeconds: 125 });
    ownerAgent = await signedInAgent(t.app, owner);
    reporterAgent = await signedInAgent(t.app, reporter);
  });

  describe('GET/POST /watch/:id/report', () => {
    it('shows the form with every reason and the time field', async () => {
      const res = await reporterAgent.get(`/watch/${video.publicId}/report`);
      assert.equal(res.status, 200);
      for (const reason of ['child_safety', 'violence', 'privacy', 'harassment', 'hate', 'sexual', 'copyright', 'spam', 'other']) assert.match(res.text, new RegExp(`value="${reason}"`));
      assert.match(res.text, /name="time"/);
      assert.match(res.text, /2:05 long/);
    });

    it('files a report with a time in the video, and the watch page offers the link', async () => {
      const v = await createVideo(owner, { durationSeconds: 4000 });
      assert.match((await reporterAgent.get(`/watch/${v.publicId}`)).text, new RegExp(`href="/watch/${v.publicId}/report"`));
      const res = await report(reporterAgent, `/watch/${v.publicId}/report`, { reason: 'copyright', text: 'My song from 1:02:03 on', time: '1:02:03' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/watch/${v.publicId}`);
      const [row] = await reportsOf('video', v.id);
      assert.equal(row.reporter_id, reporter.id);
      assert.equal(row.reason, 'copyright');
      assert.equal(row.severity, 3);
      assert.equal(row.body, 'My song from 1:02:03 on');
      assert.equal(row.video_time_seconds, 3723);
      assert.equal(row.status, 'open');
      const [item] = await itemsOf('video', v.id);
      assert.deepEqual({ count: item.report_count, severity: item.severity, owner: item.target_owner_id, status: item.status }, { count: 1, severity: 3, owner: owner.id, status: 'open' });
      assert.match((await reporterAgent.get(`/watch/${v.publicId}`)).text, /your report was sent/);
    });

    it('updates the same reporter\'s open report instead of adding one, and the form shows it', async () => {
      const v = await createVideo(owner);
      assert.equal((await report(reporterAgent, `/watch/${v.publicId}/report`, { reason: 'child_safety', text: 'first' })).status, 303);
      const form = await reporterAgent.get(`/watch/${v.publicId}/report`);
      assert.match(form.text, /sending this form again updates your report/);
      assert.match(form.text, /value="child_safety" checked/);
      assert.equal((await report(reporterAgent, `/watch/${v.publicId}/report`, { reason: 'spam', text: 'second thoughts' })).status, 303);
      const rows = await reportsOf('video', v.id);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].reason, 'spam');
      assert.equal(rows[0].body, 'second thoughts');
      assert.ok(rows[0].updated_at > rows[0].created_at);
      const [item] = await itemsOf('video', v.id);
      // The item's severity follows its reports down as well as up.
      assert.deepEqual({ count: item.report_count, severity: item.severity }, { count: 1, severity: 2 });
    });

    it('groups the reports of one thing into one item with their count and the gravest severity', async () => {
      const v = await createVideo(owner);
      const reasons = ['spam', 'hate', 'other'];
      for (const reason of reasons) {
        const agent = await signedInAgent(t.app, await createUser());
        assert.equal((await report(agent, `/watch/${v.publicId}/report`, { reason })).status, 303);
      }
      const items = await itemsOf('video', v.id);
      assert.equal(items.length, 1);
      assert.equal(items[0].report_count, 3);
      assert.equal(items[0].severity, 5);
      assert.ok((await reportsOf('video', v.id)).every((r) => r.item_id === items[0].id));
    });

    it('starts a new item once the old one is handled', async () => {
      const v = await createVideo(owner);
      await report(reporterAgent, `/watch/${v.publicId}/report`, { reason: 'spam' });
      await testPool().query(`UPDATE report_items SET status = 'handled', handled_at = now() WHERE target_kind = 'video' AND target_id = $1`, [v.id]);
      await testPool().query(`UPDATE reports SET status = 'handled', handled_at = now() WHERE target_kind = 'video' AND target_id = $1`, [v.id]);
      await report(reporterAgent, `/watch/${v.publicId}/report`, { reason: 'hate' });
      const items = await itemsOf('video', v.id);
      assert.deepEqual(items.map((i) => [i.status, i.report_count]), [['handled', 1], ['open', 1]]);
      assert.equal((await reportsOf('video', v.id)).length, 2);
    });

    it('refuses a form with errors (422), keeping what was typed, and writes nothing', async () => {
      const cases: [Record<string, string>, RegExp][] = [
        [{ reason: '', text: 'kept text' }, /Choose what is wrong/],
        [{ reason: 'nonsense', text: 'kept text' }, /Choose one of the reasons/],
        [{ reason: 'spam', text: 'x'.repeat(3001) }, /at most 3,000 characters/],
        [{ reason: 'spam', text: 'kept text', time: '2:06' }, /2:05 long/],
        [{ reason: 'spam', text: 'kept text', time: '1:75' }, /minutes:seconds/],
        [{ reason: 'spam', text: 'kept text', time: 'soon' }, /minutes:seconds/],
      ];
      for (const [form, message] of cases) {
        const res = await withoutWrites(() => report(reporterAgent, `/watch/${video.publicId}/report`, form));
        assert.equal(res.status, 422, JSON.stringify(form).slice(0, 50));
        assert.match(res.text, message);
        if (form.text === 'kept text') assert.match(res.text, />kept text<\/textarea>/);
        if (form.time) assert.match(res.text, new RegExp(`value="${form.time}"`));
        if (form.reason === 'spam') assert.match(res.text, /value="spam" checked/);
      }
    });

    it('accepts a time at the very end and 3,000 characters', async () => {
      const v = await createVideo(owner, { durationSeconds: 125 });
      assert.equal((await report(reporterAgent, `/watch/${v.publicId}/report`, { reason: 'other', text: 'é'.repeat(3000), time: '2:05' })).status, 303);
      assert.equal((await reportsOf('video', v.id))[0].video_time_seconds, 125);
    });

    it('refuses one\'s own video (403) and offers no link to its owner', async () => {
      assert.equal((await ownerAgent.get(`/watch/${video.publicId}/report`)).status, 403);
      assert.equal((await withoutWrites(() => report(ownerAgent, `/watch/${video.publicId}/report`, { reason: 'spam' }))).status, 403);
      assert.doesNotMatch((await ownerAgent.get(`/watch/${video.publicId}`)).text, /\/report"/);
    });

    it('is a 404 for a video the reporter may not see, and for unknown ids', async () => {
      const hidden = await createVideo(owner, { visibility: 'private' });
      assert.equal((await reporterAgent.get(`/watch/${hidden.publicId}/report`)).status, 404);
      assert.equal((await withoutWrites(() => report(reporterAgent, `/watch/${hidden.publicId}/report`, { reason: 'spam' }))).status, 404);
      assert.equal((await withoutWrites(() => report(reporterAgent, '/watch/AAAAAAAAAAA/report', { reason: 'spam' }))).status, 404);
      assert.equal((await reporterAgent.get('/watch/not-an-id/report')).status, 404);
    });

    it('sends signed-out visitors to sign in, from the watch page\'s link too', async () => {
      const res = await supertest(t.app).get(`/watch/${video.publicId}/report`);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/login?next=${encodeURIComponent(`/watch/${video.publicId}/report`)}`);
      assert.match((await supertest(t.app).get(`/watch/${video.publicId}`)).text, new RegExp(`href="/login\\?next=${encodeURIComponent(`/watch/${video.publicId}/report`)}"`));
    });

    it('refuses a post without a CSRF token (403), writing nothing', async () => {
      const res = await withoutWrites(() => reporterAgent.post(`/watch/${video.publicId}/report`).type('form').send({ reason: 'spam' }));
      assert.equal(res.status, 403);
    });
  });

  describe('GET/POST /comments/:id/report', () => {
    it('files a report of a comment (no time), and each comment offers one link', async () => {
      const id = (await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'A comment to report', parent: null }))!.id;
      const watch = (await reporterAgent.get(`/watch/${video.publicId}`)).text;
      assert.equal(watch.split(`href="/comments/${id}/report"`).length, 2);
      const form = await reporterAgent.get(`/comments/${id}/report`);
      assert.equal(form.status, 200);
      assert.match(form.text, /A comment to report/);
      assert.doesNotMatch(form.text, /name="time"/);
      const res = await report(reporterAgent, `/comments/${id}/report`, { reason: 'harassment', text: 'Aimed at me', time: '0:01' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/watch/${video.publicId}#comment-${id}`);
      const [row] = await reportsOf('comment', id);
      assert.deepEqual([row.reason, row.video_time_seconds, row.severity], ['harassment', null, 6]);
      assert.equal((await itemsOf('comment', id))[0].target_owner_id, owner.id);
    });

    it('refuses one\'s own comment (403), a deleted one and one on a hidden video (404)', async () => {
      const mine = (await insertComment(testPool(), { videoId: video.id, authorId: reporter.id, body: 'Mine', parent: null }))!.id;
      assert.equal((await withoutWrites(() => report(reporterAgent, `/comments/${mine}/report`, { reason: 'spam' }))).status, 403);
      assert.doesNotMatch((await reporterAgent.get(`/watch/${video.publicId}`)).text, new RegExp(`/comments/${mine}/report`));
      const root = (await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'Root', parent: null }))!.id;
      await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'Reply', parent: await findComment(testPool(), root) });
      assert.equal((await postForm(ownerAgent, `/comments/${root}/delete`, {})).status, 303);
      assert.equal((await withoutWrites(() => report(reporterAgent, `/comments/${root}/report`, { reason: 'spam' }))).status, 404);
      const hidden = await createVideo(owner, { visibility: 'private' });
      const onHidden = (await insertComment(testPool(), { videoId: hidden.id, authorId: owner.id, body: 'Hidden', parent: null }))!.id;
      assert.equal((await withoutWrites(() => report(reporterAgent, `/comments/${onHidden}/report`, { reason: 'spam' }))).status, 404);
      for (const bad of ['0', 'abc', '99999999999']) assert.equal((await reporterAgent.get(`/comments/${bad}/report`)).status, 404, bad);
    });
  });

  describe('GET/POST /@:handle/report', () => {
    it('files a report of a channel, linked from its About page', async () => {
      assert.match((await reporterAgent.get(`/@${owner.handle}/about`)).text, new RegExp(`href="/@${owner.handle}/report"`));
      assert.equal((await reporterAgent.get(`/@${owner.handle}/report`)).status, 200);
      const res = await report(reporterAgent, `/@${owner.handle}/report`, { reason: 'privacy', text: 'My address in the banner' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/@${owner.handle}`);
      const rows = await reportsOf('channel', owner.id);
      assert.equal(rows.at(-1).reason, 'privacy');
    });

    it('refuses one\'s own channel (403); a banned or unknown channel is a 404', async () => {
      assert.equal((await withoutWrites(() => report(reporterAgent, `/@${reporter.handle}/report`, { reason: 'spam' }))).status, 403);
      const banned = await createUser();
      await banUser(banned);
      assert.equal((await withoutWrites(() => report(reporterAgent, `/@${banned.handle}/report`, { reason: 'spam' }))).status, 404);
      assert.equal((await reporterAgent.get('/@no-such-handle-here/report')).status, 404);
    });
  });

  describe('GET /settings/reports', () => {
    it('lists my reports with their state, and a thing hidden since as no longer available', async () => {
      const me = await createUser();
      const agent = await signedInAgent(t.app, me);
      const shown = await createVideo(owner, { title: 'Still public video' });
      const later = await createVideo(owner, { title: 'Soon private video' });
      await report(agent, `/watch/${shown.publicId}/report`, { reason: 'spam', text: 'Spam here' });
      await report(agent, `/watch/${later.publicId}/report`, { reason: 'hate' });
      await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [later.id]);
      await testPool().query(`UPDATE reports SET status = 'dismissed', handled_at = now() WHERE target_kind = 'video' AND target_id = $1 AND reporter_id = $2`, [shown.id, me.id]);
      const page = await agent.get('/settings/reports');
      assert.equal(page.status, 200);
      assert.match(page.text, /Still public video/);
      assert.match(page.text, /Reviewed: no action taken/);
      assert.match(page.text, /Waiting for review/);
      assert.match(page.text, /A video that is no longer available/);
      assert.doesNotMatch(page.text, /Soon private video/);
    });

    it('pages by keyset (?after=), and reads a malformed cursor as the first page', async () => {
      const me = await createUser();
      const agent = await signedInAgent(t.app, me);
      for (let i = 0; i < 21; i++) await report(agent, `/watch/${(await createVideo(owner, { title: `Paged ${i}` })).publicId}/report`, { reason: 'other' });
      const first = await agent.get('/settings/reports');
      const next = /href="\/settings\/reports\?after=(\d+)"/.exec(first.text)?.[1];
      assert.ok(next);
      const second = await agent.get(`/settings/reports?after=${next}`);
      assert.match(second.text, /Paged 0</);
      assert.doesNotMatch(second.text, /Paged 20</);
      for (const bad of ['x', '-1', '0', '9'.repeat(30)]) assert.equal((await agent.get(`/settings/reports?after=${bad}`)).status, 200);
    });
  });
});

describe('reports: per-account limits', function () {
  this.timeout(60_000);
  const t = useTestApp({ REPORTS_PER_HOUR: '2', REPORTS_PER_DAY: '1000' });
  const daily = useTestApp({ REPORTS_PER_HOUR: '1000', REPORTS_PER_DAY: '1' });

  it('answers 429 with a clear message beyond REPORTS_PER_HOUR, writing nothing; a refused form does not count', async () => {
    const owner = await createUser();
    const agent = await signedInAgent(t.app, await createUser());
    const videos = [await createVideo(owner), await createVideo(owner), await createVideo(owner)];
    assert.equal((await postForm(agent, `/watch/${videos[0]!.publicId}/report`, { reason: '' })).status, 422);
    assert.equal((await postForm(agent, `/watch/${videos[0]!.publicId}/report`, { reason: 'spam' })).status, 303);
    assert.equal((await postForm(agent, `/watch/${videos[1]!.publicId}/report`, { reason: 'spam' })).status, 303);
    const refused = await withoutWrites(() => postForm(agent, `/watch/${videos[2]!.publicId}/report`, { reason: 'spam' }));
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.match(refused.text, /You have sent 2 reports in the last hour/);
  });

  it('counts REPORTS_PER_DAY apart', async () => {
    const app = daily.app;
    const owner = await createUser();
    const agent = await signedInAgent(app, await createUser());
    assert.equal((await postForm(agent, `/@${owner.handle}/report`, { reason: 'spam' })).status, 303);
    const refused = await withoutWrites(() => postForm(agent, `/@${owner.handle}/report`, { reason: 'hate' }));
    assert.equal(refused.status, 429);
    assert.match(refused.text, /You have sent 1 report today/);
  });
});
