// Attack covered: bad parameters on the site settings (issue 13, item 9), the site's own pages
// from them, and the decisions on sign-ups waiting for approval: signed-out and banned requests,
// forged posts, accounts without the permission, unknown and malformed handles, missing, unknown,
// repeated, oversized and hostile fields, and queries no page reads. Each gets its exact status,
// never a 500, and a refused request writes nothing (the snapshot holds site_settings and the
// pending accounts).
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { settingsFormValues } from '../../src/forms/site-settings.js';
import { resetSiteSettings } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, bannedAgent, postForm, tokenOf, useCheckedApp, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

const MALFORMED_HANDLES = ['x'.repeat(31), '%00', '..%2F..', 'a%20b', 'no_such_person_anywhere'];

const waiting: number[] = [];

async function pendingUser() {
  const user = await createUser();
  waiting.push(user.id);
  await testPool().query('UPDATE users SET pending_at = now() WHERE id = $1', [user.id]);
  return user;
}

describe('check params: site settings and sign-ups waiting for approval', () => {
  const t = useCheckedApp();
  let admin: Agent;
  let moderator: Agent;
  let plain: Agent;

  before(async () => {
    await resetSiteSettings(t);
    admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    plain = await signedInAgent(t.app, await createUser());
  });

  after(async () => {
    await resetSiteSettings(t);
    // Other files list people: the accounts left waiting here wait no more.
    await testPool().query('UPDATE users SET pending_at = NULL WHERE id = ANY($1::bigint[])', [waiting]);
  });

  const shown = async () => settingsFormValues(await t.settings.get());

  describe('GET /admin/settings, POST /admin/settings', () => {
    it('fails with a non-authenticated user or a banned account (sign in), without a CSRF token (403), and without settings.edit (403)', async () => {
      assertSignIn(await supertest(t.app).get('/admin/settings'), '/admin/settings');
      assertSignIn(await (await bannedAgent(t.app)).get('/admin/settings'));
      for (const who of [plain, moderator]) assert.equal((await who.get('/admin/settings')).status, 403);
      const form = { ...(await shown()), siteName: 'Forged' };
      const [visitor, banned] = [await anonymousAgent(t.app), await bannedAgent(t.app)];
      assertSignIn(await withoutWrites(() => postForm(visitor, '/admin/settings', form, { tokenPage: '/login' })));
      assertSignIn(await withoutWrites(() => postForm(banned, '/admin/settings', form, { tokenPage: '/login' })));
      assert.equal((await withoutWrites(() => admin.post('/admin/settings').type('form').send(form))).status, 403);
      for (const who of [plain, moderator]) assert.equal((await withoutWrites(() => postForm(who, '/admin/settings', form))).status, 403);
    });

    it('fails with missing, unknown, repeated or hostile fields (422)', async () => {
      const base = await shown();
      const forms: Record<string, string>[] = [
        {},
        { ...base, siteName: '' },
        { ...base, registration: '__proto__' },
        { ...base, registration: 'constructor' },
        { ...base, newUploads: 'toString' },
        { ...base, maxUploadBytesUnit: 'hasOwnProperty' },
        { ...base, maxUploadBytes: '1e3' },
        { ...base, maxUploadBytes: 'Infinity' },
        { ...base, uploadsPerDay: '0x10' },
        { ...base, uploadsPerDay: '99999999999' },
        { ...base, siteName: '\uFFFE' },
        { ...base, watchedWords: 'a\u0007b' },
      ];
      for (const form of forms) assert.equal((await withoutWrites(() => postForm(admin, '/admin/settings', form))).status, 422, JSON.stringify(form).slice(0, 120));
      // A NUL byte anywhere is refused before any route (http/nul-bytes.ts).
      assert.equal((await withoutWrites(() => postForm(admin, '/admin/settings', { ...base, watchedWords: 'a\u0000b' }))).status, 400);
      const token = await tokenOf(admin, '/');
      const repeated = new URLSearchParams({ _csrf: token, ...base });
      repeated.append('registration', 'closed');
      assert.equal((await withoutWrites(() => admin.post('/admin/settings').type('form').send(repeated.toString()))).status, 422);
      const nested = await withoutWrites(() => admin.post('/admin/settings').type('form').send(`_csrf=${encodeURIComponent(token)}&siteName[a]=b&registration=open`));
      assert.equal(nested.status, 422);
    });

    it('fails with a body over its form limit (413)', async () => {
      assert.equal((await withoutWrites(() => postForm(admin, '/admin/settings', { ...{}, aboutText: 'x'.repeat(1_100_000) }))).status, 413);
    });

    it('ignores a query string, and succeeds with correct parameters', async () => {
      assert.equal((await admin.get('/admin/settings?siteName=Query&x[]=1')).status, 200);
      assert.equal((await postForm(admin, '/admin/settings', await shown())).status, 303);
      assert.equal((await postForm(admin, '/admin/settings', { ...(await shown()), siteName: 'Checked' })).status, 303);
    });
  });

  describe('GET /about, /rules', () => {
    it('answers the same whatever the query string; /rules is a 404 until rules are set', async () => {
      for (const q of ['', '?x=1', '?q[]=a', '?%00=%00']) {
        assert.equal((await supertest(t.app).get(`/about${q}`)).status, 200, q);
        assert.equal((await supertest(t.app).get(`/rules${q}`)).status, 404, q);
      }
      for (const path of ['/about/x', '/rules/', '/rules.txt']) assert.notEqual((await supertest(t.app).get(path)).status, 500, path);
    });
  });

  describe('POST /admin/users/:handle/approve and /admin/users/:handle/reject', () => {
    it('fails with a non-authenticated user or a banned account, without a CSRF token (403), and without user.approve (403)', async () => {
      const person = await pendingUser();
      for (const action of ['approve', 'reject']) {
        const path = `/admin/users/${person.handle}/${action}`;
        const [visitor, banned] = [await anonymousAgent(t.app), await bannedAgent(t.app)];
        assertSignIn(await withoutWrites(() => postForm(visitor, path, {}, { tokenPage: '/login' })));
        assertSignIn(await withoutWrites(() => postForm(banned, path, {}, { tokenPage: '/login' })));
        assert.equal((await withoutWrites(() => admin.post(path).type('form').send({}))).status, 403);
        assert.equal((await withoutWrites(() => postForm(plain, path))).status, 403);
      }
    });

    it('fails with an unknown or malformed handle (404)', async () => {
      for (const handle of MALFORMED_HANDLES) for (const action of ['approve', 'reject']) {
        assert.equal((await withoutWrites(() => postForm(moderator, `/admin/users/${handle}/${action}`))).status, 404, `${action} ${handle}`);
      }
    });

    it('changes nothing for an account not waiting, whatever the fields (303)', async () => {
      const active = await createUser();
      for (const action of ['approve', 'reject']) for (const form of [{}, { from: '__proto__' }, { from: 'https://evil.example' }] as Record<string, string>[]) {
        const res = await withoutWrites(() => postForm(moderator, `/admin/users/${active.handle}/${action}`, form));
        assert.equal(res.status, 303);
        assert.equal(res.headers.location, `/admin/users/${active.handle}`);
      }
    });

    it('succeeds with correct parameters (303)', async () => {
      assert.equal((await postForm(moderator, `/admin/users/${(await pendingUser()).handle}/approve`, { from: 'list' })).status, 303);
      assert.equal((await postForm(moderator, `/admin/users/${(await pendingUser()).handle}/reject`)).status, 303);
    });
  });
});
