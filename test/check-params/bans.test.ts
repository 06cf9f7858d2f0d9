// Attack covered: bad parameters on the ban, unban and account-deletion routes (issue 13, item 4):
// signed-out and banned requests, accounts without the permission, forged posts, unknown,
// malformed, deleted and protected accounts (admins, oneself), missing, unknown, repeated or
// oversized fields and impossible dates. Each gets its exact status, never a 500, and writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

const MALFORMED_HANDLES = ['a'.repeat(31), 'bad%20handle', '%2E%2E', '%00', 'h%C3%A9', '..%2F..%2Fetc', '@someone'];

describe('check params: bans and deleted accounts', () => {
  const t = useCheckedApp();
  let moderator: Agent;
  let admin: Agent;
  let user: Agent;
  let adminHandle: string;
  let targetHandle: string;
  let deletedHandle: string;

  before(async () => {
    const adminUser = await createUser({ roles: ['admin'] });
    adminHandle = adminUser.handle;
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    admin = await signedInAgent(t.app, adminUser);
    user = await signedInAgent(t.app, await createUser());
    targetHandle = (await createUser()).handle;
    const deleted = await createUser();
    await testPool().query('UPDATE users SET deleted_at = now() WHERE id = $1', [deleted.id]);
    deletedHandle = deleted.handle;
  });

  describe('GET /admin/users/:handle/ban, /admin/users/:handle/delete', () => {
    for (const page of ['ban', 'delete']) {
      it(`${page}: fails with a non-authenticated user or a banned account (sign in)`, async () => {
        assertSignIn(await supertest(t.app).get(`/admin/users/${targetHandle}/${page}`));
        assertSignIn(await (await bannedAgent(t.app)).get(`/admin/users/${targetHandle}/${page}`));
      });

      it(`${page}: fails without the permission (403), for an admin's account or one's own (403)`, async () => {
        assert.equal((await user.get(`/admin/users/${targetHandle}/${page}`)).status, 403);
        assert.equal((await moderator.get(`/admin/users/${adminHandle}/${page}`)).status, 403);
        assert.equal((await admin.get(`/admin/users/${adminHandle}/${page}`)).status, 403);
      });

      it(`${page}: fails with an unknown, malformed or deleted account (404)`, async () => {
        for (const handle of ['nobody_at_all', deletedHandle, ...MALFORMED_HANDLES]) assert.equal((await admin.get(`/admin/users/${handle}/${page}`)).status, 404, handle);
      });

      it(`${page}: succeeds with correct parameters`, async () => {
        assert.equal((await admin.get(`/admin/users/${targetHandle}/${page}`)).status, 200);
        assert.equal((await admin.get(`/admin/users/${targetHandle.toUpperCase()}/${page}`)).status, 200);
      });
    }
  });

  describe('POST /admin/users/:handle/ban, /admin/users/:handle/unban and /admin/users/:handle/delete', () => {
    const valid = (action: string, handle: string): Record<string, string> => (action === 'delete' ? { reason: 'spam', confirm: handle } : action === 'ban' ? { reason: 'spam' } : {});

    for (const action of ['ban', 'unban', 'delete']) {
      it(`${action}: fails with a non-authenticated user or a banned account`, async () => {
        const visitor = await anonymousAgent(t.app);
        const banned = await bannedAgent(t.app);
        assertSignIn(await withoutWrites(() => postForm(visitor, `/admin/users/${targetHandle}/${action}`, valid(action, targetHandle))));
        assertSignIn(await withoutWrites(() => postForm(banned, `/admin/users/${targetHandle}/${action}`, valid(action, targetHandle))));
      });

      it(`${action}: fails without a CSRF token (403)`, async () => {
        assert.equal((await withoutWrites(() => admin.post(`/admin/users/${targetHandle}/${action}`).type('form').send(valid(action, targetHandle)))).status, 403);
      });

      it(`${action}: fails without the permission, on an admin or on oneself (403)`, async () => {
        assert.equal((await withoutWrites(() => postForm(user, `/admin/users/${targetHandle}/${action}`, valid(action, targetHandle)))).status, 403);
        assert.equal((await withoutWrites(() => postForm(moderator, `/admin/users/${adminHandle}/${action}`, valid(action, adminHandle)))).status, 403);
        assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${adminHandle}/${action}`, valid(action, adminHandle)))).status, 403);
      });

      it(`${action}: fails with an unknown, malformed or deleted account (404)`, async () => {
        for (const handle of ['nobody_at_all', deletedHandle, ...MALFORMED_HANDLES]) {
          assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${handle}/${action}`, valid(action, handle)))).status, 404, handle);
        }
      });
    }

    it('fails for a moderator who signed in while banned: the ban notice (403), nothing written', async () => {
      const bannedModerator = await createUser({ roles: ['moderator'] });
      await testPool().query('UPDATE users SET banned_at = now() WHERE id = $1', [bannedModerator.id]);
      const agent = await signedInAgent(t.app, bannedModerator);
      for (const action of ['ban', 'unban', 'delete']) {
        const res = await withoutWrites(() => postForm(agent, `/admin/users/${targetHandle}/${action}`, valid(action, targetHandle)));
        assert.equal(res.status, 403, action);
        assert.match(res.text, /Your account is suspended/, action);
      }
      assert.equal((await agent.get(`/admin/users/${targetHandle}/ban`)).status, 403);
    });

    it('ban: fails with a missing, unknown, repeated or oversized field, or an impossible end (422)', async () => {
      const forms: Record<string, string | string[]>[] = [
        {}, { reason: 'x'.repeat(5000) }, { reason: ['spam', 'hate'] }, { reason: 'spam', note: 'n'.repeat(1001) },
        { reason: 'spam', untilDate: '2020-01-01' }, { reason: 'spam', untilDate: '2026-13-01' }, { reason: 'spam', untilDate: '99999-01-01' },
        { reason: 'spam', untilDate: '2027-01-01', untilTime: '25:00' }, { reason: 'spam', untilTime: '10:00' }, { reason: 'spam', untilDate: ['2027-01-01', '2027-01-02'] },
      ];
      for (const form of forms) assert.equal((await withoutWrites(() => postForm(moderator, `/admin/users/${targetHandle}/ban`, form as Record<string, string>))).status, 422, JSON.stringify(form).slice(0, 80));
    });

    it('unban: fails with an unknown reason or an oversized note (422)', async () => {
      for (const form of [{ reason: 'bribe' }, { note: 'n'.repeat(1001) }] as Record<string, string>[]) {
        assert.equal((await withoutWrites(() => postForm(moderator, `/admin/users/${targetHandle}/unban`, form))).status, 422);
      }
    });

    it('delete: fails without a reason or the handle typed again (422)', async () => {
      for (const form of [{ confirm: targetHandle }, { reason: 'spam' }, { reason: 'spam', confirm: 'someone_else' }, { reason: 'nope', confirm: targetHandle }] as Record<string, string>[]) {
        assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${targetHandle}/delete`, form))).status, 422, JSON.stringify(form));
      }
    });

    it('succeeds with correct parameters', async () => {
      const target = await createUser();
      assert.equal((await postForm(moderator, `/admin/users/${target.handle}/ban`, { reason: 'spam', untilDate: '2030-01-01', untilTime: '12:00' })).status, 303);
      assert.equal((await postForm(moderator, `/admin/users/${target.handle}/unban`, { reason: 'mistake' })).status, 303);
      assert.equal((await postForm(admin, `/admin/users/${target.handle}/delete`, { reason: 'spam', confirm: target.handle })).status, 303);
    });
  });
});
