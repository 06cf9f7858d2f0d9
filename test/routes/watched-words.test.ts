import assert from 'node:assert/strict';
import supertest from 'supertest';
import { containsWatchedWord } from '../../src/comments/review.js';
import { changeSiteSettings, resetSiteSettings, useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { assertSignIn, postForm, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

async function commentRow(id: number): Promise<{ held: boolean; held_reason: string | null; deleted_at: Date | null; body: string }> {
  const { rows } = await testPool().query('SELECT held, held_reason, deleted_at, body FROM comments WHERE id = $1', [id]);
  return rows[0];
}

async function commentCount(video: Video): Promise<number> {
  return (await testPool().query('SELECT comment_count FROM videos WHERE id = $1', [video.id])).rows[0].comment_count;
}

async function auditOf(commentId: number) {
  const { rows } = await testPool().query(`SELECT action, actor_id, reason, before, after FROM audit_log WHERE target_kind = 'comment' AND target_id = $1 ORDER BY id`, [String(commentId)]);
  return rows;
}

describe('comments: the site\'s watched words', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let ownerAgent: Agent;
  let author: User;
  let authorAgent: Agent;
  let moderatorUser: User;
  let moderator: Agent;
  let admin: Agent;
  let video: Video;

  /** Posts as `agent`; the new comment's id and row. */
  async function post(agent: Agent, who: User, body: string, on: Video = video) {
    const res = await postForm(agent, `/watch/${on.publicId}/comments`, { body });
    assert.equal(res.status, 303, body);
    const { rows } = await testPool().query('SELECT id FROM comments WHERE video_id = $1 AND author_id = $2 ORDER BY id DESC LIMIT 1', [on.id, who.id]);
    return { id: Number(rows[0].id), ...(await commentRow(rows[0].id)) };
  }

  before(async () => {
    owner = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    author = await createUser();
    authorAgent = await signedInAgent(t.app, author);
    moderatorUser = await createUser({ roles: ['user', 'moderator'] });
    moderator = await signedInAgent(t.app, moderatorUser);
    admin = await signedInAgent(t.app, await createUser({ roles: ['user', 'admin'] }));
    video = await createVideo(owner);
  });
  beforeEach(() => changeSiteSettings(t, { watchedWords: ['scam', 'free money', 'хлам'] }));
  after(() => resetSiteSettings(t));

  describe('the rule', () => {
    it('matches whole words in any case, as the channels\' blocked words do, never inside other words', () => {
      const words = ['scam', 'free money', 'Mixed Case'];
      for (const text of ['a SCAM!', '(scam)', 'Scam.', 'FREE   money', 'ｓｃａｍ', 'sc\u200Bam', 'mixed case here']) assert.equal(containsWatchedWord(text, words), true, text);
      for (const text of ['scammer', 'antiscam', 'scam_x', 'free moneybag', 'mixedcase', '']) assert.equal(containsWatchedWord(text, words), false, text);
      assert.equal(containsWatchedWord('scam', []), false);
    });
  });

  describe('posting and editing', () => {
    it('holds a comment with a watched word for the site\'s moderators, and not one with it inside another word', async () => {
      const before = await commentCount(video);
      const held = await post(authorAgent, author, 'This is a SCAM, truly');
      assert.deepEqual([held.held, held.held_reason], [true, 'watched-word']);
      const phrase = await post(authorAgent, author, 'free\nmoney for all');
      assert.equal(phrase.held_reason, 'watched-word');
      const cyrillic = await post(authorAgent, author, 'Это ХЛАМ');
      assert.equal(cyrillic.held_reason, 'watched-word');
      const inside = await post(authorAgent, author, 'Scammers and freemoney are not the words');
      assert.equal(inside.held, false);
      assert.equal(await commentCount(video), before + 1, 'held comments are not counted');
      // Hidden from others, as any held comment.
      assert.doesNotMatch((await supertest(t.app).get(`/watch/${video.publicId}`)).text, new RegExp(`id="comment-${held.id}"`));
    });

    it('applies to the channel\'s owner and before the video\'s mode, not to moderators', async () => {
      assert.equal((await post(ownerAgent, owner, 'my own scam video')).held_reason, 'watched-word');
      await testPool().query(`UPDATE videos SET comments_mode = 'held' WHERE id = $1`, [video.id]);
      try {
        assert.equal((await post(authorAgent, author, 'scam in held mode')).held_reason, 'watched-word');
        assert.equal((await post(authorAgent, author, 'plain in held mode')).held_reason, 'held-mode');
      } finally {
        await testPool().query(`UPDATE videos SET comments_mode = 'on' WHERE id = $1`, [video.id]);
      }
      assert.equal((await post(moderator, moderatorUser, 'Please do not call this a scam')).held, false);
    });

    it('applies a change of the list to the next comment, without a restart', async () => {
      assert.equal((await post(authorAgent, author, 'talk of a swindle')).held, false);
      await changeSiteSettings(t, { watchedWords: ['swindle'] });
      assert.equal((await post(authorAgent, author, 'another swindle')).held_reason, 'watched-word');
      assert.equal((await post(authorAgent, author, 'a scam now unlisted')).held, false);
      await resetSiteSettings(t);
      assert.equal((await post(authorAgent, author, 'yet another swindle')).held, false);
    });

    it('holds a published comment whose author edits a watched word into it, taking it out of the count', async () => {
      const plain = await post(authorAgent, author, 'An honest remark');
      const before = await commentCount(video);
      const res = await postForm(authorAgent, `/comments/${plain.id}/edit`, { body: 'An honest scam' });
      assert.equal(res.status, 303);
      const after = await commentRow(plain.id);
      assert.deepEqual([after.held, after.held_reason, after.body], [true, 'watched-word', 'An honest scam']);
      assert.equal(await commentCount(video), before - 1);
      // An edit without one leaves a published comment published.
      const other = await post(authorAgent, author, 'Another remark');
      await postForm(authorAgent, `/comments/${other.id}/edit`, { body: 'Another remark, edited' });
      assert.equal((await commentRow(other.id)).held, false);
    });
  });

  describe('the creator', () => {
    it('sees it in the inbox as the moderators\' to review, cannot approve it (403), may remove it', async () => {
      const held = await post(authorAgent, author, 'scam for the inbox');
      const inbox = (await ownerAgent.get('/studio/comments?state=held')).text;
      assert.match(inbox, /Held for review<\/strong>: it contains a word the site(&#39;|')s moderators watch; they review it/);
      assert.doesNotMatch(inbox, new RegExp(`action="/studio/comments/${held.id}/approve"`));
      assert.doesNotMatch((await ownerAgent.get(`/watch/${video.publicId}`)).text, new RegExp(`action="/comments/${held.id}/approve"`));
      assert.equal((await withoutWrites(() => postForm(ownerAgent, `/comments/${held.id}/approve`))).status, 403);
      assert.equal((await withoutWrites(() => postForm(ownerAgent, `/studio/comments/${held.id}/approve`, { state: 'held' }))).status, 403);
      const bulk = await postForm(ownerAgent, '/studio/comments/bulk', { action: 'approve', ids: String(held.id) });
      assert.equal(bulk.status, 303);
      assert.equal((await commentRow(held.id)).held, true, 'bulk approve leaves it held');
      assert.match((await ownerAgent.get('/studio/comments')).text, /1 comment left for the site(&#39;|')s moderators/);
      assert.equal((await postForm(ownerAgent, `/studio/comments/${held.id}/reject`, { state: 'held' })).status, 303);
      const rejected = await commentRow(held.id);
      assert.ok(!rejected || rejected.deleted_at !== null, 'the creator removed it');
    });

    it('still approves the comments its own rules held', async () => {
      await testPool().query(`UPDATE videos SET comments_mode = 'held' WHERE id = $1`, [video.id]);
      const held = await post(authorAgent, author, 'nothing watched here');
      await testPool().query(`UPDATE videos SET comments_mode = 'on' WHERE id = $1`, [video.id]);
      assert.equal((await postForm(ownerAgent, `/comments/${held.id}/approve`)).status, 303);
      assert.equal((await commentRow(held.id)).held, false);
    });
  });

  describe('GET /admin/comments/held', () => {
    it('lists the comments held for watched words, newest first, to moderators and admins; others 403, anonymous to sign in', async () => {
      const first = await post(authorAgent, author, 'first scam of the list');
      const second = await post(authorAgent, author, 'second scam of the list');
      await testPool().query(`UPDATE videos SET comments_mode = 'held' WHERE id = $1`, [video.id]);
      const modeHeld = await post(authorAgent, author, 'held by the mode only');
      await testPool().query(`UPDATE videos SET comments_mode = 'on' WHERE id = $1`, [video.id]);
      const page = await moderator.get('/admin/comments/held');
      assert.equal(page.status, 200);
      assert.ok(page.text.indexOf(`id="held-${second.id}"`) < page.text.indexOf(`id="held-${first.id}"`), 'newest first');
      assert.ok(page.text.includes(`id="held-${first.id}"`));
      assert.ok(!page.text.includes(`id="held-${modeHeld.id}"`), 'the creator\'s holds are not the moderators\'');
      assert.match(page.text, /href="\/admin\/comments\/held" aria-current="page">Held comments</);
      assert.equal((await admin.get('/admin/comments/held')).status, 200);
      assert.equal((await ownerAgent.get('/admin/comments/held')).status, 403);
      assertSignIn(await supertest(t.app).get('/admin/comments/held'), '/admin/comments/held');
      assert.equal((await moderator.get('/admin/comments/held?after=abc')).status, 400);
    });

    it('lets a custom role with comment.remove.any review them', async () => {
      const role = `held-${process.pid % 10000}-${Date.now() % 100000}`;
      await testPool().query(`INSERT INTO roles (name, description) VALUES ($1, 'Reviews held comments')`, [role]);
      await testPool().query(`INSERT INTO role_permissions (role, permission) VALUES ($1, 'comment.remove.any'), ($1, 'video.hide.any')`, [role]);
      const custom = await signedInAgent(t.app, await createUser({ roles: ['user', role] }));
      const held = await post(authorAgent, author, 'scam for a custom role');
      assert.equal((await custom.get('/admin/comments/held')).status, 200);
      assert.equal((await postForm(custom, `/admin/comments/held/${held.id}/approve`)).status, 303);
      assert.equal((await commentRow(held.id)).held, false);
    });
  });

  describe('POST /admin/comments/held/:id/approve and /remove', () => {
    it('approves: shown to all and counted, recorded in the audit log; again is a 403 (no longer held)', async () => {
      const held = await post(authorAgent, author, 'approve this scam');
      const before = await commentCount(video);
      const res = await postForm(moderator, `/admin/comments/held/${held.id}/approve`);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/admin/comments/held');
      assert.equal((await commentRow(held.id)).held, false);
      assert.equal(await commentCount(video), before + 1);
      assert.match((await supertest(t.app).get(`/watch/${video.publicId}?sort=newest`)).text, new RegExp(`id="comment-${held.id}"`));
      const [entry] = await auditOf(held.id);
      assert.equal(entry.action, 'comment.approve');
      assert.equal(Number(entry.actor_id), moderatorUser.id);
      assert.equal(entry.before.heldReason, 'watched-word');
      assert.equal(entry.before.body, 'approve this scam');
      assert.deepEqual(entry.after, { held: false });
      assert.equal((await withoutWrites(() => postForm(moderator, `/admin/comments/held/${held.id}/approve`))).status, 403);
    });

    it('removes with a reason, recorded in the audit log; without a reason 422 and nothing written', async () => {
      const held = await post(authorAgent, author, 'remove this scam');
      const refused = await withoutWrites(() => postForm(moderator, `/admin/comments/held/${held.id}/remove`, { reason: '' }));
      assert.equal(refused.status, 422);
      assert.match(refused.text, /Choose a reason for the removal\./);
      assert.match(refused.text, new RegExp(`href="#field-reason-${held.id}"`));
      assert.equal((await withoutWrites(() => postForm(moderator, `/admin/comments/held/${held.id}/remove`, { reason: 'not-a-reason' }))).status, 422);
      const res = await postForm(moderator, `/admin/comments/held/${held.id}/remove`, { reason: 'spam', note: 'watched word' });
      assert.equal(res.status, 303);
      const removed = await commentRow(held.id);
      assert.ok(!removed || removed.deleted_at !== null, 'removed');
      const [entry] = await auditOf(held.id);
      assert.deepEqual([entry.action, entry.reason], ['comment.remove', 'spam']);
    });

    it('refuses comments that are not held for a watched word (403), others than moderators (403), anonymous (sign in), unknown ids (404)', async () => {
      await testPool().query(`UPDATE videos SET comments_mode = 'held' WHERE id = $1`, [video.id]);
      const modeHeld = await post(authorAgent, author, 'held by the mode, not the site');
      await testPool().query(`UPDATE videos SET comments_mode = 'on' WHERE id = $1`, [video.id]);
      const published = await post(authorAgent, author, 'published already');
      const watched = await post(authorAgent, author, 'a scam waiting');
      for (const id of [modeHeld.id, published.id]) {
        assert.equal((await withoutWrites(() => postForm(moderator, `/admin/comments/held/${id}/approve`))).status, 403);
        assert.equal((await withoutWrites(() => postForm(moderator, `/admin/comments/held/${id}/remove`, { reason: 'spam' }))).status, 403);
      }
      for (const agent of [ownerAgent, authorAgent]) {
        assert.equal((await withoutWrites(() => postForm(agent, `/admin/comments/held/${watched.id}/approve`))).status, 403);
        assert.equal((await withoutWrites(() => postForm(agent, `/admin/comments/held/${watched.id}/remove`, { reason: 'spam' }))).status, 403);
      }
      const anonymous = supertest.agent(t.app);
      assertSignIn(await postForm(anonymous, `/admin/comments/held/${watched.id}/approve`, {}, { tokenPage: '/login' }));
      assert.equal((await postForm(moderator, '/admin/comments/held/999999999/approve')).status, 404);
      assert.equal((await postForm(moderator, '/admin/comments/held/abc/approve')).status, 404);
      assert.equal((await commentRow(watched.id)).held, true);
    });
  });
});
