import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertComment } from '../../src/db/comments.js';
import { saveReport } from '../../src/db/reports.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { postForm, tokenOf, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser, createVideo, deleteUser, uniqueHandle } from '../helpers/factories.js';

async function rolesOf(userId: number): Promise<string[]> {
  const { rows } = await testPool().query('SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role', [userId]);
  return rows.map((r) => r.role);
}

async function auditOn(userId: number) {
  const { rows } = await testPool().query(`SELECT * FROM audit_log WHERE subject_user_id = $1 ORDER BY id`, [userId]);
  return rows;
}

/**
 * Runs `act` with `keep` as the only admins who can act: every other admin of this test run is
 * banned meanwhile (directly, no session is touched), and unbanned after.
 */
async function asOnlyAdmins<T>(keep: number[], act: () => Promise<T>): Promise<T> {
  const { rows } = await testPool().query(
    `UPDATE users SET banned_at = now() WHERE banned_at IS NULL AND deleted_at IS NULL AND NOT (id = ANY($1::bigint[]))
       AND id IN (SELECT user_id FROM user_roles WHERE role = 'admin') RETURNING id`,
    [keep],
  );
  try {
    return await act();
  } finally {
    await testPool().query('UPDATE users SET banned_at = NULL WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
  }
}

describe('admin: people', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let admin: Agent;
  let adminUser: Awaited<ReturnType<typeof createUser>>;
  let moderator: Agent;
  let plain: Agent;

  before(async () => {
    adminUser = await createUser({ roles: ['user', 'admin'] });
    admin = await signedInAgent(t.app, adminUser);
    moderator = await signedInAgent(t.app, await createUser({ roles: ['user', 'moderator'] }));
    plain = await signedInAgent(t.app, await createUser({ roles: ['user'] }));
  });

  describe('GET /admin/users', () => {
    it('sends anonymous visitors to sign in, refuses a plain user (403), lets in a moderator (user.ban) and an admin', async () => {
      const anonymous = await supertest(t.app).get('/admin/users');
      assert.equal(anonymous.status, 303);
      assert.match(String(anonymous.headers.location), /^\/login\?next=/);
      assert.equal((await plain.get('/admin/users')).status, 403);
      const seen = await moderator.get('/admin/users');
      assert.equal(seen.status, 200);
      assert.ok(!seen.text.includes('href="/admin/roles"'), 'no Roles tab for a moderator');
      assert.equal((await admin.get('/admin/users')).status, 200);
    });

    it('finds people by the start of their handle or email address, filters by role and status, and pages by handle', async () => {
      const stem = uniqueHandle('find').slice(0, 20);
      const a = await createUser({ handle: `${stem}_a`, email: `${stem}.a@example.test` });
      const b = await createUser({ handle: `${stem}_b`, roles: ['moderator'] });
      const c = await createUser({ handle: `${stem}_c` });
      await banUser(c);
      const other = await createUser({ handle: `${stem.replace(/_/, 'x')}_z` }); // '_' is no wildcard
      const handles = (html: string) => [...html.matchAll(/href="\/admin\/users\/([^"?]+)"/g)].map((m) => m[1]);
      assert.deepEqual(handles((await admin.get(`/admin/users?q=${stem}`)).text), [a.handle, b.handle, c.handle]);
      assert.deepEqual(handles((await admin.get(`/admin/users?q=@${stem.toUpperCase()}`)).text), [a.handle, b.handle, c.handle]);
      assert.deepEqual(handles((await admin.get(`/admin/users?q=${encodeURIComponent(`${stem}.A@EXAMPLE`)}`)).text), [a.handle]);
      assert.deepEqual(handles((await admin.get(`/admin/users?q=${stem}&role=moderator`)).text), [b.handle]);
      assert.deepEqual(handles((await admin.get(`/admin/users?q=${stem}&status=banned`)).text), [c.handle]);
      assert.deepEqual(handles((await admin.get(`/admin/users?q=${stem}&status=active`)).text), [a.handle, b.handle]);
      assert.deepEqual(handles((await admin.get(`/admin/users?q=${stem}&after=${a.handle}`)).text), [b.handle, c.handle]);
      assert.ok(!handles((await admin.get(`/admin/users?q=${stem}`)).text).includes(other.handle));
    });

    it('links to the next page with the filters kept', async () => {
      const stem = uniqueHandle('page').slice(0, 20);
      for (let i = 0; i < 51; i += 1) await createUser({ handle: `${stem}_${String(i).padStart(2, '0')}` });
      const first = await admin.get(`/admin/users?q=${stem}`);
      const next = /href="([^"]+)" rel="next"/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
      assert.equal(next, `/admin/users?q=${stem}&after=${stem}_49`);
      const second = await admin.get(next!);
      assert.deepEqual([...second.text.matchAll(/href="\/admin\/users\/([^"?]+)"/g)].map((m) => m[1]), [`${stem}_50`]);
      assert.ok(!second.text.includes('rel="next"'));
    });

    it('answers 400 to a query no form sends', async () => {
      for (const q of ['role=Bad%20Role', 'status=waiting', `q=${'x'.repeat(255)}`, 'q=%07']) assert.equal((await admin.get(`/admin/users?${q}`)).status, 400, q);
      assert.equal((await admin.get('/admin/users?after=%00')).status, 200, 'a malformed cursor is the first page');
    });
  });

  describe('GET /admin/users/:handle', () => {
    it('shows a person\'s roles, counts of their videos and comments, and the actions on them', async () => {
      const person = await createUser({ roles: ['user'] });
      const video = await createVideo(person);
      await createVideo(person, { visibility: 'private' });
      await insertComment(testPool(), { videoId: video.id, authorId: person.id, body: 'Hello', parent: null });
      const reporter = await createUser();
      await saveReport(testPool(), { reporterId: reporter.id, kind: 'video', targetId: video.id, targetOwnerId: person.id, reason: 'spam', severity: 2, text: '', videoTimeSeconds: null });
      await postForm(admin, `/admin/users/${person.handle}/roles`, { role: 'moderator' });
      const res = await admin.get(`/admin/users/${person.handle}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /<dt>Videos<\/dt><dd><a href="\/@[^"]+">2 on the channel<\/a>/);
      assert.match(res.text, /<dt>Comments<\/dt><dd>1<\/dd>/);
      assert.match(res.text, /<dt>Reported<\/dt><dd>1 open item in <a href="\/admin\/reports">the queue<\/a>[^<]*; 1 in all<\/dd>/);
      assert.match(res.text, /role\.grant/);
      assert.match(res.text, /roles: user → moderator, user/);
      assert.match(res.text, /action="\/admin\/users\/[^"]+\/roles\/moderator\/remove"/);
      // A moderator sees the page, without the forms that change roles.
      const seen = await moderator.get(`/admin/users/${person.handle}`);
      assert.equal(seen.status, 200);
      assert.ok(!seen.text.includes('/roles/moderator/remove') && !seen.text.includes('Give role'));
      assert.equal((await plain.get(`/admin/users/${person.handle}`)).status, 403);
      assert.equal((await admin.get('/admin/users/no_such_person_here')).status, 404);
    });

    it('lists their newest videos in every state and their newest comments, held and deleted ones included', async () => {
      const person = await createUser({ roles: ['user'] });
      const video = await createVideo(person, { title: 'Public <one>' });
      await createVideo(person, { title: 'Kept private', visibility: 'private' });
      await createVideo(person, { title: 'Still processing', status: 'processing' });
      const said = (await insertComment(testPool(), { videoId: video.id, authorId: person.id, body: 'First & only', parent: null }))!;
      const held = (await insertComment(testPool(), { videoId: video.id, authorId: person.id, body: 'Wait for me', parent: null }))!;
      await testPool().query('UPDATE comments SET held = true WHERE id = $1', [held.id]);
      const gone = (await insertComment(testPool(), { videoId: video.id, authorId: person.id, body: 'Regretted', parent: null }))!;
      await testPool().query(`UPDATE comments SET deleted_at = now(), body = '' WHERE id = $1`, [gone.id]);
      const res = await moderator.get(`/admin/users/${person.handle}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /<bdi>Public &lt;one&gt;<\/bdi><\/a> <span class="muted">public ·/);
      assert.match(res.text, /<bdi>Kept private<\/bdi><\/a> <span class="muted">private ·/);
      assert.match(res.text, /<bdi>Still processing<\/bdi><\/a> <span class="muted">public, processing ·/);
      assert.ok(res.text.includes(`#comment-${said.id}`) && res.text.includes('<q><bdi>First &amp; only</bdi></q>'));
      assert.match(res.text, /Wait for me<\/bdi><\/q> <span class="muted">\(held for review\)/);
      assert.ok(!res.text.includes('Regretted') && res.text.includes('<span class="muted">Deleted</span>'));
      const empty = await createUser({ roles: ['user'] });
      const none = await moderator.get(`/admin/users/${empty.handle}`);
      assert.match(none.text, /<h2 id="videos-title">Newest videos<\/h2>\s*<p>None\.<\/p>/);
      assert.match(none.text, /<h2 id="comments-title">Newest comments<\/h2>\s*<p>None\.<\/p>/);
    });
  });

  describe('POST /admin/users/:handle/roles and /admin/users/:handle/roles/:role/remove', () => {
    it('gives and takes a role with an audit row each (before and after); resubmits change nothing and record nothing', async () => {
      const person = await createUser({ roles: ['user'] });
      assert.equal((await postForm(admin, `/admin/users/${person.handle}/roles`, { role: 'moderator' })).status, 303);
      assert.equal((await postForm(admin, `/admin/users/${person.handle}/roles`, { role: 'moderator' })).status, 303);
      assert.deepEqual(await rolesOf(person.id), ['moderator', 'user']);
      assert.equal((await postForm(admin, `/admin/users/${person.handle}/roles/moderator/remove`)).status, 303);
      assert.equal((await postForm(admin, `/admin/users/${person.handle}/roles/moderator/remove`)).status, 303);
      assert.deepEqual(await rolesOf(person.id), ['user']);
      const entries = await auditOn(person.id);
      assert.deepEqual(entries.map((e) => [e.action, e.target_kind, e.target_id, Number(e.actor_id)]), [
        ['role.grant', 'user', String(person.id), adminUser.id],
        ['role.revoke', 'user', String(person.id), adminUser.id],
      ]);
      assert.deepEqual([entries[0].before, entries[0].after], [{ roles: ['user'] }, { roles: ['moderator', 'user'] }]);
      assert.deepEqual([entries[1].before, entries[1].after], [{ roles: ['moderator', 'user'] }, { roles: ['user'] }]);
    });

    it('changes what the person may do on their very next request', async () => {
      const person = await createUser({ roles: ['user'] });
      const agent = await signedInAgent(t.app, person);
      assert.equal((await agent.get('/admin/roles')).status, 403);
      await postForm(admin, `/admin/users/${person.handle}/roles`, { role: 'admin' });
      assert.equal((await agent.get('/admin/roles')).status, 200);
      await postForm(admin, `/admin/users/${person.handle}/roles/admin/remove`);
      assert.equal((await agent.get('/admin/roles')).status, 403);
    });

    it('refuses anonymous visitors, plain users and moderators, bad roles and unknown people, writing nothing', async () => {
      const person = await createUser({ roles: ['user'] });
      const anonymous = supertest.agent(t.app);
      assert.equal((await withoutWrites(() => postForm(anonymous, `/admin/users/${person.handle}/roles`, { role: 'moderator' }, { tokenPage: '/login' }))).status, 303);
      for (const who of [plain, moderator]) {
        assert.equal((await withoutWrites(() => postForm(who, `/admin/users/${person.handle}/roles`, { role: 'moderator' }))).status, 403);
        assert.equal((await withoutWrites(() => postForm(who, `/admin/users/${person.handle}/roles/user/remove`))).status, 403);
      }
      for (const role of ['', 'no-such-role', 'BAD', '*']) assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${person.handle}/roles`, { role }))).status, 422, role);
      assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${person.handle}/roles/no-such-role/remove`))).status, 404);
      assert.equal((await withoutWrites(() => postForm(admin, '/admin/users/no_such_person_here/roles', { role: 'moderator' }))).status, 404);
      assert.equal((await withoutWrites(() => admin.post(`/admin/users/${person.handle}/roles`).type('form').send({ role: 'moderator' }))).status, 403, 'no CSRF token');
    });

    it('shows a deleted account with its roles as they were, and changes them no more (404)', async () => {
      const person = await createUser({ roles: ['user', 'moderator'] });
      await deleteUser(person);
      const page = await admin.get(`/admin/users/${person.handle}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<dt>Status<\/dt><dd>Deleted<\/dd>/);
      assert.ok(!page.text.includes('Give role') && !page.text.includes('/remove"'));
      assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${person.handle}/roles`, { role: 'admin' }))).status, 404);
      assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${person.handle}/roles/moderator/remove`))).status, 404);
    });

    it('lets a holder of role.assign give only roles within their own permissions', async () => {
      await testPool().query(`INSERT INTO roles (name, description) VALUES ('t-assigner', 'Gives comment moderation') ON CONFLICT DO NOTHING`);
      await testPool().query(`INSERT INTO role_permissions (role, permission) VALUES ('t-assigner', 'role.assign'), ('t-assigner', 'comment.remove.any') ON CONFLICT DO NOTHING`);
      await testPool().query(`INSERT INTO roles (name, description) VALUES ('t-comments', 'Removes comments') ON CONFLICT DO NOTHING`);
      await testPool().query(`INSERT INTO role_permissions (role, permission) VALUES ('t-comments', 'comment.remove.any') ON CONFLICT DO NOTHING`);
      const assigner = await signedInAgent(t.app, await createUser({ roles: ['t-assigner'] }));
      const person = await createUser({ roles: ['user', 'moderator'] });
      assert.equal((await withoutWrites(() => postForm(assigner, `/admin/users/${person.handle}/roles`, { role: 'admin' }))).status, 403);
      assert.equal((await withoutWrites(() => postForm(assigner, `/admin/users/${person.handle}/roles/moderator/remove`))).status, 403);
      assert.equal((await postForm(assigner, `/admin/users/${person.handle}/roles`, { role: 't-comments' })).status, 303);
      assert.deepEqual(await rolesOf(person.id), ['moderator', 't-comments', 'user']);
    });

    it('never takes the admin role from the last admin who can act (409), nothing written', async () => {
      await asOnlyAdmins([adminUser.id], async () => {
        const res = await withoutWrites(() => postForm(admin, `/admin/users/${adminUser.handle}/roles/admin/remove`));
        assert.equal(res.status, 409);
        assert.deepEqual(await rolesOf(adminUser.id), ['admin', 'user']);
      });
    });

    it('lets only one of two admins removing each other at the same moment succeed (five races)', async () => {
      // Without the admin role's lock, most of these races end with no admin at all.
      for (let round = 0; round < 5; round += 1) {
        const one = await createUser({ roles: ['admin'] });
        const two = await createUser({ roles: ['admin'] });
        const oneAgent = await signedInAgent(t.app, one);
        const twoAgent = await signedInAgent(t.app, two);
        await tokenOf(oneAgent, '/'); // each agent's token read before the race
        await tokenOf(twoAgent, '/');
        await asOnlyAdmins([one.id, two.id], async () => {
          const answers = await Promise.all([
            postForm(oneAgent, `/admin/users/${two.handle}/roles/admin/remove`),
            postForm(twoAgent, `/admin/users/${one.handle}/roles/admin/remove`),
          ]);
          // The loser gets 409 when its request read its own admin role before the winner's
          // change committed, and 403 when it read it after (it is no longer an admin): both refuse.
          const [won, lost] = answers.map((r) => r.status).sort();
          assert.equal(won, 303, `round ${round}`);
          assert.ok(lost === 409 || lost === 403, `round ${round}: ${lost}`);
          const left = [...(await rolesOf(one.id)), ...(await rolesOf(two.id))].filter((r) => r === 'admin');
          assert.equal(left.length, 1, `round ${round}`);
        });
      }
    });
  });
});
