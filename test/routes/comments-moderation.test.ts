import assert from 'node:assert/strict';
import supertest from 'supertest';
import { removeComment } from '../../src/db/comment-moderation.js';
import { findComment, insertComment } from '../../src/db/comments.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { postForm, tokenOf } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

async function comment(video: Video, author: User, body: string, options: { parent?: number; held?: boolean } = {}): Promise<number> {
  const parent = options.parent ? await findComment(testPool(), options.parent) : null;
  return (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body, parent, held: options.held }))!.id;
}

async function row(id: number) {
  const { rows } = await testPool().query('SELECT id, body, deleted_at, removed, reply_count FROM comments WHERE id = $1', [id]);
  return rows[0];
}

async function commentCount(video: Video): Promise<number> {
  const { rows } = await testPool().query('SELECT comment_count FROM videos WHERE id = $1', [video.id]);
  return rows[0].comment_count;
}

async function auditRows(commentId: number) {
  const { rows } = await testPool().query(`SELECT * FROM audit_log WHERE target_kind = 'comment' AND target_id = $1 ORDER BY id`, [String(commentId)]);
  return rows;
}

async function auditCount(): Promise<number> {
  const { rows } = await testPool().query('SELECT count(*)::int AS n FROM audit_log');
  return rows[0].n;
}

describe('comments: moderators', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let author: User;
  let moderator: User;
  let ownerAgent: Agent;
  let authorAgent: Agent;
  let strangerAgent: Agent;
  let moderatorAgent: Agent;

  const remove = (who: Agent, id: number, form: Record<string, string> = { reason: 'spam' }) => postForm(who, `/comments/${id}/remove`, form);
  const removeJson = async (who: Agent, id: number, form: Record<string, string>) =>
    who.post(`/comments/${id}/remove`).set('Accept', 'application/json').type('form').send({ _csrf: await tokenOf(who, '/'), ...form });

  before(async () => {
    owner = await createUser();
    author = await createUser();
    moderator = await createUser({ roles: ['moderator'] });
    ownerAgent = await signedInAgent(t.app, owner);
    authorAgent = await signedInAgent(t.app, author);
    strangerAgent = await signedInAgent(t.app, await createUser());
    moderatorAgent = await signedInAgent(t.app, moderator);
  });

  describe('POST /comments/:id/remove', () => {
    it('removes a comment without replies, moves the count, and records who, why and the text in the audit log', async () => {
      const video = await createVideo(owner);
      const id = await comment(video, author, 'Buy cheap things at example.com');
      assert.equal(await commentCount(video), 1);
      const res = await remove(moderatorAgent, id, { reason: 'spam', note: '  Third time today.  ' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/watch/${video.publicId}#comments`);
      assert.equal(await row(id), undefined);
      assert.equal(await commentCount(video), 0);
      const [entry, ...more] = await auditRows(id);
      assert.equal(more.length, 0);
      assert.equal(entry.actor_id, moderator.id);
      assert.equal(entry.action, 'comment.remove');
      assert.equal(entry.subject_user_id, author.id);
      assert.equal(entry.reason, 'spam');
      assert.equal(entry.note, 'Third time today.');
      assert.equal(entry.before.body, 'Buy cheap things at example.com');
      assert.equal(entry.before.videoId, video.id);
      assert.equal(entry.before.authorId, author.id);
      assert.deepEqual(entry.after, { state: 'gone' });
    });

    it('keeps a root with replies as "[removed]" (no pin, counted out), and keeps its earlier versions in the record', async () => {
      const video = await createVideo(owner);
      const root = await comment(video, author, 'First words');
      await postForm(authorAgent, `/comments/${root}/edit`, { body: 'Second words' });
      const reply = await comment(video, owner, 'A reply', { parent: root });
      assert.equal((await postForm(ownerAgent, `/comments/${root}/pin`)).status, 303);
      const res = await removeJson(moderatorAgent, root, { reason: 'harassment' });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { id: root, outcome: 'kept-as-deleted', reason: 'harassment' });
      const kept = await row(root);
      assert.ok(kept.deleted_at);
      assert.equal(kept.removed, true);
      assert.equal(kept.body, '');
      assert.equal(await commentCount(video), 1, 'the reply is still counted, the root no longer');
      const page = await supertest(t.app).get(`/watch/${video.publicId}`);
      assert.match(page.text, /\[removed\]/);
      assert.doesNotMatch(page.text, /Second words|First words|Pinned by the creator/);
      const [entry] = await auditRows(root);
      assert.deepEqual(entry.after, { state: 'kept-as-removed' });
      assert.equal(entry.before.body, 'Second words');
      assert.deepEqual(entry.before.revisions.map((r: { body: string }) => r.body), ['First words']);
      // Its last reply going takes the placeholder with it, as for "[deleted]".
      assert.equal((await remove(moderatorAgent, reply, { reason: 'other' })).status, 303);
      assert.equal(await row(root), undefined);
      assert.equal(await commentCount(video), 0);
    });

    it('removes a held comment without moving the counts (it was never counted)', async () => {
      const video = await createVideo(owner);
      const id = await comment(video, author, 'Held one', { held: true });
      assert.equal((await remove(moderatorAgent, id)).status, 303);
      assert.equal(await row(id), undefined);
      assert.equal(await commentCount(video), 0);
    });

    it('requires a reason from the list (422 with the form again, or JSON) and a note of at most 1,000 characters; writes nothing', async () => {
      const video = await createVideo(owner);
      const id = await comment(video, author, 'Still here');
      const before = await auditCount();
      const missing = await remove(moderatorAgent, id, { note: 'kept <b>typed</b>' });
      assert.equal(missing.status, 422);
      assert.match(missing.text, /Choose a reason for the removal/);
      assert.match(missing.text, /kept &lt;b&gt;typed&lt;\/b&gt;/, 'the typed note comes back, escaped');
      const bad = await remove(moderatorAgent, id, { reason: 'boring' });
      assert.equal(bad.status, 422);
      assert.match(bad.text, /Choose one of the reasons in the list/);
      const json = await removeJson(moderatorAgent, id, { reason: '__proto__' });
      assert.equal(json.status, 422);
      assert.equal(json.body.error.fields.reason, 'Choose one of the reasons in the list.');
      assert.equal((await remove(moderatorAgent, id, { reason: 'spam', note: 'x'.repeat(1001) })).status, 422);
      assert.equal((await remove(moderatorAgent, id, { reason: 'spam', note: '\u0007' })).status, 422);
      assert.equal((await row(id)).body, 'Still here');
      assert.equal(await auditCount(), before);
      assert.equal((await remove(moderatorAgent, id, { reason: 'spam', note: '\u{1F600}'.repeat(1000) })).status, 303, '1,000 characters, counted as people count them');
    });

    it('refuses everyone without comment.remove.any, the author and the video\'s creator included (403), writing nothing', async () => {
      const video = await createVideo(owner);
      const id = await comment(video, author, 'Not theirs to remove with a reason');
      const before = await auditCount();
      for (const who of [authorAgent, ownerAgent, strangerAgent]) {
        assert.equal((await remove(who, id)).status, 403);
        assert.equal((await who.get(`/comments/${id}/remove`)).status, 403);
      }
      assert.equal((await row(id)).body, 'Not theirs to remove with a reason');
      assert.equal(await auditCount(), before);
    });

    it('is a 404 where the comment is hidden: unknown, its author banned, or its video hidden from the viewer', async () => {
      const video = await createVideo(owner);
      const banned = await createUser();
      const id = await comment(video, banned, 'By someone banned later');
      await banUser(banned);
      assert.equal((await remove(moderatorAgent, id)).status, 404);
      assert.equal((await remove(moderatorAgent, 999_999_999)).status, 404);
      const hidden = await createVideo(owner, { visibility: 'private' });
      const onHidden = await comment(hidden, owner, 'On a private video');
      assert.equal((await remove(strangerAgent, onHidden)).status, 404);
      // Moderators see every video (canSeeVideo), so they may act on it.
      assert.equal((await remove(moderatorAgent, onHidden)).status, 303);
    });

    it('a removed comment cannot be removed again (403 on its placeholder)', async () => {
      const video = await createVideo(owner);
      const root = await comment(video, author, 'Root');
      await comment(video, owner, 'Reply', { parent: root });
      assert.equal((await remove(moderatorAgent, root)).status, 303);
      assert.equal((await remove(moderatorAgent, root)).status, 403);
      assert.equal((await auditRows(root)).length, 1);
    });

    it('writes the removal and its record in one transaction: a record that cannot be written leaves the comment as it was', async () => {
      const video = await createVideo(owner);
      const id = await comment(video, author, 'Survives a failed record');
      // A reason the audit log's CHECK refuses: the INSERT fails after the comment was deleted.
      await assert.rejects(removeComment(testPool(), { moderatorId: moderator.id, commentId: id, reason: 'NOT A CODE', note: null }), /audit_log/);
      assert.equal((await row(id)).body, 'Survives a failed record');
      assert.equal(await commentCount(video), 1);
      assert.equal((await auditRows(id)).length, 0);
    });

    it('keeps the audit log append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
      const video = await createVideo(owner);
      const id = await comment(video, author, 'Recorded');
      assert.equal((await remove(moderatorAgent, id)).status, 303);
      await assert.rejects(testPool().query(`UPDATE audit_log SET reason = 'other' WHERE target_id = $1`, [String(id)]), /append-only/);
      await assert.rejects(testPool().query('DELETE FROM audit_log WHERE target_id = $1', [String(id)]), /append-only/);
      await assert.rejects(testPool().query('TRUNCATE audit_log'), /append-only/);
      assert.equal((await auditRows(id)).length, 1);
    });
  });

  describe('GET /comments/:id/remove and the form under each comment', () => {
    it('shows the comment and the reasons to moderators, escaped; the form under comments is theirs alone', async () => {
      const video = await createVideo(owner);
      const id = await comment(video, author, '<b>bold</b> claim');
      const page = await moderatorAgent.get(`/comments/${id}/remove`);
      assert.equal(page.status, 200);
      assert.match(page.text, /&lt;b&gt;bold&lt;\/b&gt; claim/);
      assert.match(page.text, /<option value="misinformation">Misinformation<\/option>/);
      const watch = (who: Agent) => who.get(`/watch/${video.publicId}`).then((r) => r.text);
      assert.match(await watch(moderatorAgent), new RegExp(`action="/comments/${id}/remove"`));
      for (const who of [ownerAgent, authorAgent, strangerAgent]) assert.doesNotMatch(await watch(who), /\/remove"/);
    });
  });

  describe('held comments', () => {
    it('are shown to moderators on any video (marked waiting), not to others; moderators open their threads and act on them', async () => {
      const video = await createVideo(owner);
      await testPool().query(`UPDATE videos SET comments_mode = 'held' WHERE id = $1`, [video.id]);
      const held = await comment(video, author, 'Waiting for a look', { held: true });
      const heldReply = await comment(video, author, 'A held reply', { parent: held, held: true });
      const seen = await moderatorAgent.get(`/watch/${video.publicId}`);
      assert.match(seen.text, /Waiting for a look/);
      assert.match(seen.text, /waiting for review/);
      assert.doesNotMatch((await strangerAgent.get(`/watch/${video.publicId}`)).text, /Waiting for a look/);
      assert.doesNotMatch((await supertest(t.app).get(`/watch/${video.publicId}`)).text, /Waiting for a look/);
      assert.match((await moderatorAgent.get(`/watch/${video.publicId}?thread=${held}`)).text, /A held reply/);
      assert.equal((await strangerAgent.get(`/comments/${heldReply}/remove`)).status, 404);
      assert.equal((await moderatorAgent.get(`/comments/${heldReply}/remove`)).status, 200);
      // Approving stays the creator's (a decision for the channel); moderators remove.
      assert.equal((await postForm(moderatorAgent, `/comments/${held}/approve`)).status, 403);
    });
  });

  describe('GET /comments/:id/revisions', () => {
    it('lists every version with its times to moderators; "edited" links there for them only', async () => {
      const video = await createVideo(owner);
      const id = await comment(video, author, 'Version one');
      assert.equal((await postForm(authorAgent, `/comments/${id}/edit`, { body: 'Version two' })).status, 303);
      assert.equal((await postForm(authorAgent, `/comments/${id}/edit`, { body: 'Version <three>' })).status, 303);
      const page = await moderatorAgent.get(`/comments/${id}/revisions`);
      assert.equal(page.status, 200);
      const order = ['Version one', 'Version two', 'Version &lt;three&gt;'].map((text) => page.text.indexOf(text));
      assert.ok(order.every((at) => at > 0) && order[0]! < order[1]! && order[1]! < order[2]!, 'oldest first');
      assert.equal(page.text.match(/<time datetime=/g)?.length, 5, 'written and replaced for the two earlier, written for the current');
      const json = await moderatorAgent.get(`/comments/${id}/revisions`).set('Accept', 'application/json');
      assert.deepEqual(json.body.versions.map((v: { body: string }) => v.body), ['Version one', 'Version two', 'Version <three>']);
      assert.equal(json.body.versions[2].replacedAt, null);
      assert.match((await moderatorAgent.get(`/watch/${video.publicId}`)).text, new RegExp(`<a href="/comments/${id}/revisions">edited</a>`));
      for (const who of [authorAgent, ownerAgent, strangerAgent]) {
        assert.equal((await who.get(`/comments/${id}/revisions`)).status, 403);
        assert.doesNotMatch((await who.get(`/watch/${video.publicId}`)).text, /\/revisions"/);
      }
    });

    it('keeps showing earlier versions of a comment removed as "[removed]"; a comment never edited has its one version', async () => {
      const video = await createVideo(owner);
      const root = await comment(video, author, 'Said first');
      await postForm(authorAgent, `/comments/${root}/edit`, { body: 'Said then' });
      await comment(video, owner, 'Reply', { parent: root });
      assert.equal((await remove(moderatorAgent, root)).status, 303);
      const page = await moderatorAgent.get(`/comments/${root}/revisions`);
      assert.equal(page.status, 200);
      assert.match(page.text, /Said first/);
      assert.match(page.text, /is removed/);
      const plain = await comment(video, author, 'Never edited');
      const json = await moderatorAgent.get(`/comments/${plain}/revisions`).set('Accept', 'application/json');
      assert.deepEqual(json.body.versions.map((v: { body: string }) => v.body), ['Never edited']);
    });
  });
});
