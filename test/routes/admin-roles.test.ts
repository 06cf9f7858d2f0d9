import assert from 'node:assert/strict';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { postForm, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

let roleSequence = 0;
/** A role name no other test uses. */
const newRoleName = () => `t${process.pid % 1000}-${Date.now() % 100000}-${(roleSequence += 1)}`;

async function permissionsOf(role: string): Promise<string[]> {
  const { rows } = await testPool().query('SELECT permission FROM role_permissions WHERE role = $1 ORDER BY permission', [role]);
  return rows.map((r) => r.permission);
}

async function auditFor(kind: string, id: string) {
  const { rows } = await testPool().query('SELECT * FROM audit_log WHERE target_kind = $1 AND target_id = $2 ORDER BY id', [kind, id]);
  return rows;
}

/** A role straight in the database, as the built-in ones are. */
async function makeRole(name: string, permissions: string[]): Promise<void> {
  await testPool().query('INSERT INTO roles (name, description) VALUES ($1, $2)', [name, `Made by a test: ${name}`]);
  for (const p of permissions) await testPool().query('INSERT INTO role_permissions (role, permission) VALUES ($1, $2)', [name, p]);
}

describe('admin: roles', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let admin: Agent;
  let moderator: Agent;
  let plain: Agent;
  let adminId: number;

  before(async () => {
    const adminUser = await createUser({ roles: ['admin'] });
    adminId = adminUser.id;
    admin = await signedInAgent(t.app, adminUser);
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    plain = await signedInAgent(t.app, await createUser());
  });

  describe('GET /admin/roles', () => {
    it('sends anonymous visitors to sign in, refuses a plain user and a moderator without role.assign (403), shows an admin the catalogue and the roles', async () => {
      const anonymous = await supertest(t.app).get('/admin/roles');
      assert.equal(anonymous.status, 303);
      assert.equal(anonymous.headers.location, `/login?next=${encodeURIComponent('/admin/roles')}`);
      assert.equal((await plain.get('/admin/roles')).status, 403);
      assert.equal((await moderator.get('/admin/roles')).status, 403);
      const res = await admin.get('/admin/roles');
      assert.equal(res.status, 200);
      for (const text of ['audit.read', 'video.takedown', 'settings.edit', 'Give and take roles', 'moderator', 'Every permission']) assert.ok(res.text.includes(text), text);
      assert.match(res.text, /<nav class="tabs admin-nav" aria-label="Administration">[\s\S]*href="\/admin\/reports"[\s\S]*href="\/admin\/users"[\s\S]*href="\/admin\/roles"/);
    });

    it('gives moderators audit.read and video.takedown, and settings.edit to admins alone (through *)', async () => {
      const moderatorPermissions = await permissionsOf('moderator');
      assert.ok(moderatorPermissions.includes('audit.read') && moderatorPermissions.includes('video.takedown'));
      assert.ok(!moderatorPermissions.includes('settings.edit'));
      assert.deepEqual(await permissionsOf('admin'), ['*']);
    });
  });

  describe('POST /admin/roles', () => {
    it('creates a role from a name, a description and permissions, with its audit row', async () => {
      const name = newRoleName();
      const res = await postForm(admin, '/admin/roles', { name, description: 'Removes comments, cannot ban', permissions: ['comment.remove.any', 'report.handle'] } as never);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/admin/roles/${name}`);
      assert.deepEqual(await permissionsOf(name), ['comment.remove.any', 'report.handle']);
      const [entry, ...more] = await auditFor('role', name);
      assert.equal(more.length, 0);
      assert.equal(entry.action, 'role.create');
      assert.equal(Number(entry.actor_id), adminId);
      assert.deepEqual(entry.after, { description: 'Removes comments, cannot ban', permissions: ['comment.remove.any', 'report.handle'] });
      const page = await admin.get(`/admin/roles/${name}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /value="comment.remove.any" id="permission-comment-remove-any" checked/);
    });

    it('refuses bad input with 422 and the values typed, writing nothing', async () => {
      const forms: Record<string, unknown>[] = [
        { name: '', description: 'x', permissions: 'video.upload' },
        { name: 'Bad Name', description: 'x' },
        { name: 'x', description: 'x' },
        { name: newRoleName(), description: '' },
        { name: newRoleName(), description: 'x'.repeat(201) },
        { name: newRoleName(), description: 'bell\u0007' },
        { name: newRoleName(), description: 'x', permissions: '*' },
        { name: newRoleName(), description: 'x', permissions: ['video.upload', 'no.such'] },
        { name: newRoleName(), description: 'x', permissions: 'toString' },
        { name: 'admin', description: 'A second admin role' },
      ];
      for (const form of forms) {
        const res = await withoutWrites(() => postForm(admin, '/admin/roles', form as never));
        assert.equal(res.status, 422, JSON.stringify(form));
      }
      const typed = await postForm(admin, '/admin/roles', { name: 'Bad Name', description: 'Kept as typed' });
      assert.match(typed.text, /value="Kept as typed"/);
    });

    it('refuses a moderator (403) and a holder of role.assign giving permissions they do not hold (403), writing nothing', async () => {
      assert.equal((await withoutWrites(() => postForm(moderator, '/admin/roles', { name: newRoleName(), description: 'x' }))).status, 403);
      const assigner = newRoleName();
      await makeRole(assigner, ['role.assign', 'comment.remove.any']);
      const agent = await signedInAgent(t.app, await createUser({ roles: [assigner] }));
      assert.equal((await withoutWrites(() => postForm(agent, '/admin/roles', { name: newRoleName(), description: 'x', permissions: 'user.ban' }))).status, 403);
      assert.equal((await postForm(agent, '/admin/roles', { name: newRoleName(), description: 'Within my own', permissions: 'comment.remove.any' })).status, 303);
    });

    it('refuses a form without its CSRF token (403), writing nothing', async () => {
      const res = await withoutWrites(() => admin.post('/admin/roles').type('form').send({ name: newRoleName(), description: 'x' }));
      assert.equal(res.status, 403);
    });
  });

  describe('POST /admin/roles/:name', () => {
    it('changes a role\'s description and permissions, recording before and after; a resubmit changes nothing more', async () => {
      const name = newRoleName();
      await makeRole(name, ['video.upload']);
      const form = { description: 'Now moderates comments', permissions: ['comment.remove.any', 'video.upload'] };
      assert.equal((await postForm(admin, `/admin/roles/${name}`, form as never)).status, 303);
      assert.deepEqual(await permissionsOf(name), ['comment.remove.any', 'video.upload']);
      assert.equal((await postForm(admin, `/admin/roles/${name}`, form as never)).status, 303);
      const entries = await auditFor('role', name);
      assert.equal(entries.length, 1);
      assert.equal(entries[0].action, 'role.update');
      assert.deepEqual(entries[0].before, { description: `Made by a test: ${name}`, permissions: ['video.upload'] });
      assert.deepEqual(entries[0].after, { description: 'Now moderates comments', permissions: ['comment.remove.any', 'video.upload'] });
    });

    it('keeps every permission on the admin role whatever is sent (its description may change)', async () => {
      const { rows } = await testPool().query(`SELECT description FROM roles WHERE name = 'admin'`);
      const res = await postForm(admin, '/admin/roles/admin', { description: rows[0].description, permissions: 'video.upload' });
      assert.equal(res.status, 303);
      assert.deepEqual(await permissionsOf('admin'), ['*']);
      assert.equal((await auditFor('role', 'admin')).length, 0, 'nothing changed, nothing recorded');
    });

    it('refuses bad input (422), unknown roles (404), moderators (403), writing nothing', async () => {
      const name = newRoleName();
      await makeRole(name, ['video.upload']);
      for (const form of <Record<string, string>[]>[{ description: '' }, { description: 'x', permissions: '*' }, { description: 'x', permissions: 'nope' }]) {
        assert.equal((await withoutWrites(() => postForm(admin, `/admin/roles/${name}`, form))).status, 422, JSON.stringify(form));
      }
      for (const bad of ['no-such-role', 'UPPER', 'x', '%00', 'a'.repeat(40)]) assert.equal((await withoutWrites(() => postForm(admin, `/admin/roles/${bad}`, { description: 'x' }))).status, 404, bad);
      assert.equal((await withoutWrites(() => postForm(moderator, `/admin/roles/${name}`, { description: 'x' }))).status, 403);
    });

    it('refuses a holder of role.assign changing a role that gives more than they hold (403)', async () => {
      const assigner = newRoleName();
      await makeRole(assigner, ['role.assign']);
      const agent = await signedInAgent(t.app, await createUser({ roles: [assigner] }));
      const page = await agent.get('/admin/roles/moderator');
      assert.equal(page.status, 200);
      assert.match(page.text, /you may not change it/);
      assert.ok(!page.text.includes('action="/admin/roles/moderator"') && !page.text.includes('Delete role'), 'no forms offered');
      const list = await agent.get('/admin/roles');
      assert.match(list.text, /value="user.ban" id="permission-user-ban" disabled>/, 'a permission they lack cannot be ticked');
      assert.match(list.text, /value="role.assign" id="permission-role-assign">/);
      assert.equal((await withoutWrites(() => postForm(agent, '/admin/roles/moderator', { description: 'Weakened' }))).status, 403);
      assert.equal((await withoutWrites(() => postForm(agent, '/admin/roles/admin', { description: 'Mine now' }))).status, 403);
    });
  });

  describe('POST /admin/roles/:name/delete', () => {
    it('deletes a role that is not built in: its members lose it, the audit row keeps it', async () => {
      const name = newRoleName();
      await makeRole(name, ['report.handle']);
      const member = await createUser({ roles: [name] });
      assert.equal((await postForm(admin, `/admin/roles/${name}/delete`)).status, 303);
      assert.equal((await testPool().query('SELECT 1 FROM roles WHERE name = $1', [name])).rowCount, 0);
      const [entry] = await auditFor('role', name);
      assert.equal(entry.action, 'role.delete');
      assert.deepEqual(entry.before, { description: `Made by a test: ${name}`, permissions: ['report.handle'], memberCount: 1, memberIds: [member.id] });
      assert.equal((await withoutWrites(() => postForm(admin, `/admin/roles/${name}/delete`))).status, 404);
    });

    it('refuses to delete a built-in role (403), writing nothing', async () => {
      for (const name of ['admin', 'moderator', 'user']) assert.equal((await withoutWrites(() => postForm(admin, `/admin/roles/${name}/delete`))).status, 403, name);
    });
  });
});
