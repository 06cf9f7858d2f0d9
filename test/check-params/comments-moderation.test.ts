// Attack covered: bad parameters on the moderators' comment tools (removal with a reason, an
// edited comment's versions) and on "my comments": signed-out and banned requests, forged posts,
// unknown and malformed ids, comments on hidden videos, a missing, unknown, repeated or oversized
// reason or note, and malformed cursors. Each gets its exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertComment } from '../../src/db/comments.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

const MALFORMED_COMMENT_IDS = ['0', '-1', '1.5', 'abc', '9'.repeat(17), '%00', '..%2F..'];

describe('check params: comments, moderators and my comments', () => {
  const t = useCheckedApp();
  let moderator: Agent;
  let owner: Agent;
  let author: Agent;
  let ownerId: number;
  let commentId: number;

  before(async () => {
    const ownerUser = await createUser();
    const authorUser = await createUser();
    ownerId = ownerUser.id;
    owner = await signedInAgent(t.app, ownerUser);
    author = await signedInAgent(t.app, authorUser);
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    const video = await createVideo(ownerUser, { title: 'Moderated by check-params' });
    commentId = (await insertComment(testPool(), { videoId: video.id, authorId: authorUser.id, body: 'A comment to moderate', parent: null }))!.id;
  });

  /** A comment on a private video, which a stranger may not know exists. */
  async function onHiddenVideo(): Promise<number> {
    const hidden = await createVideo({ id: ownerId }, { visibility: 'private' });
    return (await insertComment(testPool(), { videoId: hidden.id, authorId: ownerId, body: 'Hidden', parent: null }))!.id;
  }

  describe('GET /comments/:id/remove, /comments/:id/revisions', () => {
    for (const action of ['remove', 'revisions']) {
      it(`${action}: fails with a non-authenticated user or a banned account (sign in)`, async () => {
        assertSignIn(await supertest(t.app).get(`/comments/${commentId}/${action}`));
        assertSignIn(await (await bannedAgent(t.app)).get(`/comments/${commentId}/${action}`));
      });

      it(`${action}: fails with an unknown or malformed id, or a comment on a video hidden from the viewer (404)`, async () => {
        for (const id of ['999999999', ...MALFORMED_COMMENT_IDS]) assert.equal((await moderator.get(`/comments/${id}/${action}`)).status, 404, id);
        assert.equal((await author.get(`/comments/${await onHiddenVideo()}/${action}`)).status, 404);
      });

      it(`${action}: fails for anyone without comment.remove.any, the author and the creator included (403)`, async () => {
        for (const who of [author, owner]) assert.equal((await who.get(`/comments/${commentId}/${action}`)).status, 403);
      });

      it(`${action}: succeeds with correct parameters`, async () => {
        assert.equal((await moderator.get(`/comments/${commentId}/${action}`)).status, 200);
      });
    }
  });

  describe('POST /comments/:id/remove', () => {
    const send = (who: Agent, id: string, form: Record<string, string> = { reason: 'spam' }) => postForm(who, `/comments/${id}/remove`, form);

    it('fails with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => send(visitor, String(commentId))));
      assertSignIn(await withoutWrites(() => send(banned, String(commentId))));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await withoutWrites(() => moderator.post(`/comments/${commentId}/remove`).type('form').send({ reason: 'spam' }))).status, 403);
    });

    it('fails with an unknown or malformed id, or a comment on a hidden video (404)', async () => {
      for (const id of ['999999999', ...MALFORMED_COMMENT_IDS]) assert.equal((await withoutWrites(() => send(moderator, id))).status, 404, id);
      const hidden = String(await onHiddenVideo());
      assert.equal((await withoutWrites(() => send(author, hidden))).status, 404);
    });

    it('fails for the author and the creator (403), whatever the form carries', async () => {
      for (const who of [author, owner]) assert.equal((await withoutWrites(() => send(who, String(commentId), { reason: 'spam', moderator: 'true', role: 'moderator' }))).status, 403);
    });

    it('fails with a missing, unknown, repeated or oversized reason, or an oversized or control-character note (422)', async () => {
      const forms: Record<string, unknown>[] = [
        {}, { reason: '' }, { reason: 'SPAM' }, { reason: 'toString' }, { reason: 'constructor' }, { reason: 'spam'.repeat(5000) },
        { reason: 'spam', note: 'x'.repeat(1001) }, { reason: 'spam', note: 'a\u0007b' }, { reason: 'spam', note: '\uFFFE' },
      ];
      for (const form of forms) assert.equal((await withoutWrites(() => send(moderator, String(commentId), form as Record<string, string>))).status, 422, JSON.stringify(form).slice(0, 60));
      // Repeated fields arrive as arrays, which read as nothing.
      const repeated = await withoutWrites(async () => moderator.post(`/comments/${commentId}/remove`).type('form').send(`_csrf=${encodeURIComponent((await moderator.get('/')).text.match(/name="csrf-token" content="([^"]+)"/)![1]!)}&reason=spam&reason=hate`));
      assert.equal(repeated.status, 422);
    });

    it('fails with a body over the site\'s form limit (413)', async () => {
      assert.equal((await withoutWrites(() => send(moderator, String(commentId), { reason: 'spam', note: 'x'.repeat(70_000) }))).status, 413);
    });

    it('succeeds with correct parameters (303); a second removal of the same comment is refused (404: it is gone)', async () => {
      assert.equal((await send(moderator, String(commentId), { reason: 'other', note: 'Checked' })).status, 303);
      assert.equal((await withoutWrites(() => send(moderator, String(commentId)))).status, 404);
    });
  });

  describe('GET /settings/comments', () => {
    it('fails with a non-authenticated user or a banned account (sign in)', async () => {
      assertSignIn(await supertest(t.app).get('/settings/comments'), '/settings/comments');
      assertSignIn(await (await bannedAgent(t.app)).get('/settings/comments'));
    });

    it('reads a malformed cursor as the first page (200)', async () => {
      for (const after of ['x', '1', '-1', '1-0', '99999999999999999-1', '1-99999999999999999', '%00', '1-1&after=2-2']) {
        assert.equal((await author.get(`/settings/comments?after=${after}`)).status, 200, after);
      }
      assert.equal((await author.get('/settings/comments?after[]=1-1')).status, 200);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await author.get('/settings/comments')).status, 200);
      assert.equal((await author.get('/settings/comments?after=1764770000000000-5')).status, 200);
    });
  });
});
