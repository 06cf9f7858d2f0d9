import assert from 'node:assert/strict';
import supertest from 'supertest';
import { findComment, insertComment } from '../../src/db/comments.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

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
      const next = /\?after=(\d+)#comments">More comments/.exec(pageHtml)![1];
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
});
