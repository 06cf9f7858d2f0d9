import assert from 'node:assert/strict';
import { CANCELLED_REASON } from '../../src/db/admin-jobs.js';
import { PROCESS_VIDEO } from '../../src/jobs/queue.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { postForm } from '../helpers/check-params.js';
import { testPool, testQueue } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { openItemId } from '../helpers/report-items.js';
import { madeFor, onlyOf, postComment, shown } from './notices.js';

type User = Awaited<ReturnType<typeof createUser>>;

const TAKEDOWN = { reason: 'copyright', policy: 'Rule 4: no films you do not own.', note: 'Studio claim.' };

/** Turns a kind on in the site, as the preferences page stores a choice that differs from the default. */
async function turnOn(user: { id: number }, kind: string): Promise<void> {
  await testPool().query('INSERT INTO notification_preferences (user_id, kind, in_site, by_email) VALUES ($1, $2, true, false) ON CONFLICT (user_id, kind) DO UPDATE SET in_site = true', [user.id, kind]);
}

describe('notifications of moderation: take-downs, appeals, reports (issue 14, items 1, 2 and 7)', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let ownerAgent: Agent;
  let moderator: User;
  let moderatorAgent: Agent;
  let otherModeratorAgent: Agent;

  before(async () => {
    owner = await createUser({ displayName: 'Owner' });
    ownerAgent = await signedInAgent(t.app, owner);
    moderator = await createUser({ roles: ['moderator'] });
    moderatorAgent = await signedInAgent(t.app, moderator);
    otherModeratorAgent = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
  });

  async function reporter(): Promise<{ user: User; agent: Agent }> {
    const user = await createUser();
    return { user, agent: await signedInAgent(t.app, user) };
  }

  describe('video_taken_down, video_restored, appeal_decided', () => {
    it('tells the owner of a take-down with the reason\'s label, never naming the moderator, and of the restore', async () => {
      const video = await createVideo(owner, { title: 'Film' });
      assert.equal((await postForm(moderatorAgent, `/admin/videos/${video.publicId}/takedown`, TAKEDOWN)).status, 303);
      const down = await onlyOf(owner, 'video_taken_down', video.id);
      assert.deepEqual({ actor: down.actorId, detail: down.detail }, { actor: null, detail: { reason: 'Copyright infringement' } });
      const view = await shown(down.id);
      assert.equal(view.text, 'Your video “Film” was taken down by a moderator: Copyright infringement');
      assert.equal(view.path, `/studio/videos/${video.publicId}`, 'the owner still sees their video');

      assert.equal((await postForm(moderatorAgent, `/admin/videos/${video.publicId}/restore`, { message: 'Licence checked.' })).status, 303);
      const back = await onlyOf(owner, 'video_restored', video.id);
      assert.equal((await shown(back.id)).text, 'Your video “Film” was restored and can be watched again');
      // Sent twice: nothing new.
      await postForm(moderatorAgent, `/admin/videos/${video.publicId}/restore`, { message: 'Again.' });
      assert.equal((await madeFor(owner)).filter((n) => n.videoId === video.id).length, 2);
    });

    it('tells the owner of a held upload rejected, as of a take-down', async () => {
      const video = await createVideo(owner, { title: 'Waiting' });
      await testPool().query(`UPDATE videos SET moderation = 'held' WHERE id = $1`, [video.id]);
      const admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
      assert.equal((await postForm(admin, `/admin/videos/${video.publicId}/reject`, TAKEDOWN)).status, 303);
      assert.deepEqual((await onlyOf(owner, 'video_taken_down', video.id)).detail, { reason: 'Copyright infringement' });
    });

    it('tells the owner the appeal\'s outcome, upheld with the moderator\'s message or restored', async () => {
      for (const decision of ['uphold', 'restore'] as const) {
        const video = await createVideo(owner, { title: `Appealed ${decision}` });
        await postForm(moderatorAgent, `/admin/videos/${video.publicId}/takedown`, TAKEDOWN);
        assert.equal((await postForm(ownerAgent, `/studio/videos/${video.publicId}/appeal`, { text: 'It is mine.' })).status, 303);
        const id = Number((await testPool().query('SELECT id FROM video_takedowns WHERE video_id = $1', [video.id])).rows[0].id);
        // The moderator who took it down may not decide: refused, nothing told.
        assert.equal((await postForm(moderatorAgent, `/admin/appeals/${id}`, { decision, message: 'Mine.' })).status, 403);
        assert.deepEqual((await madeFor(owner)).filter((n) => n.kind === 'appeal_decided' && n.videoId === video.id), []);
        assert.equal((await postForm(otherModeratorAgent, `/admin/appeals/${id}`, { decision, message: 'The licence is real.' })).status, 303);
        const decided = await onlyOf(owner, 'appeal_decided', video.id);
        assert.deepEqual(decided.detail, { outcome: decision === 'restore' ? 'restored' : 'upheld', note: 'The licence is real.' });
        assert.equal((await shown(decided.id)).text, decision === 'restore'
          ? `Your appeal was accepted: “Appealed restore” is back`
          : 'Your appeal about “Appealed uphold” was turned down: The licence is real.');
      }
    });
  });

  describe('video_failed, when an administrator cancels processing', () => {
    it('tells the owner, with the reason on the video\'s page', async () => {
      const video = await createVideo(owner, { status: 'uploaded', title: 'Stopped' });
      const job = (await testQueue().boss.send(PROCESS_VIDEO, { videoId: video.id }))!;
      const admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
      assert.equal((await postForm(admin, `/admin/jobs/${job}/cancel`)).status, 303);
      const failed = await onlyOf(owner, 'video_failed', video.id);
      assert.deepEqual({ actor: failed.actorId, detail: failed.detail }, { actor: null, detail: { reason: CANCELLED_REASON } });
    });
  });

  describe('report_handled', () => {
    it('tells each reporter of a video taken down that action was taken, naming nothing they can no longer see; not the moderator', async () => {
      const video = await createVideo(owner);
      const [one, two] = [await reporter(), await reporter()];
      for (const r of [one, two]) assert.equal((await postForm(r.agent, `/watch/${video.publicId}/report`, { reason: 'copyright', text: 'Mine' })).status, 303);
      await postForm(moderatorAgent, `/admin/videos/${video.publicId}/takedown`, TAKEDOWN);
      for (const r of [one, two]) {
        const handled = await onlyOf(r.user, 'report_handled');
        assert.deepEqual({ video: handled.videoId, comment: handled.commentId, actor: handled.actorId, detail: handled.detail }, { video: null, comment: null, actor: null, detail: { targetKind: 'video', outcome: 'action_taken' } });
        const view = await shown(handled.id);
        assert.deepEqual({ text: view.text, available: view.available, video: view.video }, { text: 'Your report about a video was handled: a moderator acted on it', available: true, video: null });
      }
      assert.deepEqual((await madeFor(moderator)).filter((n) => n.kind === 'report_handled'), []);
    });

    it('tells the reporters of a dismissed item; an action rolled back (the item closed meanwhile) tells nobody', async () => {
      const video = await createVideo(owner);
      const first = await reporter();
      await postForm(first.agent, `/watch/${video.publicId}/report`, { reason: 'spam', text: '' });
      const item = (await openItemId('video', video.id))!;
      assert.equal((await postForm(moderatorAgent, `/admin/reports/${item}/dismiss`, { reason: 'no_violation' })).status, 303);
      assert.deepEqual((await onlyOf(first.user, 'report_handled')).detail, { targetKind: 'video', outcome: 'dismissed' });

      // A new report opens a new item; a stale page's dismiss of the old one resolves the new
      // item inside its transaction, finds it is not the one asked, and rolls back.
      const second = await reporter();
      await postForm(second.agent, `/watch/${video.publicId}/report`, { reason: 'spam', text: '' });
      assert.equal((await postForm(otherModeratorAgent, `/admin/reports/${item}/dismiss`, { reason: 'no_violation' })).status, 409);
      assert.notEqual(await openItemId('video', video.id), null, 'the new item is still open');
      assert.deepEqual(await madeFor(second.user), []);
      const newer = (await openItemId('video', video.id))!;
      await postForm(otherModeratorAgent, `/admin/reports/${newer}/dismiss`, { reason: 'no_violation' });
      assert.equal((await madeFor(second.user)).length, 1);
      assert.equal((await madeFor(first.user)).length, 1, 'the first reporter is not told again');
    });

    it('tells the reporter of a removed comment, pointing at nothing', async () => {
      const video = await createVideo(owner);
      const author = await reporter();
      const comment = await postComment(author.agent, video.publicId, 'Rude words.');
      const r = await reporter();
      assert.equal((await postForm(r.agent, `/comments/${comment}/report`, { reason: 'harassment', text: '' })).status, 303);
      const item = (await openItemId('comment', comment))!;
      assert.equal((await postForm(moderatorAgent, `/admin/reports/${item}/remove-comment`, { reason: 'harassment' })).status, 303);
      const handled = await onlyOf(r.user, 'report_handled');
      assert.deepEqual({ comment: handled.commentId, detail: handled.detail }, { comment: null, detail: { targetKind: 'comment', outcome: 'action_taken' } });
      assert.equal((await shown(handled.id)).text, 'Your report about a comment was handled: a moderator acted on it');
    });
  });

  describe('new_report', () => {
    it('tells the accounts that handle reports and turned it on (off by default), not the reporter or the person reported, grouped per item', async () => {
      const watching = await createUser({ roles: ['moderator'] });
      const admin = await createUser({ roles: ['admin'] });
      const notWatching = await createUser({ roles: ['moderator'] });
      const noPermission = await createUser();
      const reportedModerator = await createUser({ roles: ['moderator'] });
      const reportingModerator = await createUser({ roles: ['moderator'] });
      for (const u of [watching, admin, noPermission, reportedModerator, reportingModerator]) await turnOn(u, 'new_report');

      const video = await createVideo(reportedModerator, { title: 'Reported' });
      assert.equal((await postForm(await signedInAgent(t.app, reportingModerator), `/watch/${video.publicId}/report`, { reason: 'spam', text: '' })).status, 303);
      const item = (await openItemId('video', video.id))!;
      for (const u of [watching, admin]) {
        const made = await onlyOf(u, 'new_report');
        assert.deepEqual({ detail: made.detail, key: made.groupKey, video: made.videoId }, { detail: { itemId: item, targetKind: 'video' }, key: `new_report:${item}`, video: null });
        const view = await shown(made.id);
        assert.deepEqual({ text: view.text, path: view.path }, { text: 'New report about a video to review', path: `/admin/reports/${item}` });
      }
      for (const u of [notWatching, noPermission, reportedModerator, reportingModerator]) {
        assert.deepEqual((await madeFor(u)).filter((n) => n.kind === 'new_report'), [], `${u.handle} is not told`);
      }

      // A second reporter of the same thing: the same unread notification; an updated report is not news.
      const again = await reporter();
      await postForm(again.agent, `/watch/${video.publicId}/report`, { reason: 'spam', text: '' });
      await postForm(again.agent, `/watch/${video.publicId}/report`, { reason: 'violence', text: 'Worse' });
      assert.equal((await madeFor(watching)).filter((n) => n.kind === 'new_report').length, 1);
    });
  });
});
