// Attack covered: bad parameters on comments (posting, replying, editing, deleting): signed-out
// and banned requests, forged posts, wrong and malformed video and comment ids, hidden videos,
// replies to comments elsewhere, someone else's comment, empty, oversized and control-character
// text. Each gets its exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import { insertComment } from '../../src/db/comments.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
const MALFORMED_COMMENT_IDS = ['0', '-1', '1.5', 'abc', '9'.repeat(17), '%00', '..%2F..'];
const BAD_BODIES = [{}, { body: '' }, { body: ' \n\t ' }, { body: 'x'.repeat(10_001) }, { body: 'bell\u0007' }];

describe('check params: comments', () => {
  const t = useCheckedApp();
  let owner: User;
  let author: User;
  let agent: Agent;
  let stranger: Agent;
  let video: { id: number; publicId: string };
  let commentId: number;

  before(async () => {
    owner = await createUser();
    author = await createUser();
    agent = await signedInAgent(t.app, author);
    stranger = await signedInAgent(t.app, await createUser());
    video = await createVideo(owner, { title: 'Commented by check-params' });
    commentId = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'A comment to change', parent: null }))!.id;
  });

  describe('POST /watch/:id/comments', () => {
    const send = (who: Agent, id: string, form: Record<string, string> = { body: 'Hello' }) => postForm(who, `/watch/${id}/comments`, form);

    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => send(visitor, video.publicId)));
      assertSignIn(await withoutWrites(() => send(banned, video.publicId)));
    });

    it('fails without a CSRF token', async () => {
      assert.equal((await withoutWrites(() => agent.post(`/watch/${video.publicId}/comments`).type('form').send({ body: 'Hello' }))).status, 403);
    });

    it('fails with an unknown or a malformed video id, or a hidden video (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(() => send(agent, id))).status, 404, id);
      for (const hidden of [await createVideo(owner, { visibility: 'private' }), await createVideo(owner, { status: 'processing' })]) {
        assert.equal((await withoutWrites(() => send(agent, hidden.publicId))).status, 404);
      }
    });

    it("fails on the owner's own unfinished video (403)", async () => {
      const processing = await createVideo(author, { status: 'processing' });
      assert.equal((await withoutWrites(() => send(agent, processing.publicId))).status, 403);
    });

    it('fails with missing, empty, oversized or control-character text (422), or a body over 128 kB (413)', async () => {
      for (const form of BAD_BODIES) assert.equal((await withoutWrites(() => send(agent, video.publicId, form as Record<string, string>))).status, 422, JSON.stringify(form).slice(0, 40));
      assert.equal((await withoutWrites(() => send(agent, video.publicId, { body: 'x'.repeat(130 * 1024) }))).status, 413);
    });

    it('fails with a malformed parent (422), or one that is unknown or on another video (404)', async () => {
      for (const parent of ['abc', '0', '-3', '9'.repeat(17)]) assert.equal((await withoutWrites(() => send(agent, video.publicId, { body: 'Hi', parent }))).status, 422, parent);
      const elsewhere = await createVideo(owner);
      const other = (await insertComment(testPool(), { videoId: elsewhere.id, authorId: author.id, body: 'Elsewhere', parent: null }))!.id;
      for (const parent of ['999999999', String(other)]) assert.equal((await withoutWrites(() => send(agent, video.publicId, { body: 'Hi', parent }))).status, 404, parent);
    });

    it('succeeds with correct parameters (303)', async () => {
      assert.equal((await send(stranger, video.publicId, { body: 'A fine comment' })).status, 303);
      assert.equal((await send(stranger, video.publicId, { body: 'A fine reply', parent: String(commentId) })).status, 303);
    });
  });

  describe('POST /comments/:id/rate', () => {
    const rate = (who: Agent, id: string, form: Record<string, string> = { value: 'like' }) => postForm(who, `/comments/${id}/rate`, form);

    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => rate(visitor, String(commentId))));
      assertSignIn(await withoutWrites(() => rate(banned, String(commentId))));
    });

    it('fails without a CSRF token', async () => {
      assert.equal((await withoutWrites(() => stranger.post(`/comments/${commentId}/rate`).type('form').send({ value: 'like' }))).status, 403);
    });

    it('fails with an unknown or malformed comment id, or one on a hidden video (404)', async () => {
      for (const id of ['999999999', ...MALFORMED_COMMENT_IDS]) assert.equal((await withoutWrites(() => rate(stranger, id))).status, 404, id);
      const hidden = await createVideo(owner, { visibility: 'private' });
      const onHidden = (await insertComment(testPool(), { videoId: hidden.id, authorId: owner.id, body: 'Hidden', parent: null }))!.id;
      assert.equal((await withoutWrites(() => rate(stranger, String(onHidden)))).status, 404);
    });

    it('fails with a missing, malformed or oversized value (400), or a body over 64 kB (413)', async () => {
      for (const form of <Record<string, string>[]>[{}, { value: '' }, { value: 'love' }, { value: 'LIKE' }, { value: 'like'.repeat(1000) }]) {
        assert.equal((await withoutWrites(() => rate(stranger, String(commentId), form))).status, 400, JSON.stringify(form).slice(0, 40));
      }
      assert.equal((await withoutWrites(() => rate(stranger, String(commentId), { value: 'like', pad: 'x'.repeat(70 * 1024) }))).status, 413);
    });

    it('succeeds with correct parameters (303)', async () => {
      assert.equal((await rate(stranger, String(commentId))).status, 303);
    });
  });

  describe('POST /comments/:id/edit and /comments/:id/delete', () => {
    for (const action of ['edit', 'delete']) {
      const send = (who: Agent, id: string, form: Record<string, string> = { body: 'Changed' }) => postForm(who, `/comments/${id}/${action}`, form);

      it(`${action}: fails with a non-authenticated user or a banned account`, async () => {
        const visitor = await anonymousAgent(t.app);
        const banned = await bannedAgent(t.app);
        assertSignIn(await withoutWrites(() => send(visitor, String(commentId))));
        assertSignIn(await withoutWrites(() => send(banned, String(commentId))));
      });

      it(`${action}: fails without a CSRF token`, async () => {
        assert.equal((await withoutWrites(() => agent.post(`/comments/${commentId}/${action}`).type('form').send({ body: 'x' }))).status, 403);
      });

      it(`${action}: fails with an unknown or malformed comment id (404)`, async () => {
        for (const id of ['999999999', ...MALFORMED_COMMENT_IDS]) assert.equal((await withoutWrites(() => send(agent, id))).status, 404, id);
      });

      it(`${action}: fails with someone else's comment (403), or one on a video hidden from the viewer (404)`, async () => {
        assert.equal((await withoutWrites(() => send(stranger, String(commentId)))).status, 403);
        const hidden = await createVideo(owner, { visibility: 'private' });
        const onHidden = (await insertComment(testPool(), { videoId: hidden.id, authorId: owner.id, body: 'Hidden', parent: null }))!.id;
        assert.equal((await withoutWrites(() => send(stranger, String(onHidden)))).status, 404);
      });
    }

    it('edit: fails with missing, empty, oversized or control-character text (422), or a body over 128 kB (413)', async () => {
      for (const form of BAD_BODIES) {
        assert.equal((await withoutWrites(() => postForm(agent, `/comments/${commentId}/edit`, form as Record<string, string>))).status, 422, JSON.stringify(form).slice(0, 40));
      }
      assert.equal((await withoutWrites(() => postForm(agent, `/comments/${commentId}/edit`, { body: 'x'.repeat(130 * 1024) }))).status, 413);
    });

    it('succeed with correct parameters (303)', async () => {
      assert.equal((await postForm(agent, `/comments/${commentId}/edit`, { body: 'Changed by its author' })).status, 303);
      assert.equal((await postForm(agent, `/comments/${commentId}/delete`)).status, 303);
    });
  });
});
