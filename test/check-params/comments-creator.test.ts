// Attack covered: bad parameters on the creator's comment tools (pin, unpin, heart, unheart):
// signed-out and banned requests, forged posts, unknown and malformed comment ids, comments on
// hidden videos, comments under someone else's video, a reply pinned; approving a held comment
// and the per-video comments mode (on, off, held). Each gets its exact
// status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import { findComment, insertComment } from '../../src/db/comments.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { MALFORMED_IDS, UNKNOWN_ID, anonymousAgent, assertSignIn, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

const MALFORMED_COMMENT_IDS = ['0', '-1', '1.5', 'abc', '9'.repeat(17), '%00', '..%2F..'];

describe('check params: comments, the creator', () => {
  const t = useCheckedApp();
  let owner: Agent;
  let stranger: Agent;
  let commentId: number;
  let replyId: number;
  let ownerId: number;

  before(async () => {
    const ownerUser = await createUser();
    ownerId = ownerUser.id;
    const author = await createUser();
    owner = await signedInAgent(t.app, ownerUser);
    stranger = await signedInAgent(t.app, await createUser());
    const video = await createVideo(ownerUser, { title: 'Curated by check-params' });
    commentId = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'A comment to curate', parent: null }))!.id;
    replyId = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'A reply', parent: await findComment(testPool(), commentId) }))!.id;
  });

  describe('POST /comments/:id/pin, /comments/:id/unpin, /comments/:id/heart and /comments/:id/unheart', () => {
    for (const action of ['pin', 'unpin', 'heart', 'unheart']) {
      const send = (who: Agent, id: string, form: Record<string, string> = {}) => postForm(who, `/comments/${id}/${action}`, form);

      it(`${action}: fails with a non-authenticated user or a banned account`, async () => {
        const visitor = await anonymousAgent(t.app);
        const banned = await bannedAgent(t.app);
        assertSignIn(await withoutWrites(() => send(visitor, String(commentId))));
        assertSignIn(await withoutWrites(() => send(banned, String(commentId))));
      });

      it(`${action}: fails without a CSRF token (403)`, async () => {
        assert.equal((await withoutWrites(() => owner.post(`/comments/${commentId}/${action}`).type('form').send({}))).status, 403);
      });

      it(`${action}: fails with an unknown or malformed comment id, or one on a hidden video (404)`, async () => {
        for (const id of ['999999999', ...MALFORMED_COMMENT_IDS]) assert.equal((await withoutWrites(() => send(owner, id))).status, 404, id);
        const hidden = await createVideo({ id: ownerId }, { visibility: 'private' });
        const onHidden = (await insertComment(testPool(), { videoId: hidden.id, authorId: ownerId, body: 'Hidden', parent: null }))!.id;
        assert.equal((await withoutWrites(() => send(stranger, String(onHidden)))).status, 404);
      });

      it(`${action}: fails for anyone but the video's owner (403), whatever the form carries`, async () => {
        assert.equal((await withoutWrites(() => send(stranger, String(commentId), { id: String(commentId), owner: String(ownerId) }))).status, 403);
      });
    }

    it('pin: fails on a reply (400)', async () => {
      assert.equal((await withoutWrites(() => postForm(owner, `/comments/${replyId}/pin`))).status, 400);
    });

    it('succeed with correct parameters (303)', async () => {
      for (const action of ['pin', 'unpin', 'heart', 'unheart']) assert.equal((await postForm(owner, `/comments/${commentId}/${action}`)).status, 303, action);
    });
  });

  describe('POST /comments/:id/approve', () => {
    const send = (who: Agent, id: string) => postForm(who, `/comments/${id}/approve`);
    let heldId: number;

    before(async () => {
      const video = await createVideo({ id: ownerId }, { title: 'Reviewed by check-params' });
      const author = await createUser();
      heldId = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Held for review', parent: null, held: true }))!.id;
    });

    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => send(visitor, String(heldId))));
      assertSignIn(await withoutWrites(() => send(banned, String(heldId))));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await withoutWrites(() => owner.post(`/comments/${heldId}/approve`).type('form').send({}))).status, 403);
    });

    it('fails with an unknown or malformed id, a held comment of someone else\'s (404), a comment not held (404), or a visible comment to a stranger (403)', async () => {
      for (const id of ['999999999', ...MALFORMED_COMMENT_IDS]) assert.equal((await withoutWrites(() => send(owner, id))).status, 404, id);
      assert.equal((await withoutWrites(() => send(stranger, String(heldId)))).status, 404);
      assert.equal((await withoutWrites(() => send(owner, String(commentId)))).status, 404);
      assert.equal((await withoutWrites(() => send(stranger, String(commentId)))).status, 403);
    });

    it('succeeds with correct parameters (303)', async () => {
      assert.equal((await send(owner, String(heldId))).status, 303);
    });
  });

  describe('POST /watch/:id/comments/mode', () => {
    let video: { id: number; publicId: string };
    const send = (who: Agent, id: string, form: Record<string, string> = { mode: 'held' }) => postForm(who, `/watch/${id}/comments/mode`, form);

    before(async () => {
      video = await createVideo({ id: ownerId }, { title: 'Mode set by check-params' });
    });

    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => send(visitor, video.publicId)));
      assertSignIn(await withoutWrites(() => send(banned, video.publicId)));
    });

    it('fails without a CSRF token (403), or from anyone but the owner (403)', async () => {
      assert.equal((await withoutWrites(() => owner.post(`/watch/${video.publicId}/comments/mode`).type('form').send({ mode: 'off' }))).status, 403);
      assert.equal((await withoutWrites(() => send(stranger, video.publicId))).status, 403);
    });

    it('fails with an unknown, malformed or hidden video (404)', async () => {
      for (const id of [UNKNOWN_ID, ...MALFORMED_IDS]) assert.equal((await withoutWrites(() => send(owner, id))).status, 404, id);
      const hidden = await createVideo({ id: ownerId }, { visibility: 'private' });
      assert.equal((await withoutWrites(() => send(stranger, hidden.publicId))).status, 404);
    });

    it('fails with a missing, unknown or oversized mode (400)', async () => {
      for (const form of <Record<string, string>[]>[{}, { mode: '' }, { mode: 'ON' }, { mode: 'closed' }, { mode: 'off'.repeat(1000) }]) {
        assert.equal((await withoutWrites(() => send(owner, video.publicId, form))).status, 400, JSON.stringify(form).slice(0, 40));
      }
    });

    it('succeeds with correct parameters (303)', async () => {
      for (const mode of ['off', 'held', 'on']) assert.equal((await send(owner, video.publicId, { mode })).status, 303, mode);
    });
  });
});
