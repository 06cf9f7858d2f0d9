// Attack covered: bad parameters on the people and roles pages (issue 13, item 5): signed-out and
// banned requests, forged posts, accounts without the permission, unknown and malformed role names
// and handles, missing, unknown, repeated, oversized and hostile fields ('*', prototype names), and
// malformed queries. Each gets its exact status, never a 500, and a refused request writes nothing.
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

const MALFORMED_NAMES = ['A', 'x', 'UPPER', '1abc', 'a'.repeat(40), '%00', '..%2F..', 'a%20b', 'toString'];
const MALFORMED_HANDLES = ['x'.repeat(31), '%00', '..%2F..', 'a%20b', 'no_such_person_anywhere'];

let sequence = 0;
const freshName = () => `cp-${process.pid % 10000}-${(sequence += 1)}`;

async function makeRole(): Promise<string> {
  const name = freshName();
  await testPool().query(`INSERT INTO roles (name, description) VALUES ($1, 'check-params')`, [name]);
  return name;
}

describe('check params: people and roles', () => {
  const t = useCheckedApp();
  let admin: Agent;
  let moderator: Agent;
  let plain: Agent;
  let person: { handle: string };

  before(async () => {
    admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    plain = await signedInAgent(t.app, await createUser());
    person = await createUser({ roles: ['user'] });
  });

  describe('GET /admin/roles, /admin/roles/:name', () => {
    it('fails with a non-authenticated user or a banned account (sign in)', async () => {
      for (const path of ['/admin/roles', '/admin/roles/moderator']) {
        assertSignIn(await supertest(t.app).get(path), path);
        assertSignIn(await (await bannedAgent(t.app)).get(path));
      }
    });

    it('fails without role.assign, moderators included (403)', async () => {
      for (const who of [plain, moderator]) for (const path of ['/admin/roles', '/admin/roles/moderator']) assert.equal((await who.get(path)).status, 403, path);
    });

    it('fails with an unknown or malformed role name (404)', async () => {
      for (const name of ['no-such-role', ...MALFORMED_NAMES]) assert.equal((await admin.get(`/admin/roles/${name}`)).status, 404, name);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await admin.get('/admin/roles')).status, 200);
      assert.equal((await admin.get('/admin/roles/admin')).status, 200);
    });
  });

  describe('POST /admin/roles, POST /admin/roles/:name and /admin/roles/:name/delete', () => {
    it('fails with a non-authenticated user or a banned account, and without a CSRF token (403)', async () => {
      const name = await makeRole();
      for (const [path, form] of [['/admin/roles', { name: freshName(), description: 'x' }], [`/admin/roles/${name}`, { description: 'x' }], [`/admin/roles/${name}/delete`, {}]] as const) {
        const [visitor, banned] = [await anonymousAgent(t.app), await bannedAgent(t.app)];
        assertSignIn(await withoutWrites(() => postForm(visitor, path, form, { tokenPage: '/login' })));
        assertSignIn(await withoutWrites(() => postForm(banned, path, form, { tokenPage: '/login' })));
        assert.equal((await withoutWrites(() => admin.post(path).type('form').send(form))).status, 403, path);
        for (const who of [plain, moderator]) assert.equal((await withoutWrites(() => postForm(who, path, form))).status, 403, path);
      }
    });

    it('fails with an unknown or malformed role name (404)', async () => {
      for (const name of ['no-such-role', ...MALFORMED_NAMES]) {
        assert.equal((await withoutWrites(() => postForm(admin, `/admin/roles/${name}`, { description: 'x' }))).status, 404, name);
        assert.equal((await withoutWrites(() => postForm(admin, `/admin/roles/${name}/delete`))).status, 404, name);
      }
    });

    it('fails with missing, malformed, repeated, oversized or hostile fields (422)', async () => {
      const name = await makeRole();
      const forms: Record<string, unknown>[] = [
        {}, { name: freshName() }, { name: '', description: 'x' }, { name: 'UPPER', description: 'x' }, { name: 'constructor', description: 'x', permissions: 'constructor' },
        { name: freshName(), description: 'x'.repeat(201) }, { name: freshName(), description: '\uFFFE' },
        { name: freshName(), description: 'x', permissions: '*' }, { name: freshName(), description: 'x', permissions: '__proto__' },
      ];
      for (const form of forms) assert.equal((await withoutWrites(() => postForm(admin, '/admin/roles', form as never))).status, 422, JSON.stringify(form).slice(0, 80));
      for (const form of <Record<string, string>[]>[{}, { description: '' }, { description: 'x', permissions: '*' }, { description: 'x', permissions: 'hasOwnProperty' }]) {
        assert.equal((await withoutWrites(() => postForm(admin, `/admin/roles/${name}`, form))).status, 422, JSON.stringify(form));
      }
      const token = await tokenOf(admin, '/');
      const repeated = await withoutWrites(() => admin.post('/admin/roles').type('form').send(`_csrf=${encodeURIComponent(token)}&name=${freshName()}&name=${freshName()}&description=x`));
      assert.equal(repeated.status, 422);
    });

    it('fails with a body over the site\'s form limit (413)', async () => {
      assert.equal((await withoutWrites(() => postForm(admin, '/admin/roles', { name: freshName(), description: 'x'.repeat(70_000) }))).status, 413);
    });

    it('refuses to delete a built-in role (403)', async () => {
      for (const name of ['admin', 'moderator', 'user']) assert.equal((await withoutWrites(() => postForm(admin, `/admin/roles/${name}/delete`))).status, 403, name);
    });

    it('succeeds with correct parameters (303)', async () => {
      const name = freshName();
      assert.equal((await postForm(admin, '/admin/roles', { name, description: 'Correct', permissions: 'video.upload' })).status, 303);
      assert.equal((await postForm(admin, `/admin/roles/${name}`, { description: 'Still correct' })).status, 303);
      assert.equal((await postForm(admin, `/admin/roles/${name}/delete`)).status, 303);
    });
  });

  describe('GET /admin/users, /admin/users/:handle', () => {
    it('fails with a non-authenticated user or a banned account (sign in), and without role.assign or user.ban (403)', async () => {
      for (const path of ['/admin/users', `/admin/users/${person.handle}`]) {
        assertSignIn(await supertest(t.app).get(path), path);
        assertSignIn(await (await bannedAgent(t.app)).get(path));
        assert.equal((await plain.get(path)).status, 403);
      }
    });

    it('fails with an unknown or malformed handle (404)', async () => {
      for (const handle of MALFORMED_HANDLES) assert.equal((await admin.get(`/admin/users/${handle}`)).status, 404, handle);
    });

    it('fails with a query no form sends (400); reads a malformed cursor as the first page (200)', async () => {
      for (const q of ['role=UPPER', 'role=%00', 'status=waiting', 'status=__proto__', `q=${'x'.repeat(300)}`, 'q=%EF%BF%BE']) assert.equal((await admin.get(`/admin/users?${q}`)).status, 400, q);
      for (const q of ['after=%00', 'after=x'.repeat(40), 'after[]=a', 'q[]=a', 'role[]=admin', 'q=%25', 'q=_', 'q=%5C', 'q=a%40', 'status=pending']) assert.equal((await admin.get(`/admin/users?${q}`)).status, 200, q);
    });

    it('succeeds with correct parameters', async () => {
      assert.equal((await admin.get('/admin/users?q=a&role=admin&status=active')).status, 200);
      assert.equal((await moderator.get(`/admin/users/${person.handle}`)).status, 200);
      assert.equal((await admin.get(`/admin/users/${person.handle.toUpperCase()}`)).status, 200);
    });
  });

  describe('POST /admin/users/:handle/roles and /admin/users/:handle/roles/:role/remove', () => {
    it('fails with a non-authenticated user or a banned account, without a CSRF token (403), and without role.assign (403)', async () => {
      for (const [path, form] of [[`/admin/users/${person.handle}/roles`, { role: 'moderator' }], [`/admin/users/${person.handle}/roles/user/remove`, {}]] as const) {
        const [visitor, banned] = [await anonymousAgent(t.app), await bannedAgent(t.app)];
        assertSignIn(await withoutWrites(() => postForm(visitor, path, form, { tokenPage: '/login' })));
        assertSignIn(await withoutWrites(() => postForm(banned, path, form, { tokenPage: '/login' })));
        assert.equal((await withoutWrites(() => admin.post(path).type('form').send(form))).status, 403);
        for (const who of [plain, moderator]) assert.equal((await withoutWrites(() => postForm(who, path, form))).status, 403);
      }
    });

    it('fails with an unknown or malformed handle or role in the address (404)', async () => {
      for (const handle of MALFORMED_HANDLES) {
        assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${handle}/roles`, { role: 'user' }))).status, 404, handle);
        assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${handle}/roles/user/remove`))).status, 404, handle);
      }
      for (const role of ['no-such-role', ...MALFORMED_NAMES]) assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${person.handle}/roles/${role}/remove`))).status, 404, role);
    });

    it('fails with a missing, unknown, malformed or repeated role (422)', async () => {
      for (const form of <Record<string, string>[]>[{}, { role: '' }, { role: 'no-such-role' }, { role: '*' }, { role: 'ADMIN' }, { role: 'x'.repeat(5000) }, { role: '__proto__' }]) {
        assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${person.handle}/roles`, form))).status, 422, JSON.stringify(form).slice(0, 60));
      }
      const token = await tokenOf(admin, '/');
      assert.equal((await withoutWrites(() => admin.post(`/admin/users/${person.handle}/roles`).type('form').send(`_csrf=${encodeURIComponent(token)}&role=user&role=admin`))).status, 422);
    });

    it('succeeds with correct parameters (303)', async () => {
      assert.equal((await postForm(admin, `/admin/users/${person.handle}/roles`, { role: 'moderator' })).status, 303);
      assert.equal((await postForm(admin, `/admin/users/${person.handle}/roles/moderator/remove`)).status, 303);
    });
  });
});
