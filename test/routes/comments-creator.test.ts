import assert from 'node:assert/strict';
import supertest from 'supertest';
import { pinComment } from '../../src/db/comment-curation.js';
import { findComment, insertComment } from '../../src/db/comments.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

type User = Awaited<ReturnType<typeof createUser>>;
type Video = Awaited<ReturnType<typeof createVideo>>;

async function comment(video: Video, author: User, body: string, parent: number | null = null): Promise<number> {
  const parentRow = parent === null ? null : await findComment(testPool(), parent);
  return (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body, parent: parentRow }))!.id;
}

async function row(id: number) {
  const { rows } = await testPool().query('SELECT id, body, deleted_at, pinned_at, hearted_at FROM comments WHERE id = $1', [id]);
  return rows[0];
}

async function send(who: Agent, id: number, action: string) {
  return postForm(who, `/comments/${id}/${action}`);
}

/** The ids of the comments of the watch page's first comment list, in page order. */
async function shownIds(app: Parameters<typeof supertest>[0], video: Video, query = ''): Promise<number[]> {
  const page = await supertest(app).get(`/watch/${video.publicId}${query}`);
  assert.equal(page.status, 200);
  return [...page.text.matchAll(/<li class="comment" id="comment-(\d+)"/g)].map((m) => Number(m[1]));
}

describe("comments: the creator's tools", function () {
  this.timeout(60_000);
  const t = useTestApp();
  let owner: User;
  let author: User;
  let ownerAgent: Agent;
  let authorAgent: Agent;
  let otherAgent: Agent;
  let moderatorAgent: Agent;

  before(async () => {
    owner = await createUser();
    author = await createUser();
    ownerAgent = await signedInAgent(t.app, owner);
    authorAgent = await signedInAgent(t.app, author);
    otherAgent = await signedInAgent(t.app, await createUser());
    moderatorAgent = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
  });

  describe('permission matrix', () => {
    // Who may do what to the author's comment under the owner's video: 'ok' is the 303 back to the watch page.
    const matrix: Record<string, { author: 'ok' | 403 }> = {
      pin: { author: 403 },
      unpin: { author: 403 },
      heart: { author: 403 },
      unheart: { author: 403 },
      delete: { author: 'ok' },
    };
    for (const [action, expected] of Object.entries(matrix)) {
      it(`${action}: anonymous and banned are sent to sign in; the other user and moderators get 403; ${expected.author === 'ok' ? 'the author and ' : ''}the owner succeed`, async () => {
        const video = await createVideo(owner);
        const id = await comment(video, author, `For ${action}`);
        const before = await row(id);
        assertSignIn(await send(await anonymousAgent(t.app), id, action));
        assertSignIn(await send(await bannedAgent(t.app), id, action));
        for (const who of [otherAgent, moderatorAgent]) assert.equal((await send(who, id, action)).status, 403);
        if (expected.author === 403) assert.equal((await send(authorAgent, id, action)).status, 403);
        assert.deepEqual(await row(id), before, 'refused requests change nothing');
        const ok = await send(expected.author === 'ok' && action === 'delete' ? authorAgent : ownerAgent, id, action);
        assert.equal(ok.status, 303);
        assert.equal(ok.headers.location, `/watch/${video.publicId}#${action === 'delete' ? 'comments' : `comment-${id}`}`);
        if (action === 'delete') {
          // The owner deletes another's comment too.
          const another = await comment(video, author, 'Another');
          assert.equal((await send(ownerAgent, another, 'delete')).status, 303);
          assert.equal(await row(another), undefined);
        }
      });
    }

    it('is a 404 on a comment whose video the viewer may not see, owner tools included', async () => {
      const hidden = await createVideo(owner, { visibility: 'private' });
      const id = await comment(hidden, owner, 'Hidden');
      for (const action of Object.keys(matrix)) assert.equal((await send(otherAgent, id, action)).status, 404, action);
    });

    it('refuses the creator of another video (403)', async () => {
      const theirs = await createVideo(author);
      const id = await comment(theirs, author, 'On their own video');
      for (const action of ['pin', 'heart', 'delete']) assert.equal((await send(ownerAgent, id, action)).status, 403, action);
    });
  });

  describe('delete by the creator', () => {
    it('keeps a comment with replies as [deleted] (and unpinned), removes one without, and moves the count', async () => {
      const video = await createVideo(owner);
      const root = await comment(video, author, 'Root with a reply');
      await comment(video, author, 'A reply', root);
      assert.equal((await send(ownerAgent, root, 'pin')).status, 303);
      assert.equal((await send(ownerAgent, root, 'delete')).status, 303);
      const kept = await row(root);
      assert.ok(kept.deleted_at);
      assert.equal(kept.body, '');
      assert.equal(kept.pinned_at, null);
      const { rows } = await testPool().query('SELECT comment_count FROM videos WHERE id = $1', [video.id]);
      assert.equal(rows[0].comment_count, 1);
    });
  });

  describe('pin', () => {
    it('shows the pinned comment first on the first page only, once; pinning another unpins the first; unpin puts it back in order', async () => {
      const video = await createVideo(owner);
      const ids: number[] = [];
      for (let i = 0; i < 22; i++) ids.push(await comment(video, author, `Comment ${i}`));
      const oldest = ids[0]!;
      assert.equal((await send(ownerAgent, oldest, 'pin')).status, 303);
      const first = await shownIds(t.app, video);
      assert.equal(first[0], oldest);
      assert.equal(first.length, 21, 'the pinned one and a page of 20');
      const pageHtml = (await supertest(t.app).get(`/watch/${video.publicId}`)).text;
      const next = /after=([^#"]+)#comments">More comments/.exec(pageHtml)![1];
      const second = await shownIds(t.app, video, `?after=${next}`);
      assert.deepEqual([...first.slice(1), ...second].sort((a, b) => a - b), ids.slice(1), 'every other comment once, the pinned one never again');
      assert.match(pageHtml, /Pinned by the creator/);

      const newer = ids[5]!;
      assert.equal((await send(ownerAgent, newer, 'pin')).status, 303);
      assert.equal((await row(oldest)).pinned_at, null);
      assert.equal((await shownIds(t.app, video))[0], newer);
      assert.equal((await send(ownerAgent, newer, 'unpin')).status, 303);
      assert.equal((await row(newer)).pinned_at, null);
      assert.equal((await shownIds(t.app, video))[0], ids[21]);
    });

    it('refuses to pin a reply (400)', async () => {
      const video = await createVideo(owner);
      const root = await comment(video, author, 'Root');
      const reply = await comment(video, author, 'Reply', root);
      assert.equal((await send(ownerAgent, reply, 'pin')).status, 400);
      assert.equal((await row(reply)).pinned_at, null);
    });

    it('keeps one pin per video when two pins race', async () => {
      const video = await createVideo(owner);
      const a = await comment(video, author, 'A');
      const b = await comment(video, author, 'B');
      const token = await tokenFor(ownerAgent, '/');
      const results = await Promise.all([a, b, a, b].map((id) => ownerAgent.post(`/comments/${id}/pin`).type('form').send({ _csrf: token })));
      for (const r of results) assert.equal(r.status, 303);
      const { rows } = await testPool().query('SELECT count(*)::int AS n FROM comments WHERE video_id = $1 AND pinned_at IS NOT NULL', [video.id]);
      assert.equal(rows[0].n, 1);
    });
    it('never deadlocks a pin with replies to the roots it pins and unpins', async () => {
      const video = await createVideo(owner);
      const roots = [await comment(video, author, 'Root A'), await comment(video, author, 'Root B')];
      const repliers = await Promise.all([1, 2, 3, 4].map(() => createUser()));
      const parents = await Promise.all(roots.map((id) => findComment(testPool(), id)));
      for (let round = 0; round < 15; round += 1) {
        await Promise.all([
          pinComment(testPool(), video.id, roots[round % 2]!),
          pinComment(testPool(), video.id, roots[(round + 1) % 2]!),
          ...repliers.map((replier, i) => insertComment(testPool(), { videoId: video.id, authorId: replier.id, body: `Reply ${round}.${i}`, parent: parents[i % 2]! })),
        ]);
      }
      const { rows } = await testPool().query('SELECT count(*)::int AS n FROM comments WHERE video_id = $1 AND thread_id IS NOT NULL', [video.id]);
      assert.equal(rows[0].n, 15 * 4);
    });
  });

  describe('heart', () => {
    it('marks a comment "♥ by the creator", shows Pin/Heart buttons to the owner alone, and unhearts', async () => {
      const video = await createVideo(owner);
      const id = await comment(video, author, 'Lovely');
      assert.equal((await send(ownerAgent, id, 'heart')).status, 303);
      assert.ok((await row(id)).hearted_at);
      const anonymousPage = (await supertest(t.app).get(`/watch/${video.publicId}`)).text;
      assert.match(anonymousPage, /♥<\/span> by the creator/);
      assert.doesNotMatch(anonymousPage, /\/heart"|\/unheart"|\/pin"/);
      const ownerPage = (await ownerAgent.get(`/watch/${video.publicId}`)).text;
      assert.match(ownerPage, new RegExp(`/comments/${id}/unheart"`));
      assert.match(ownerPage, new RegExp(`/comments/${id}/pin"`));
      assert.match(ownerPage, new RegExp(`/comments/${id}/delete"`), 'the owner is offered the delete of any comment');
      assert.doesNotMatch((await otherAgent.get(`/watch/${video.publicId}`)).text, new RegExp(`/comments/${id}/delete"`));
      assert.equal((await send(ownerAgent, id, 'unheart')).status, 303);
      assert.equal((await row(id)).hearted_at, null);
    });

    it('answers a script with JSON', async () => {
      const video = await createVideo(owner);
      const id = await comment(video, author, 'Scripted');
      const res = await ownerAgent.post(`/comments/${id}/heart`).set('Accept', 'application/json').type('form').send({ _csrf: await tokenFor(ownerAgent, '/') });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { id, hearted: true });
    });
  });

  describe('comments mode', () => {
    const setMode = (who: Agent, video: Video, mode: string) => postForm(who, `/watch/${video.publicId}/comments/mode`, { mode });
    const postComment = (who: Agent, video: Video, body: string, parent?: number) =>
      postForm(who, `/watch/${video.publicId}/comments`, { body, ...(parent ? { parent: String(parent) } : {}) });
    const count = async (video: Video) => (await testPool().query('SELECT comment_count FROM videos WHERE id = $1', [video.id])).rows[0].comment_count as number;

    it('is changed by the owner alone: anonymous and banned sign in, others 403, a bad mode 400', async () => {
      const video = await createVideo(owner);
      assertSignIn(await setMode(await anonymousAgent(t.app), video, 'off'));
      assertSignIn(await setMode(await bannedAgent(t.app), video, 'off'));
      for (const who of [authorAgent, otherAgent, moderatorAgent]) assert.equal((await setMode(who, video, 'off')).status, 403);
      for (const mode of ['', 'OFF', 'closed']) assert.equal((await setMode(ownerAgent, video, mode)).status, 400, mode);
      assert.equal((await testPool().query('SELECT comments_mode FROM videos WHERE id = $1', [video.id])).rows[0].comments_mode, 'on');
      assert.equal((await setMode(ownerAgent, video, 'off')).status, 303);
    });

    it('off: no form, existing comments hidden, a post refused 403 with a message; on again shows them', async () => {
      const video = await createVideo(owner);
      // With a player, as a ready video's page has one (its seek bar carries the comments' markers).
      await attachRendition(video);
      const id = await comment(video, author, 'Said before the close');
      assert.equal((await setMode(ownerAgent, video, 'off')).status, 303);
      for (const who of [authorAgent, ownerAgent, supertest.agent(t.app)]) {
        const res = await who.get(`/watch/${video.publicId}`);
        assert.equal(res.status, 200);
        const page = res.text;
        assert.match(page, /Comments are turned off/);
        assert.doesNotMatch(page, /Said before the close/);
        assert.doesNotMatch(page, /name="body"/);
      }
      const refused = await postComment(authorAgent, video, 'Let me in');
      assert.equal(refused.status, 403);
      assert.match(refused.text, /Comments are turned off on this video/);
      assert.equal((await postComment(authorAgent, video, 'A reply', id)).status, 403);
      assert.equal((await setMode(ownerAgent, video, 'on')).status, 303);
      assert.match((await supertest(t.app).get(`/watch/${video.publicId}`)).text, /Said before the close/);
    });

    it('held: new comments are seen by their author (waiting for review), the owner and moderators only, counted once approved; the owner approves or deletes', async () => {
      const video = await createVideo(owner);
      assert.equal((await setMode(ownerAgent, video, 'held')).status, 303);
      assert.equal((await postComment(authorAgent, video, 'Please review me')).status, 303);
      assert.equal((await postComment(authorAgent, video, 'Reject me')).status, 303);
      const { rows } = await testPool().query('SELECT id, body, held FROM comments WHERE video_id = $1 ORDER BY id', [video.id]);
      assert.deepEqual(rows.map((r) => r.held), [true, true]);
      const [kept, rejected] = rows.map((r) => r.id as number);
      assert.equal(await count(video), 0, 'held comments are not counted');
      const authorPage = (await authorAgent.get(`/watch/${video.publicId}`)).text;
      assert.match(authorPage, /Please review me/);
      assert.match(authorPage, /waiting for review/);
      const ownerPage = (await ownerAgent.get(`/watch/${video.publicId}`)).text;
      assert.match(ownerPage, /Please review me/);
      assert.match(ownerPage, new RegExp(`/comments/${kept}/approve"`));
      // Moderators see it too (comments-moderation.test.ts); nobody else does.
      for (const who of [otherAgent, supertest.agent(t.app)]) assert.doesNotMatch((await who.get(`/watch/${video.publicId}`)).text, /Please review me/);
      // Others cannot reach it at all; the author cannot approve their own.
      assert.equal((await send(otherAgent, kept!, 'approve')).status, 404);
      assert.equal((await send(authorAgent, kept!, 'approve')).status, 403);
      assert.equal((await send(ownerAgent, kept!, 'approve')).status, 303);
      assert.equal((await send(ownerAgent, kept!, 'approve')).status, 404, 'nothing left to approve');
      assert.equal(await count(video), 1);
      assert.match((await supertest(t.app).get(`/watch/${video.publicId}`)).text, /Please review me/);
      assert.equal((await send(ownerAgent, rejected!, 'delete')).status, 303);
      assert.equal(await row(rejected!), undefined);
      assert.equal(await count(video), 1, 'deleting a held comment moves no counter');
      // The owner's own comments are never held.
      assert.equal((await postComment(ownerAgent, video, 'From the creator')).status, 303);
      assert.equal(await count(video), 2);
    });

    it('held: deleting a held comment that the creator answered keeps it as [deleted] without moving the count', async () => {
      const video = await createVideo(owner);
      assert.equal((await setMode(ownerAgent, video, 'held')).status, 303);
      assert.equal((await postComment(authorAgent, video, 'Held root')).status, 303);
      const root = (await testPool().query('SELECT id FROM comments WHERE video_id = $1', [video.id])).rows[0].id as number;
      assert.equal((await postComment(ownerAgent, video, 'The creator answers', root)).status, 303);
      assert.equal(await count(video), 1);
      assert.equal((await send(authorAgent, root, 'delete')).status, 303);
      assert.ok((await row(root)).deleted_at);
      assert.equal(await count(video), 1, 'the held root was never counted');
    });

    it('held: a held reply is not counted in its thread until approved', async () => {
      const video = await createVideo(owner);
      const root = await comment(video, author, 'Open root');
      assert.equal((await setMode(ownerAgent, video, 'held')).status, 303);
      assert.equal((await postComment(otherAgent, video, 'Held reply', root)).status, 303);
      const reply = (await testPool().query('SELECT id FROM comments WHERE thread_id = $1', [root])).rows[0].id as number;
      const replies = async () => (await testPool().query('SELECT reply_count FROM comments WHERE id = $1', [root])).rows[0].reply_count as number;
      assert.equal(await replies(), 0);
      assert.equal((await send(ownerAgent, reply, 'approve')).status, 303);
      assert.equal(await replies(), 1);
      assert.equal(await count(video), 2);
    });
  });
});
