// Attack covered: bad parameters on the studio's comments (the inbox, its bulk and one-by-one
// approve and reject, the channel's review rules): signed-out and banned requests, forged posts,
// unknown and malformed ids and cursors, comments under another account's video (in bulk: never
// touched), repeated and oversized fields. Each gets its exact status, never a 500, and a refused
// one writes nothing.
import assert from 'node:assert/strict';
import { findReviewRules } from '../../src/db/comment-review-rules.js';
import { insertComment } from '../../src/db/comments.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

const MALFORMED_COMMENT_IDS = ['0', '-1', '1.5', 'abc', '9'.repeat(17), '%00', '..%2F..'];

const isHeld = async (id: number) => (await testPool().query('SELECT held FROM comments WHERE id = $1', [id])).rows[0]?.held as boolean | undefined;

describe('check params: the studio’s comments', () => {
  const t = useCheckedApp();
  let owner: Agent;
  let ownerId: number;
  let stranger: Agent;
  let heldId: number;
  let theirsId: number;

  before(async () => {
    const ownerUser = await createUser();
    ownerId = ownerUser.id;
    owner = await signedInAgent(t.app, ownerUser);
    const strangerUser = await createUser();
    stranger = await signedInAgent(t.app, strangerUser);
    const author = await createUser();
    const video = await createVideo(ownerUser);
    heldId = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: 'Held for check-params', parent: null, held: true }))!.id;
    theirsId = (await insertComment(testPool(), { videoId: (await createVideo(strangerUser)).id, authorId: author.id, body: 'Held on the stranger’s video', parent: null, held: true }))!.id;
  });

  describe('GET /studio/comments and POST /studio/comments/bulk', () => {
    it('fail with a non-authenticated user or a banned account', async () => {
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await visitor.get('/studio/comments'), '/studio/comments');
      assertSignIn(await banned.get('/studio/comments?state=held'), '/studio/comments?state=held');
      for (const who of [visitor, banned]) assertSignIn(await withoutWrites(() => postForm(who, '/studio/comments/bulk', { action: 'approve', ids: String(heldId) })));
    });

    it('the page reads odd filters and cursors as the defaults (200)', async () => {
      for (const query of ['?state=', '?state=HELD', '?state=held&state=all', '?after=0', '?after=1e3', `?after=${'9'.repeat(17)}`, '?after=%00', '?after[]=1']) {
        assert.equal((await owner.get(`/studio/comments${query}`)).status, 200, query);
      }
    });

    it('bulk: fails without a CSRF token (403)', async () => {
      assert.equal((await withoutWrites(() => owner.post('/studio/comments/bulk').type('form').send({ action: 'approve', ids: String(heldId) }))).status, 403);
    });

    it('bulk: fails with a missing or unknown action, no ids, malformed or too many ids (422)', async () => {
      const forms: Record<string, string | string[]>[] = [
        { ids: String(heldId) }, { action: '', ids: String(heldId) }, { action: 'APPROVE', ids: String(heldId) }, { action: 'delete'.repeat(1000), ids: String(heldId) },
        { action: 'approve' }, { action: 'approve', ids: '' },
        ...MALFORMED_COMMENT_IDS.filter((id) => id !== '%00').map((id) => ({ action: 'reject', ids: [String(heldId), decodeURIComponent(id)] })),
        { action: 'approve', ids: Array.from({ length: 51 }, (_, i) => String(i + 1)) },
      ];
      for (const form of forms) {
        const res = await withoutWrites(() => postForm(owner, '/studio/comments/bulk', form as Record<string, string>));
        assert.equal(res.status, 422, JSON.stringify(form).slice(0, 60));
      }
      // A NUL anywhere in a form is refused before any route (src/http/nul-bytes.ts).
      assert.equal((await withoutWrites(() => postForm(owner, '/studio/comments/bulk', { action: 'reject', ids: [String(heldId), '\u0000'] } as unknown as Record<string, string>))).status, 400);
      assert.equal(await isHeld(heldId), true);
    });

    it('bulk: too many fields for the site’s forms is 413', async () => {
      const res = await withoutWrites(() => postForm(owner, '/studio/comments/bulk', { action: 'approve', ids: Array.from({ length: 120 }, (_, i) => String(i + 1)) } as unknown as Record<string, string>));
      assert.equal(res.status, 413);
    });

    it('bulk: ids of another account’s video or unknown ones change nothing (303, reported)', async () => {
      for (const action of ['approve', 'reject']) {
        const res = await withoutWrites(() => postForm(owner, '/studio/comments/bulk', { action, ids: [String(theirsId), '999999999'] } as unknown as Record<string, string>));
        assert.equal(res.status, 303, action);
      }
      assert.equal(await isHeld(theirsId), true);
      assert.match((await owner.get('/studio/comments')).text, new RegExp(`#${theirsId}, #999999999`));
    });

    it('succeed with correct parameters (200, 303)', async () => {
      assert.equal((await owner.get('/studio/comments?state=held')).status, 200);
      assert.equal((await postForm(stranger, '/studio/comments/bulk', { action: 'approve', ids: String(theirsId), state: 'held', after: '5' })).headers.location, '/studio/comments?state=held&after=5');
      assert.equal(await isHeld(theirsId), false);
    });
  });

  describe('POST /studio/comments/:id/approve and /studio/comments/:id/reject', () => {
    for (const action of ['approve', 'reject']) {
      const send = (who: Agent, id: string, form: Record<string, string> = {}) => postForm(who, `/studio/comments/${id}/${action}`, form);

      it(`${action}: fails with a non-authenticated user or a banned account`, async () => {
        const visitor = await anonymousAgent(t.app);
        const banned = await bannedAgent(t.app);
        assertSignIn(await withoutWrites(() => send(visitor, String(heldId))));
        assertSignIn(await withoutWrites(() => send(banned, String(heldId))));
      });

      it(`${action}: fails without a CSRF token (403)`, async () => {
        assert.equal((await withoutWrites(() => owner.post(`/studio/comments/${heldId}/${action}`).type('form').send({}))).status, 403);
      });

      it(`${action}: fails with an unknown or malformed id, or a held comment of another account’s video (404)`, async () => {
        for (const id of ['999999999', ...MALFORMED_COMMENT_IDS]) assert.equal((await withoutWrites(() => send(owner, id))).status, 404, id);
        const other = await createUser();
        const held = (await insertComment(testPool(), { videoId: (await createVideo(other)).id, authorId: other.id, body: 'x', parent: null }))!.id;
        await testPool().query('UPDATE comments SET held = true WHERE id = $1', [held]);
        assert.equal((await withoutWrites(() => send(owner, String(held)))).status, 404);
      });

      it(`${action}: fails on a visible comment of another account’s video (403), whatever the form carries`, async () => {
        const other = await createUser();
        const shown = (await insertComment(testPool(), { videoId: (await createVideo(other)).id, authorId: ownerId, body: 'Mine, on their video', parent: null }))!.id;
        assert.equal((await withoutWrites(() => send(owner, String(shown), { owner: String(ownerId), state: 'held' }))).status, 403);
      });
    }

    it('succeed with correct parameters (303), odd place fields read as the defaults', async () => {
      const res = await postForm(owner, `/studio/comments/${heldId}/approve`, { state: '<script>', after: 'x' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/studio/comments');
      assert.equal((await postForm(owner, `/studio/comments/${heldId}/reject`)).status, 303);
    });
  });

  describe('GET /studio/comments/settings and POST /studio/comments/settings', () => {
    it('fail with a non-authenticated user or a banned account', async () => {
      assertSignIn(await (await anonymousAgent(t.app)).get('/studio/comments/settings'), '/studio/comments/settings');
      const visitor = await anonymousAgent(t.app);
      const banned = await bannedAgent(t.app);
      assertSignIn(await withoutWrites(() => postForm(visitor, '/studio/comments/settings', { holdLinks: 'on' })));
      assertSignIn(await withoutWrites(() => postForm(banned, '/studio/comments/settings', { holdLinks: 'on' })));
    });

    it('fails without a CSRF token (403)', async () => {
      assert.equal((await owner.post('/studio/comments/settings').type('form').send({ holdLinks: 'on' })).status, 403);
      assert.equal((await findReviewRules(testPool(), ownerId)).holdLinks, false);
    });

    it('fails with oversized or hostile word lists (422) and saves nothing', async () => {
      for (const blockedWords of ['a'.repeat(51), Array.from({ length: 501 }, (_, i) => `w${i}`).join(','), 'bell\u0007', '\u202E...\u200B', '..., !!!', 'x\uFFFE']) {
        const res = await postForm(owner, '/studio/comments/settings', { blockedWords, holdLinks: 'on' });
        assert.equal(res.status, 422, JSON.stringify(blockedWords).slice(0, 30));
      }
      assert.equal((await postForm(owner, '/studio/comments/settings', { blockedWords: 'nul\u0000byte' })).status, 400);
      assert.deepEqual(await findReviewRules(testPool(), ownerId), { holdLinks: false, holdNewAccounts: false, blockedWords: [] });
    });

    it('a body over the site’s form limit is 413', async () => {
      assert.equal((await postForm(owner, '/studio/comments/settings', { blockedWords: 'word '.repeat(20_000) })).status, 413);
    });

    it('succeed with correct parameters (200, 303)', async () => {
      assert.equal((await owner.get('/studio/comments/settings')).status, 200);
      assert.equal((await postForm(owner, '/studio/comments/settings', { holdNewAccounts: 'on', blockedWords: 'spam' })).status, 303);
    });
  });
});
