import assert from 'node:assert/strict';
import supertest from 'supertest';
import { changedSettings, parseSiteSettings, settingsFormValues, sizeInUnits } from '../../src/forms/site-settings.js';
import { paragraphsOf } from '../../src/settings/plain-text.js';
import { defaultSettings } from '../../src/settings/site-settings.js';
import { createTestApp, resetSiteSettings, useTestApp, changeSiteSettings, type TestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { assertSignIn, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

const GB = 1024 ** 3;
const MB = 1024 ** 2;

async function settingsAudit() {
  const { rows } = await testPool().query(`SELECT * FROM audit_log WHERE action = 'settings.update' ORDER BY id`);
  return rows;
}

async function storedSettings(): Promise<Record<string, unknown>> {
  const { rows } = await testPool().query('SELECT key, value FROM site_settings ORDER BY key');
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** The form as the page shows it for the app's settings now, with `changes` typed over it. */
async function formOf(t: TestApp, changes: Record<string, string> = {}): Promise<Record<string, string>> {
  return { ...settingsFormValues(await t.settings.get()), ...changes };
}

async function post(t: TestApp, agent: Agent, changes: Record<string, string> = {}) {
  const token = await tokenFor(agent, '/admin/settings');
  return agent.post('/admin/settings').type('form').send({ _csrf: token, ...(await formOf(t, changes)) });
}

describe('site settings (issue 13, item 9): /admin/settings', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let admin: Awaited<ReturnType<typeof createUser>>;
  let adminAgent: Agent;
  let moderatorAgent: Agent;
  let userAgent: Agent;
  let customAgent: Agent;

  before(async () => {
    await resetSiteSettings(t);
    admin = await createUser({ roles: ['admin'] });
    adminAgent = await signedInAgent(t.app, admin);
    moderatorAgent = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    userAgent = await signedInAgent(t.app, await createUser({ roles: ['user'] }));
    const role = `settings-${process.pid % 10000}`;
    await testPool().query(`INSERT INTO roles (name, description) VALUES ($1, 'Edits the site settings') ON CONFLICT DO NOTHING`, [role]);
    await testPool().query(`INSERT INTO role_permissions (role, permission) VALUES ($1, 'settings.edit') ON CONFLICT DO NOTHING`, [role]);
    customAgent = await signedInAgent(t.app, await createUser({ roles: ['user', role] }));
  });

  afterEach(() => resetSiteSettings(t));

  describe('who may open and save them', () => {
    it('sends anonymous visitors to sign in, and refuses users and moderators (403) without writing', async () => {
      assertSignIn(await supertest(t.app).get('/admin/settings'), '/admin/settings');
      for (const who of [userAgent, moderatorAgent]) {
        assert.equal((await who.get('/admin/settings')).status, 403);
        const token = await tokenFor(who, '/settings');
        const res = await withoutWrites(async () => who.post('/admin/settings').type('form').send({ _csrf: token, ...(await formOf(t, { siteName: 'Taken over' })) }));
        assert.equal(res.status, 403);
      }
    });

    it('lets admins and a custom role holding settings.edit open and save them; the nav shows the tab to them only', async () => {
      for (const who of [adminAgent, customAgent]) {
        const res = await who.get('/admin/settings');
        assert.equal(res.status, 200);
        assert.match(res.text, /<legend>Site<\/legend>[\s\S]*<legend>Pages<\/legend>[\s\S]*<legend>Accounts<\/legend>[\s\S]*<legend>Uploads<\/legend>[\s\S]*<legend>Comments<\/legend>/);
        assert.match(res.text, /href="\/admin\/settings" aria-current="page"/);
      }
      assert.equal((await post(t, customAgent, { siteName: 'Saved by a custom role' })).status, 303);
      assert.equal((await storedSettings()).siteName, 'Saved by a custom role');
      assert.doesNotMatch((await moderatorAgent.get('/admin/reports')).text, /href="\/admin\/settings"/);
    });
  });

  describe('saving', () => {
    it('writes only what changed, with one audit row of those keys before and after, applied on the next request', async () => {
      const before = await settingsAudit();
      const res = await post(t, adminAgent, { siteName: 'Valley Videos', registration: 'approval', maxUploadBytes: '1.5', maxUploadBytesUnit: 'GB', storageQuotaBytes: '500', storageQuotaBytesUnit: 'MB', watchedWords: 'Spoiler\nfree money\nspoiler\n\n' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/admin/settings');
      assert.deepEqual(await storedSettings(), { siteName: 'Valley Videos', registration: 'approval', maxUploadBytes: 1.5 * GB, storageQuotaBytes: 500 * MB, watchedWords: ['spoiler', 'free money'] });
      const rows = (await settingsAudit()).slice(before.length);
      assert.equal(rows.length, 1);
      const [row] = rows;
      assert.equal(row.actor_id, admin.id);
      assert.equal(row.target_kind, 'settings');
      assert.equal(row.target_id, 'site');
      const defaults = defaultSettings(t.config);
      assert.deepEqual(row.before, { siteName: defaults.siteName, registration: 'open', maxUploadBytes: defaults.maxUploadBytes, storageQuotaBytes: defaults.storageQuotaBytes, watchedWords: [] });
      assert.deepEqual(row.after, { siteName: 'Valley Videos', registration: 'approval', maxUploadBytes: 1.5 * GB, storageQuotaBytes: 500 * MB, watchedWords: ['spoiler', 'free money'] });

      // The next page, without a restart: the name in the header and title, the sizes shown back in their units.
      const page = await adminAgent.get('/admin/settings');
      assert.match(page.text, /<title>Site settings - Valley Videos<\/title>/);
      assert.match(page.text, /name="maxUploadBytes" type="text" inputmode="decimal" value="1.5"/);
      assert.match(page.text, /<option value="GB" selected>GB<\/option>/);
      assert.match(page.text, /name="storageQuotaBytes" type="text" inputmode="decimal" value="500"/);
      assert.match(page.text, />spoiler\nfree money<\/textarea>/);
      assert.match((await supertest(t.app).get('/')).text, /<span>Valley Videos<\/span>/);
      assert.match((await supertest(t.app).get('/feeds/videos.atom')).text, /Valley Videos/);
      // The audit log shows the change, linked to the settings, with its before and after.
      const audit = await adminAgent.get('/admin/audit?action=settings.update');
      assert.equal(audit.status, 200);
      assert.match(audit.text, /<a href="\/admin\/settings">the site settings<\/a>/);
      assert.match(audit.text, /registration: <del>open<\/del> → <ins>approval<\/ins>/);
    });

    it('writes nothing and records nothing when the form is sent again as shown', async () => {
      await post(t, adminAgent, { siteName: 'Once', aboutText: 'Line one\r\nline two\r\n\r\nSecond paragraph.\r\n' });
      const audit = (await settingsAudit()).length;
      const res = await withoutWrites(() => post(t, adminAgent));
      assert.equal(res.status, 303);
      assert.equal((await settingsAudit()).length, audit);
      assert.match((await adminAgent.get('/admin/settings')).text, /Nothing changed/);
    });

    it('keeps an environment default no unit divides when the form is sent back unchanged', async () => {
      const odd = createTestApp({ MAX_UPLOAD_BYTES: '1000000000' });
      const agent = await signedInAgent(odd.app, admin);
      const page = await agent.get('/admin/settings');
      assert.match(page.text, /name="maxUploadBytes" type="text" inputmode="decimal" value="953.674"/);
      assert.match(page.text, /The environment's default: 953.674 MB/);
      const token = await tokenFor(agent, '/admin/settings');
      const res = await withoutWrites(async () => agent.post('/admin/settings').type('form').send({ _csrf: token, ...(await formOf(odd)) }));
      assert.equal(res.status, 303);
      // Typed anew, the amount counts in its unit.
      await agent.post('/admin/settings').type('form').send({ _csrf: token, ...(await formOf(odd, { maxUploadBytes: '953' })) });
      assert.equal((await storedSettings()).maxUploadBytes, 953 * MB);
      await resetSiteSettings(odd);
    });

    const BAD: [string, Record<string, string>, RegExp][] = [
      ['an empty site name', { siteName: '   ' }, /Site name: enter the name/],
      ['a site name too long', { siteName: 'x'.repeat(61) }, /Site name: use at most 60 characters/],
      ['a site name on two lines', { siteName: 'Two\nlines' }, /Site name: use text only, on one line/],
      ['a description too long', { siteDescription: 'd'.repeat(301) }, /Description: use at most 300 characters/],
      ['a description with a control character', { siteDescription: 'bell\u0007' }, /Description: use text only/],
      ['an about text too long', { aboutText: 'a'.repeat(20_001) }, /About text: use at most 20,000 characters/],
      ['rules too long', { rulesText: 'r'.repeat(20_001) }, /Rules: use at most 20,000 characters/],
      ['an unknown registration mode', { registration: 'invite' }, /Registration: choose open, needing approval or closed/],
      ['a missing registration mode', { registration: '' }, /Registration: choose/],
      ['an unknown upload mode', { newUploads: 'later' }, /New uploads: choose public at once or held/],
      ['a size that is not a number', { maxUploadBytes: 'lots' }, /Largest upload: enter a number like 500 or 1.5/],
      ['a negative size', { maxUploadBytes: '-1' }, /Largest upload: enter a number/],
      ['a size with four decimals', { uploadBytesPerDay: '1.2345' }, /Bytes uploaded per account per day: enter a number/],
      ['a size too small', { storageQuotaBytes: '0.5', storageQuotaBytesUnit: 'MB' }, /Storage per account: enter a size from 1 MB/],
      ['a largest upload over 1,024 GB', { maxUploadBytes: '1025', maxUploadBytesUnit: 'GB' }, /Largest upload: enter a size from 1 MB to 1,024 GB/],
      ['an unknown unit', { maxUploadBytesUnit: 'TB' }, /Largest upload: choose MB or GB/],
      ['uploads per day of zero', { uploadsPerDay: '0' }, /Uploads per day: enter a whole number from 1 to 1,000,000/],
      ['uploads per day not whole', { uploadsPerDay: '2.5' }, /Uploads per day: enter a whole number/],
      ['uploads per day too many', { uploadsPerDay: '1000001' }, /Uploads per day: enter a whole number/],
      ['a watched word too long', { watchedWords: `fine\n${'w'.repeat(101)}` }, /Watched words: use at most 100 characters a line/],
      ['too many watched words', { watchedWords: Array.from({ length: 501 }, (_, i) => `word${i}`).join('\n') }, /Watched words: at most 500 \(this has 501\)/],
      ['a watched word with a control character', { watchedWords: 'nul\u0001' }, /Watched words: use text only/],
    ];
    for (const [what, changes, message] of BAD) {
      it(`refuses ${what} with 422, keeping what was typed and writing nothing`, async () => {
        const res = await withoutWrites(() => post(t, adminAgent, { siteName: 'Kept as typed', ...changes }));
        assert.equal(res.status, 422);
        assert.match(res.text, message);
        assert.match(res.text, /class="error-summary"/);
        if (!('siteName' in changes)) assert.match(res.text, /value="Kept as typed"/);
      });
    }

    it('refuses a repeated field as if it were empty (422)', async () => {
      const token = await tokenFor(adminAgent, '/admin/settings');
      const form = new URLSearchParams({ _csrf: token, ...(await formOf(t)) });
      form.append('siteName', 'Second');
      const res = await withoutWrites(() => adminAgent.post('/admin/settings').type('form').send(form.toString()));
      assert.equal(res.status, 422);
    });

    it('takes an about text of 20,000 characters that are not ASCII (a form larger than other forms)', async () => {
      const res = await post(t, adminAgent, { aboutText: 'é'.repeat(20_000) });
      assert.equal(res.status, 303);
      assert.equal(String((await storedSettings()).aboutText).length, 20_000);
    });
  });

  describe('the site pages from them', () => {
    it('/about: the description and the about text as escaped paragraphs, with figures; linked from the footer', async () => {
      const owner = await createUser();
      await createVideo(owner, { title: 'Counted on the about page' });
      await changeSiteSettings(t, { siteDescription: 'Videos of the valley.', aboutText: 'Run by the valley club.\nWrite to us.\n\n<script>alert(1)</script>' });
      const res = await supertest(t.app).get('/about');
      assert.equal(res.status, 200);
      assert.match(res.text, /<meta name="description" content="Videos of the valley.">/);
      assert.match(res.text, /<p>Run by the valley club.<br>Write to us.<\/p>/);
      assert.match(res.text, /<p>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/p>/);
      assert.doesNotMatch(res.text, /<script>alert/);
      assert.match(res.text, /<dt>Public videos<\/dt><dd>\d/);
      assert.match((await supertest(t.app).get('/')).text, /<a href="\/about">About<\/a>/);
      assert.match((await supertest(t.app).get('/')).text, /<meta name="description" content="Videos of the valley.">/);
    });

    it('empties the page cache when saved: a kept /about shows the new text on the next request', async () => {
      const cached = createTestApp({ PAGE_CACHE_SECONDS: '30' });
      const agent = await signedInAgent(cached.app, admin);
      assert.doesNotMatch((await supertest(cached.app).get('/about')).text, /Cached no more/);
      const token = await tokenFor(agent, '/admin/settings');
      const res = await agent.post('/admin/settings').type('form').send({ _csrf: token, ...(await formOf(cached, { aboutText: 'Cached no more.' })) });
      assert.equal(res.status, 303);
      assert.match((await supertest(cached.app).get('/about')).text, /Cached no more/);
      await resetSiteSettings(cached);
    });

    it('/about says what the site is when nothing is written', async () => {
      const res = await supertest(t.app).get('/about');
      assert.equal(res.status, 200);
      assert.match(res.text, /is a video site: people here upload videos/);
    });

    it('/rules: a 404 and no links while empty; the text, and links from the footer, sign-up and report pages once set', async () => {
      assert.equal((await supertest(t.app).get('/rules')).status, 404);
      assert.doesNotMatch((await supertest(t.app).get('/register')).text, /href="\/rules"/);
      await changeSiteSettings(t, { rulesText: 'Be kind.\n\nNo spam & no <b>bold</b>.' });
      const res = await supertest(t.app).get('/rules');
      assert.equal(res.status, 200);
      assert.match(res.text, /<p>Be kind.<\/p>\s*<p>No spam &amp; no &lt;b&gt;bold&lt;\/b&gt;.<\/p>/);
      const signUp = await supertest(t.app).get('/register');
      assert.match(signUp.text, /By creating an account you agree to <a href="\/rules">/);
      assert.match(signUp.text, /<footer[\s\S]*<a href="\/rules">Rules<\/a>/);
      const owner = await createUser();
      const video = await createVideo(owner);
      assert.match((await userAgent.get(`/watch/${video.publicId}/report`)).text, /<a href="\/rules">the rules of/);
    });
  });

  describe('forms and text', () => {
    it('splits plain text into paragraphs on blank lines, lines kept', () => {
      assert.deepEqual(paragraphsOf('\n\nOne\r\ntwo  \n \t\nThree\n\n\n'), [['One', 'two'], ['Three']]);
      assert.deepEqual(paragraphsOf('   '), []);
    });

    it('shows sizes in GB from 1 GB, in MB below', () => {
      assert.deepEqual(sizeInUnits(4 * GB), { amount: '4', unit: 'GB' });
      assert.deepEqual(sizeInUnits(512 * MB), { amount: '512', unit: 'MB' });
      assert.deepEqual(sizeInUnits(1.25 * GB), { amount: '1.25', unit: 'GB' });
    });

    it('finds no change in the form of the settings as they are', () => {
      const settings = defaultSettings(t.config);
      const form = parseSiteSettings(settingsFormValues(settings), settings);
      assert.ok(form.ok);
      assert.deepEqual(changedSettings(settings, form.value), {});
    });
  });
});
