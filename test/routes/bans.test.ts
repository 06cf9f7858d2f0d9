import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertComment } from '../../src/db/comments.js';
import { liftBans } from '../../src/jobs/handlers/lift-bans.js';
import { createLogger } from '../../src/log.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { assertSignIn, postForm, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

const logger = createLogger('silent');
const HOUR_MS = 3_600_000;

async function account(id: number) {
  const { rows } = await testPool().query('SELECT banned_at, ban_reason, ban_note, banned_until, deleted_at FROM users WHERE id = $1', [id]);
  return rows[0];
}

async function auditRows(userId: number) {
  const { rows } = await testPool().query(`SELECT * FROM audit_log WHERE target_kind = 'user' AND target_id = $1 ORDER BY id`, [String(userId)]);
  return rows;
}

async function sessionCount(userId: number): Promise<number> {
  const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM sessions WHERE sess ->> 'userId' = $1`, [String(userId)]);
  return rows[0].n;
}

/** A UTC end `ms` from now, as the form's date and time inputs send it (to the minute). */
function endInputs(ms: number): { untilDate: string; untilTime: string; at: Date } {
  const iso = new Date(Date.now() + ms).toISOString();
  return { untilDate: iso.slice(0, 10), untilTime: iso.slice(11, 16), at: new Date(`${iso.slice(0, 16)}:00Z`) };
}

describe('bans and deleted accounts (issue 13, item 4)', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let moderator: User;
  let admin: User;
  let moderatorAgent: Agent;
  let adminAgent: Agent;
  let userAgent: Agent;

  /** The ban form; an endInputs() spread in it sends its date and time fields (not its `at`). */
  const ban = (who: Agent, handle: string, form: Record<string, string | Date>) =>
    postForm(who, `/admin/users/${handle}/ban`, Object.fromEntries(Object.entries(form).filter((entry): entry is [string, string] => typeof entry[1] === 'string')));

  before(async () => {
    moderator = await createUser({ roles: ['moderator'] });
    admin = await createUser({ roles: ['admin'] });
    moderatorAgent = await signedInAgent(t.app, moderator);
    adminAgent = await signedInAgent(t.app, admin);
    userAgent = await signedInAgent(t.app, await createUser());
  });

  describe('who may ban and delete', () => {
    it('sends anonymous visitors to sign in, and refuses ordinary accounts (403)', async () => {
      const target = await createUser();
      for (const page of ['ban', 'delete']) {
        assertSignIn(await supertest(t.app).get(`/admin/users/${target.handle}/${page}`), `/admin/users/${target.handle}/${page}`);
        assert.equal((await userAgent.get(`/admin/users/${target.handle}/${page}`)).status, 403, page);
      }
    });

    it('lets moderators and admins open the ban page of an ordinary account; deleting is for admins only', async () => {
      const target = await createUser();
      for (const who of [moderatorAgent, adminAgent]) {
        const res = await who.get(`/admin/users/${target.handle}/ban`);
        assert.equal(res.status, 200);
        assert.match(res.text, /Ban this account/);
      }
      assert.equal((await moderatorAgent.get(`/admin/users/${target.handle}/delete`)).status, 403);
      assert.equal((await adminAgent.get(`/admin/users/${target.handle}/delete`)).status, 200);
      assert.doesNotMatch((await moderatorAgent.get(`/admin/users/${target.handle}/ban`)).text, /Delete this account/);
      assert.match((await adminAgent.get(`/admin/users/${target.handle}/ban`)).text, /Delete this account/);
    });

    it('refuses a moderator banning an admin, a fellow moderator or themselves (403, with the rule), and writes nothing', async () => {
      const otherAdmin = await createUser({ roles: ['admin'] });
      const otherModerator = await createUser({ roles: ['moderator'] });
      for (const [target, message] of [[otherAdmin, /Admins cannot be banned/], [otherModerator, /Only an admin can ban or unban a moderator/], [moderator, /your own account/]] as const) {
        const page = await moderatorAgent.get(`/admin/users/${target.handle}/ban`);
        assert.equal(page.status, 403);
        assert.match(page.text, message);
        const res = await withoutWrites(() => ban(moderatorAgent, target.handle, { reason: 'spam' }));
        assert.equal(res.status, 403);
        assert.equal((await account(target.id)).banned_at, null);
      }
    });

    it('lets an admin ban a moderator, but not another admin or themselves', async () => {
      const otherModerator = await createUser({ roles: ['moderator'] });
      assert.equal((await ban(adminAgent, otherModerator.handle, { reason: 'other' })).status, 303);
      assert.notEqual((await account(otherModerator.id)).banned_at, null);
      const otherAdmin = await createUser({ roles: ['admin'] });
      assert.equal((await withoutWrites(() => ban(adminAgent, otherAdmin.handle, { reason: 'spam' }))).status, 403);
      assert.equal((await withoutWrites(() => ban(adminAgent, admin.handle, { reason: 'spam' }))).status, 403);
      assert.equal((await adminAgent.get(`/admin/users/${otherAdmin.handle}/delete`)).status, 403);
      assert.equal((await adminAgent.get(`/admin/users/${admin.handle}/delete`)).status, 403);
    });

    it('links the ban page from a channel for those who may ban, and for nobody else', async () => {
      const target = await createUser();
      assert.match((await moderatorAgent.get(`/@${target.handle}`)).text, new RegExp(`href="/admin/users/${target.handle}/ban"`));
      for (const who of [userAgent, supertest.agent(t.app)]) assert.doesNotMatch((await who.get(`/@${target.handle}`)).text, /\/admin\/users\//);
      assert.doesNotMatch((await moderatorAgent.get(`/@${moderator.handle}`)).text, /\/admin\/users\//);
    });

    it('follows the permission, not the role: a custom role with user.ban alone bans and unbans, but does not delete; one without it may not ban', async () => {
      const db = testPool();
      const suffix = Math.random().toString(36).slice(2, 8);
      const [bansOnly, commentsOnly] = [`bans-only-${suffix}`, `comments-only-${suffix}`];
      await db.query(`INSERT INTO roles (name, description) VALUES ($1, 'Bans, nothing else'), ($2, 'Removes comments')`, [bansOnly, commentsOnly]);
      await db.query(`INSERT INTO role_permissions (role, permission) VALUES ($1, 'user.ban'), ($2, 'comment.remove.any')`, [bansOnly, commentsOnly]);
      const banner = await signedInAgent(t.app, await createUser({ roles: [bansOnly] }));
      const commentModerator = await signedInAgent(t.app, await createUser({ roles: [commentsOnly] }));
      const target = await createUser();
      assert.equal((await withoutWrites(() => ban(commentModerator, target.handle, { reason: 'spam' }))).status, 403);
      assert.equal((await ban(banner, target.handle, { reason: 'spam' })).status, 303);
      assert.equal((await postForm(banner, `/admin/users/${target.handle}/unban`, {})).status, 303);
      assert.equal((await withoutWrites(() => postForm(banner, `/admin/users/${target.handle}/delete`, { reason: 'spam', confirm: target.handle }))).status, 403);
      // A holder of user.ban counts as a moderator: the custom role's holders do not ban each other.
      const otherBanner = await createUser({ roles: [bansOnly] });
      assert.equal((await withoutWrites(() => ban(banner, otherBanner.handle, { reason: 'spam' }))).status, 403);
    });

    it('answers 404 for an unknown, malformed or deleted account', async () => {
      const gone = await createUser();
      await testPool().query('UPDATE users SET deleted_at = now() WHERE id = $1', [gone.id]);
      for (const handle of ['nobody_here_at_all', gone.handle, 'a'.repeat(31), 'bad%20handle', '%2E%2E']) {
        assert.equal((await moderatorAgent.get(`/admin/users/${handle}/ban`)).status, 404, handle);
        assert.equal((await withoutWrites(() => ban(moderatorAgent, handle, { reason: 'spam' }))).status, 404, handle);
      }
    });
  });

  describe('POST /admin/users/:handle/ban', () => {
    it('bans with a reason, a note and an end: the row, its audit entry, and every session of the account ended', async () => {
      const target = await createUser();
      const targetAgent = await signedInAgent(t.app, target);
      assert.equal(await sessionCount(target.id), 1);
      const end = endInputs(7 * 24 * HOUR_MS);
      const res = await ban(moderatorAgent, target.handle, { reason: 'harassment', note: 'Repeated insults under @x videos', ...end });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, `/admin/users/${target.handle}/ban`);
      const row = await account(target.id);
      assert.notEqual(row.banned_at, null);
      assert.equal(row.ban_reason, 'harassment');
      assert.equal(row.ban_note, 'Repeated insults under @x videos');
      assert.equal(row.banned_until.toISOString(), end.at.toISOString());
      assert.equal(await sessionCount(target.id), 0);
      assertSignIn(await targetAgent.get('/settings'));
      const [entry, ...more] = await auditRows(target.id);
      assert.equal(more.length, 0);
      assert.equal(entry.action, 'user.ban');
      assert.equal(Number(entry.actor_id), moderator.id);
      assert.equal(Number(entry.subject_user_id), target.id);
      assert.equal(entry.reason, 'harassment');
      assert.equal(entry.note, 'Repeated insults under @x videos');
      assert.deepEqual(entry.before, { banned: false, reason: null, note: null, until: null });
      assert.deepEqual(entry.after, { banned: true, reason: 'harassment', note: 'Repeated insults under @x videos', until: end.at.toISOString() });
      const page = await moderatorAgent.get(`/admin/users/${target.handle}/ban`);
      assert.match(page.text, /Lift the ban/);
      assert.match(page.text, /Harassment or bullying/);
    });

    it('bans for good when the end is left empty, and changes a ban (banned_at kept, a second audit row)', async () => {
      const target = await createUser();
      assert.equal((await ban(moderatorAgent, target.handle, { reason: 'spam' })).status, 303);
      const first = await account(target.id);
      assert.equal(first.banned_until, null);
      assert.equal((await ban(moderatorAgent, target.handle, { reason: 'copyright', ...endInputs(HOUR_MS * 2) })).status, 303);
      const second = await account(target.id);
      assert.equal(second.banned_at.getTime(), first.banned_at.getTime());
      assert.equal(second.ban_reason, 'copyright');
      const rows = await auditRows(target.id);
      assert.deepEqual(rows.map((r) => r.action), ['user.ban', 'user.ban']);
      assert.equal(rows[1].before.reason, 'spam');
    });

    it('refuses bad input with 422, the form again, and writes nothing', async () => {
      const target = await createUser();
      const past = endInputs(-HOUR_MS);
      const cases: [Record<string, string>, RegExp][] = [
        [{}, /Choose a reason/],
        [{ reason: 'rudeness' }, /one of the reasons/],
        [{ reason: 'spam', untilDate: past.untilDate, untilTime: past.untilTime }, /in the future/],
        [{ reason: 'spam', untilDate: '2026-02-30' }, /real date/],
        [{ reason: 'spam', untilDate: 'tomorrow' }, /real date/],
        [{ reason: 'spam', untilTime: '12:00' }, /Enter the date/],
        [{ reason: 'spam', untilDate: '2099-01-01' }, /within ten years/],
        [{ reason: 'spam', note: 'x'.repeat(1001) }, /at most 1,000/],
        [{ reason: 'spam', note: 'bad\u0007bell' }, /control characters/],
      ];
      for (const [form, message] of cases) {
        const res = await withoutWrites(() => ban(moderatorAgent, target.handle, form));
        assert.equal(res.status, 422, JSON.stringify(form));
        assert.match(res.text, message);
      }
    });

    it('refuses a post without the CSRF token (403) and writes nothing', async () => {
      const target = await createUser();
      const res = await withoutWrites(() => moderatorAgent.post(`/admin/users/${target.handle}/ban`).type('form').send({ reason: 'spam' }));
      assert.equal(res.status, 403);
    });
  });

  describe('a banned person', () => {
    it('signs in to the ban notice with the reason and the end, on every page, writes nothing, and can sign out', async () => {
      const target = await createUser();
      const video = await createVideo(target);
      const end = endInputs(3 * 24 * HOUR_MS);
      await ban(moderatorAgent, target.handle, { reason: 'spam', note: 'secret moderator note', ...end });
      const agent = supertest.agent(t.app);
      const loginToken = await tokenFor(agent);
      const login = await agent.post('/login').type('form').send({ _csrf: loginToken, login: target.handle, password: target.password });
      assert.equal(login.status, 303);
      for (const path of ['/', '/settings', `/watch/${video.publicId}`, '/studio', '/upload', `/@${target.handle}`, '/login', '/admin/users/whoever/ban']) {
        const res = await agent.get(path);
        assert.equal(res.status, 403, path);
        assert.match(res.text, /Your account is suspended/, path);
        assert.match(res.text, /Spam or misleading/, path);
        assert.match(res.text, new RegExp(end.at.toISOString()), path);
        assert.doesNotMatch(res.text, /secret moderator note/, path);
      }
      const token = await tokenFor(agent, '/');
      const res = await withoutWrites(() => agent.post('/settings').type('form').send({ _csrf: token, displayName: 'Renamed while banned', bio: '' }));
      assert.equal(res.status, 403);
      assert.match(res.text, /Your account is suspended/);
      const out = await agent.post('/logout').type('form').send({ _csrf: token });
      assert.equal(out.status, 303);
      assert.equal((await agent.get('/')).status, 200);
    });

    it('is told a ban is permanent', async () => {
      const target = await createUser();
      await ban(moderatorAgent, target.handle, { reason: 'impersonation' });
      const agent = await signedInAgent(t.app, target);
      const res = await agent.get('/');
      assert.equal(res.status, 403);
      assert.match(res.text, /Impersonation/);
      assert.match(res.text, /Permanent/);
    });

    it('has their videos, channel and comments hidden from everyone', async () => {
      const target = await createUser();
      const other = await createUser();
      const video = await createVideo(target);
      const otherVideo = await createVideo(other);
      await insertComment(testPool(), { videoId: otherVideo.id, authorId: target.id, body: 'A comment by the soon banned', parent: null });
      assert.match((await supertest(t.app).get(`/watch/${otherVideo.publicId}`)).text, /A comment by the soon banned/);
      await ban(moderatorAgent, target.handle, { reason: 'hate' });
      assert.equal((await supertest(t.app).get(`/watch/${video.publicId}`)).status, 404);
      assert.equal((await supertest(t.app).get(`/@${target.handle}`)).status, 404);
      assert.equal((await userAgent.get(`/watch/${video.publicId}`)).status, 404);
      const watch = await supertest(t.app).get(`/watch/${otherVideo.publicId}`);
      assert.equal(watch.status, 200);
      assert.doesNotMatch(watch.text, /A comment by the soon banned/);
    });
  });

  describe('bans ending by themselves', () => {
    it('are lifted by the worker at their end (an injected clock), with a user.unban row by the site, and the content is back', async () => {
      const target = await createUser();
      const video = await createVideo(target);
      const end = endInputs(2 * HOUR_MS);
      await ban(moderatorAgent, target.handle, { reason: 'spam', ...end });
      assert.deepEqual(await liftBans({ pool: testPool(), logger }, new Date(end.at.getTime() - 1_000)), []);
      assert.notEqual((await account(target.id)).banned_at, null);
      const lifted = await liftBans({ pool: testPool(), logger }, new Date(end.at.getTime() + 1_000));
      assert.ok(lifted.includes(target.id));
      const row = await account(target.id);
      assert.equal(row.banned_at, null);
      assert.equal(row.ban_reason, null);
      assert.equal(row.banned_until, null);
      const entry = (await auditRows(target.id)).at(-1);
      assert.equal(entry.action, 'user.unban');
      assert.equal(entry.actor_id, null);
      assert.equal(entry.reason, 'ban_ended');
      assert.equal(entry.before.until, end.at.toISOString());
      assert.equal((await supertest(t.app).get(`/watch/${video.publicId}`)).status, 200);
      // Run again (another worker, the next period): nothing more.
      assert.ok(!(await liftBans({ pool: testPool(), logger }, new Date(end.at.getTime() + 2_000))).includes(target.id));
      assert.equal((await auditRows(target.id)).length, 2);
    });

    it('never shows a person a ban that is over: the notice lifts it and lets them in', async () => {
      const target = await createUser();
      await ban(moderatorAgent, target.handle, { reason: 'spam', ...endInputs(HOUR_MS) });
      const agent = await signedInAgent(t.app, target);
      assert.equal((await agent.get('/settings')).status, 403);
      await testPool().query(`UPDATE users SET banned_until = now() - interval '1 minute' WHERE id = $1`, [target.id]);
      const res = await agent.get('/settings');
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/settings');
      assert.equal((await agent.get('/settings')).status, 200);
      assert.equal((await auditRows(target.id)).at(-1).reason, 'ban_ended');
    });
  });

  describe('POST /admin/users/:handle/unban', () => {
    it('lifts a ban with an optional reason and note, records it, and a second post changes nothing', async () => {
      const target = await createUser();
      const video = await createVideo(target);
      await ban(moderatorAgent, target.handle, { reason: 'spam' });
      const targetAgent = await signedInAgent(t.app, target);
      assert.equal((await targetAgent.get('/settings')).status, 403);
      const res = await postForm(moderatorAgent, `/admin/users/${target.handle}/unban`, { reason: 'appeal', note: 'Explained by mail' });
      assert.equal(res.status, 303);
      assert.equal((await account(target.id)).banned_at, null);
      const entry = (await auditRows(target.id)).at(-1);
      assert.equal(entry.action, 'user.unban');
      assert.equal(Number(entry.actor_id), moderator.id);
      assert.equal(entry.reason, 'appeal');
      assert.equal(entry.note, 'Explained by mail');
      assert.equal(entry.before.reason, 'spam');
      assert.equal((await supertest(t.app).get(`/watch/${video.publicId}`)).status, 200);
      // The limited session it signed in to while banned is an ordinary one now.
      assert.equal((await targetAgent.get('/settings')).status, 200);
      assert.equal((await withoutWrites(() => postForm(moderatorAgent, `/admin/users/${target.handle}/unban`, {}))).status, 303);
    });

    it('refuses an unknown reason (422) and ordinary accounts (403), writing nothing', async () => {
      const target = await createUser();
      await ban(moderatorAgent, target.handle, { reason: 'spam' });
      assert.equal((await withoutWrites(() => postForm(moderatorAgent, `/admin/users/${target.handle}/unban`, { reason: 'bribe' }))).status, 422);
      assert.equal((await withoutWrites(() => postForm(userAgent, `/admin/users/${target.handle}/unban`, {}))).status, 403);
      assert.notEqual((await account(target.id)).banned_at, null);
    });
  });

  describe('POST /admin/users/:handle/delete', () => {
    it('deletes the account: content hidden, sessions ended, the handle never given again, an audit row', async () => {
      const target = await createUser();
      const targetAgent = await signedInAgent(t.app, target);
      const video = await createVideo(target);
      const res = await postForm(adminAgent, `/admin/users/${target.handle}/delete`, { reason: 'spam', note: 'Bot account', confirm: `@${target.handle}` });
      assert.equal(res.status, 303);
      assert.notEqual((await account(target.id)).deleted_at, null);
      assert.equal(await sessionCount(target.id), 0);
      assertSignIn(await targetAgent.get('/settings'));
      assert.equal((await supertest(t.app).get(`/watch/${video.publicId}`)).status, 404);
      assert.equal((await supertest(t.app).get(`/@${target.handle}`)).status, 404);
      const entry = (await auditRows(target.id)).at(-1);
      assert.equal(entry.action, 'user.delete');
      assert.equal(Number(entry.actor_id), admin.id);
      assert.equal(entry.reason, 'spam');
      assert.equal(entry.before.handle, target.handle);
      assert.deepEqual(entry.after, { deleted: true });
      const visitor = supertest.agent(t.app);
      const registerToken = await tokenFor(visitor, '/register');
      const again = await visitor.post('/register').type('form').send({
        _csrf: registerToken, handle: target.handle.toUpperCase(), displayName: 'Someone new', email: '', password: 'a long enough password', confirmPassword: 'a long enough password',
      });
      assert.equal(again.status, 422);
      assert.match(again.text, /This handle is taken/);
      assert.equal((await adminAgent.get(`/admin/users/${target.handle}/delete`)).status, 404);
    });

    it('refuses a wrong confirmation or reason (422), moderators (403) and forged posts (403), writing nothing', async () => {
      const target = await createUser();
      assert.equal((await withoutWrites(() => postForm(adminAgent, `/admin/users/${target.handle}/delete`, { reason: 'spam', confirm: 'someone_else' }))).status, 422);
      assert.equal((await withoutWrites(() => postForm(adminAgent, `/admin/users/${target.handle}/delete`, { confirm: target.handle }))).status, 422);
      assert.equal((await withoutWrites(() => postForm(moderatorAgent, `/admin/users/${target.handle}/delete`, { reason: 'spam', confirm: target.handle }))).status, 403);
      assert.equal((await withoutWrites(() => adminAgent.post(`/admin/users/${target.handle}/delete`).type('form').send({ reason: 'spam', confirm: target.handle }))).status, 403);
      assert.equal((await account(target.id)).deleted_at, null);
    });
  });
});
