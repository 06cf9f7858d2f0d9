import assert from 'node:assert/strict';
import supertest from 'supertest';
import { prepareSetupAddress } from '../../src/auth/setup.js';
import { changeSiteSettings, createTestApp, resetSiteSettings, useTestApp } from '../helpers/app.js';
import { csrfFrom, signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { withoutWrites } from '../helpers/check-params.js';
import { freshDatabase, testPool } from '../helpers/database.js';
import { DEFAULT_PASSWORD, createUser, uniqueHandle } from '../helpers/factories.js';

const PASSWORD = 'a long and unusual passphrase 42';

async function account(handle: string) {
  const { rows } = await testPool().query('SELECT id, pending_at, deleted_at, email FROM users WHERE handle = $1', [handle]);
  return rows[0];
}

async function auditOf(userId: number) {
  const { rows } = await testPool().query(`SELECT * FROM audit_log WHERE target_kind = 'user' AND target_id = $1 ORDER BY id`, [String(userId)]);
  return rows;
}

describe('registration modes (issue 13, item 9): open, needing approval, closed', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let moderator: Agent;
  let admin: Agent;
  let plain: Agent;

  before(async () => {
    await resetSiteSettings(t);
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    plain = await signedInAgent(t.app, await createUser({ roles: ['user'] }));
  });

  afterEach(() => resetSiteSettings(t));
  // Other files list people: the accounts left waiting here wait no more.
  after(() => testPool().query(`UPDATE users SET pending_at = NULL WHERE pending_at IS NOT NULL AND handle LIKE 'wait%'`));

  /** Signs up through the form as a new visitor; the visitor and the answer. */
  async function signUp(handle: string) {
    const visitor = supertest.agent(t.app);
    const token = await tokenFor(visitor, '/register');
    const res = await visitor.post('/register').type('form').send({ _csrf: token, handle, displayName: `Person ${handle}`, email: `${handle}@example.org`, password: PASSWORD });
    return { visitor, res };
  }

  async function signIn(handle: string) {
    const visitor = supertest.agent(t.app);
    const token = await tokenFor(visitor, '/login');
    const res = await visitor.post('/login').type('form').send({ _csrf: token, login: handle, password: PASSWORD });
    return { visitor, res };
  }

  async function pendingAccount(): Promise<{ handle: string; id: number }> {
    await changeSiteSettings(t, { registration: 'approval' });
    const handle = uniqueHandle('wait');
    assert.equal((await signUp(handle)).res.status, 303);
    await resetSiteSettings(t);
    return { handle, id: Number((await account(handle)).id) };
  }

  describe('closed', () => {
    it('says so on the register page, hides the sign-up links, and refuses the form (403) writing nothing', async () => {
      await changeSiteSettings(t, { registration: 'closed' });
      const page = await supertest(t.app).get('/register');
      assert.equal(page.status, 200);
      assert.match(page.text, /Sign-ups are closed/);
      assert.doesNotMatch(page.text, /name="handle"/);
      const home = await supertest(t.app).get('/');
      assert.doesNotMatch(home.text, /href="\/register"/);
      const handle = uniqueHandle('closed');
      const visitor = supertest.agent(t.app);
      const token = await tokenFor(visitor, '/login');
      const res = await withoutWrites(() => visitor.post('/register').type('form').send({ _csrf: token, handle, displayName: 'Nobody', email: '', password: PASSWORD }));
      assert.equal(res.status, 403);
      assert.match(res.text, /Sign-ups are closed/);
      assert.equal(await account(handle), undefined);
    });

    it('opens again on the next request once set back to open', async () => {
      await changeSiteSettings(t, { registration: 'closed' });
      assert.match((await supertest(t.app).get('/register')).text, /Sign-ups are closed/);
      await changeSiteSettings(t, { registration: 'open' });
      assert.match((await supertest(t.app).get('/register')).text, /name="handle"/);
      assert.match((await supertest(t.app).get('/')).text, /href="\/register"/);
    });
  });

  describe('needing approval', () => {
    it('sign-up → no session, the waiting page at sign-in, a hidden channel → approved by a moderator → can use the site', async () => {
      await changeSiteSettings(t, { registration: 'approval' });
      assert.match((await supertest(t.app).get('/register')).text, /wait for a moderator's approval/);
      const handle = uniqueHandle('approve');
      const { visitor, res } = await signUp(handle);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/login');
      const row = await account(handle);
      assert.ok(row.pending_at instanceof Date);
      assert.match((await visitor.get('/login')).text, /waits for a moderator&#39;s approval/);
      // Not signed in by signing up: the settings page asks to sign in.
      assert.equal((await visitor.get('/settings')).status, 303);

      const attempt = await signIn(handle);
      assert.equal(attempt.res.status, 403);
      assert.match(attempt.res.text, /Your account waits for approval/);
      assert.equal((await attempt.visitor.get('/settings')).status, 303, 'no session after the waiting page');
      assert.equal((await supertest(t.app).get(`/@${handle}`)).status, 404);
      const search = await supertest(t.app).get(`/search?q=${handle}`);
      assert.doesNotMatch(search.text, new RegExp(`/@${handle}"`));

      // In the list of those waiting, with its buttons.
      const list = await moderator.get('/admin/users?status=pending');
      assert.equal(list.status, 200);
      assert.match(list.text, new RegExp(`href="/admin/users/${handle}"`));
      assert.match(list.text, new RegExp(`action="/admin/users/${handle}/approve"`));
      assert.match((await moderator.get(`/admin/users/${handle}`)).text, /Waiting for approval[\s\S]*Approve/);

      const token = await tokenFor(moderator, `/admin/users/${handle}`);
      const approved = await moderator.post(`/admin/users/${handle}/approve`).type('form').send({ _csrf: token, from: 'list' });
      assert.equal(approved.status, 303);
      assert.equal(approved.headers.location, '/admin/users?status=pending');
      assert.equal((await account(handle)).pending_at, null);
      const audit = await auditOf(row.id);
      assert.equal(audit.length, 1);
      assert.equal(audit[0].action, 'user.approve');
      assert.equal(audit[0].subject_user_id, row.id);
      assert.deepEqual(audit[0].after, { pending: false });
      assert.doesNotMatch((await moderator.get('/admin/users?status=pending')).text, new RegExp(`href="/admin/users/${handle}"`));

      const after = await signIn(handle);
      assert.equal(after.res.status, 303);
      assert.equal((await after.visitor.get('/settings')).status, 200);
      assert.equal((await after.visitor.get('/upload')).status, 200);
      assert.equal((await supertest(t.app).get(`/@${handle}`)).status, 200);

      // A second approval changes nothing.
      const again = await moderator.post(`/admin/users/${handle}/approve`).type('form').send({ _csrf: token });
      assert.equal(again.status, 303);
      assert.equal((await auditOf(row.id)).length, 1);
    });

    it('rejecting deletes the account (handle never given again) and is recorded; only a waiting account', async () => {
      const { handle, id } = await pendingAccount();
      const token = await tokenFor(admin, `/admin/users/${handle}`);
      const res = await admin.post(`/admin/users/${handle}/reject`).type('form').send({ _csrf: token });
      assert.equal(res.status, 303);
      const row = await account(handle);
      assert.ok(row.deleted_at instanceof Date);
      assert.equal(row.email, null);
      assert.equal(row.pending_at, null);
      const audit = await auditOf(id);
      assert.deepEqual(audit.map((a) => a.action), ['user.reject']);
      assert.equal(audit[0].before.handle, handle);
      assert.equal((await signIn(handle)).res.status, 401);
      // The handle stays taken.
      const again = await signUp(handle);
      assert.equal(again.res.status, 422);
      assert.match(again.res.text, /This handle is taken/);
      // Deleted: nothing more to decide.
      assert.equal((await admin.post(`/admin/users/${handle}/approve`).type('form').send({ _csrf: token })).status, 404);

      // An account not waiting is never deleted by "reject".
      const active = await createUser();
      const moderatorToken = await tokenFor(moderator, '/admin/users');
      const refused = await withoutWrites(() => moderator.post(`/admin/users/${active.handle}/reject`).type('form').send({ _csrf: moderatorToken }));
      assert.equal(refused.status, 303);
      assert.equal((await account(active.handle)).deleted_at, null);
    });

    it('lets only user.approve decide: users 403, anonymous to sign in, nothing written', async () => {
      const { handle } = await pendingAccount();
      const token = await tokenFor(plain, '/settings');
      for (const action of ['approve', 'reject']) {
        assert.equal((await withoutWrites(() => plain.post(`/admin/users/${handle}/${action}`).type('form').send({ _csrf: token }))).status, 403);
        const visitor = supertest.agent(t.app);
        const visitorToken = await tokenFor(visitor, '/login');
        const res = await withoutWrites(() => visitor.post(`/admin/users/${handle}/${action}`).type('form').send({ _csrf: visitorToken }));
        assert.equal(res.status, 303);
        assert.match(String(res.headers.location), /^\/login\?next=/);
      }
      assert.ok((await account(handle)).pending_at instanceof Date);
    });

    it('a custom role with only user.approve finds the people waiting and approves them', async () => {
      const role = `approver-${process.pid % 10000}`;
      await testPool().query(`INSERT INTO roles (name, description) VALUES ($1, 'Approves sign-ups') ON CONFLICT DO NOTHING`, [role]);
      await testPool().query(`INSERT INTO role_permissions (role, permission) VALUES ($1, 'user.approve') ON CONFLICT DO NOTHING`, [role]);
      const approver = await signedInAgent(t.app, await createUser({ roles: ['user', role] }));
      const { handle } = await pendingAccount();
      assert.equal((await approver.get('/admin/users?status=pending')).status, 200);
      const token = await tokenFor(approver, `/admin/users/${handle}`);
      assert.equal((await approver.post(`/admin/users/${handle}/approve`).type('form').send({ _csrf: token })).status, 303);
      assert.equal((await account(handle)).pending_at, null);
      assert.equal((await approver.get('/admin/settings')).status, 403);
    });

    it('never makes the first admin (the setup page) wait, whether sign-ups need approval or are closed', async () => {
      for (const registration of ['approval', 'closed']) {
        const fresh = await freshDatabase();
        try {
          await fresh.pool.query(`INSERT INTO site_settings (key, value) VALUES ('registration', $1::jsonb)`, [JSON.stringify(registration)]);
          const app = createTestApp({}, fresh.pool).app;
          const address = (await prepareSetupAddress(fresh.pool, new URL('https://videos.example.org/')))!;
          const agent = supertest.agent(app);
          const page = await agent.get(address.pathname + address.search);
          const handle = uniqueHandle('owner');
          const res = await agent.post('/setup').type('form').send({ _csrf: csrfFrom(page.text), token: address.searchParams.get('token')!, handle, displayName: 'Site Owner', password: DEFAULT_PASSWORD });
          assert.equal(res.status, 303, registration);
          const { rows } = await fresh.pool.query('SELECT pending_at FROM users WHERE handle = $1', [handle]);
          assert.equal(rows[0].pending_at, null, registration);
          assert.equal((await agent.get('/admin/settings')).status, 200, registration);
        } finally {
          await fresh.drop();
        }
      }
    });

    it('leaves accounts made while sign-ups were open, and the first admin, active', async () => {
      const open = uniqueHandle('open');
      assert.equal((await signUp(open)).res.status, 303);
      assert.equal((await account(open)).pending_at, null);
      const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin' WHERE u.pending_at IS NOT NULL`);
      assert.equal(rows[0].n, 0);
    });
  });

  describe('/admin/users?status=pending', () => {
    it('lists only accounts waiting, not active, banned or deleted ones; active leaves them out', async () => {
      const { handle } = await pendingAccount();
      const active = await createUser();
      const pending = await moderator.get('/admin/users?status=pending');
      assert.match(pending.text, new RegExp(`/admin/users/${handle}"`));
      assert.doesNotMatch(pending.text, new RegExp(`/admin/users/${active.handle}"`));
      assert.match(pending.text, /<option value="pending" selected>Waiting for approval<\/option>/);
      const activeList = await moderator.get(`/admin/users?status=active&q=${handle}`);
      assert.match(activeList.text, /Nobody matches/);
      assert.equal((await moderator.get('/admin/users?status=waiting')).status, 400);
    });
  });
});
