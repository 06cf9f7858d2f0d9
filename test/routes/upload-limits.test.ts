import assert from 'node:assert/strict';
import path from 'node:path';
import supertest from 'supertest';
import { changeSiteSettings, resetSiteSettings, useTestApp } from '../helpers/app.js';
import { signedInAgent, tokenFor, type Agent } from '../helpers/agent.js';
import { postForm, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo, deleteUser } from '../helpers/factories.js';
import { filesUnder } from '../helpers/files.js';
import { fixtures } from '../helpers/fixtures.js';
import { uploadVideo } from '../helpers/videos.js';

type User = Awaited<ReturnType<typeof createUser>>;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

async function overrideOf(userId: number) {
  const { rows } = await testPool().query('SELECT max_upload_bytes, uploads_per_day, upload_bytes_per_day, storage_quota_bytes FROM upload_overrides WHERE user_id = $1', [userId]);
  return rows[0] ? { max: rows[0].max_upload_bytes === null ? null : Number(rows[0].max_upload_bytes), perDay: rows[0].uploads_per_day, bytesPerDay: rows[0].upload_bytes_per_day === null ? null : Number(rows[0].upload_bytes_per_day), quota: rows[0].storage_quota_bytes === null ? null : Number(rows[0].storage_quota_bytes) } : null;
}

async function limitsAudit(userId: number) {
  const { rows } = await testPool().query(`SELECT actor_id, before, after FROM audit_log WHERE action = 'user.limits' AND subject_user_id = $1 ORDER BY id`, [userId]);
  return rows;
}

/** Uploads of the last 24 hours, made directly (each counts against uploadsPerDay). */
async function uploadsToday(user: User, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await createVideo(user);
}

/** A file of `bytes` as the upload form sends it (not a video: refused by size before anything looks at it). */
async function uploadBytes(agent: Agent, bytes: number) {
  const token = await tokenFor(agent, '/upload');
  return agent.post(`/upload?_csrf=${encodeURIComponent(token)}`).set('Accept', 'application/json').field('title', 'Big').attach('file', Buffer.alloc(bytes, 1), 'big.mp4');
}

const blankForm = { maxUploadBytes: '', maxUploadBytesUnit: 'MB', uploadsPerDay: '', uploadBytesPerDay: '', uploadBytesPerDayUnit: 'GB', storageQuotaBytes: '', storageQuotaBytesUnit: 'GB' };

describe('upload limits: the site settings and per-account overrides', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let admin: Agent;
  let adminUser: User;
  let moderator: Agent;
  let plain: Agent;

  before(async () => {
    adminUser = await createUser({ roles: ['user', 'admin'] });
    admin = await signedInAgent(t.app, adminUser);
    moderator = await signedInAgent(t.app, await createUser({ roles: ['user', 'moderator'] }));
    plain = await signedInAgent(t.app, await createUser({ roles: ['user'] }));
  });
  afterEach(() => resetSiteSettings(t));

  describe('the site settings, per request', () => {
    it('applies a change of uploads per day to the next upload, without a restart, and back', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      await uploadsToday(user, 2);
      await changeSiteSettings(t, { uploadsPerDay: 2 });
      const refused = await uploadVideo(agent, await fixtures.noAudio());
      assert.equal(refused.status, 429);
      assert.match(refused.text, /You have uploaded 2 videos in the last 24 hours, the most allowed/);
      await changeSiteSettings(t, { uploadsPerDay: 3 });
      assert.equal((await uploadVideo(agent, await fixtures.noAudio())).status, 303);
    });

    it('makes multer\'s size limit the site\'s largest upload: 413 with the limit, no temporary file', async () => {
      const agent = await signedInAgent(t.app, await createUser());
      await changeSiteSettings(t, { maxUploadBytes: MiB });
      const uploads = path.join(t.config.dataDir, 'tmp', 'uploads');
      // Announced well past the limit: refused before the file is read.
      const announced = await uploadBytes(agent, 3 * MiB);
      assert.equal(announced.status, 413);
      assert.match(announced.body.error.message, /This file \(about [\d.]+ MiB\) is larger than the 1 MiB limit for one upload\./);
      // Announced within the form's margin: multer stops it at the limit.
      const streamed = await uploadBytes(agent, 1.5 * MiB);
      assert.equal(streamed.status, 413);
      assert.match(streamed.body.error.message, /This file is larger than the 1 MiB limit for one upload\./);
      assert.deepEqual(filesUnder(uploads), []);
    });

    it('shows the account\'s limits and usage on the upload page, as the settings say now', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      await uploadsToday(user, 1);
      await changeSiteSettings(t, { maxUploadBytes: 500 * MiB, uploadsPerDay: 7, storageQuotaBytes: 2 * GiB });
      const page = (await agent.get('/upload')).text;
      assert.match(page, /data-max-bytes="524288000"/);
      assert.match(page, /Up to 500 MiB/);
      assert.match(page, /1 of 7 uploads/);
      assert.match(page, /of 2 GiB used/);
      assert.match((await agent.get('/studio')).text, /<dt>Storage used<\/dt><dd>[\d.]+ (bytes|KiB|MiB) <span class="muted">of 2 GiB<\/span>/);
    });
  });

  describe('POST /admin/users/:handle/limits', () => {
    it('lets an admin set an override that beats the site setting; blank goes back to the site\'s', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      await uploadsToday(user, 2);
      await changeSiteSettings(t, { uploadsPerDay: 2 });
      const saved = await postForm(admin, `/admin/users/${user.handle}/limits`, { ...blankForm, uploadsPerDay: '5', storageQuotaBytes: '1.5', storageQuotaBytesUnit: 'GB' });
      assert.equal(saved.status, 303);
      assert.equal(saved.headers.location, `/admin/users/${user.handle}`);
      assert.deepEqual(await overrideOf(user.id), { max: null, perDay: 5, bytesPerDay: null, quota: 1.5 * GiB });
      assert.equal((await uploadVideo(agent, await fixtures.noAudio())).status, 303, 'the override allows a third upload');
      assert.match((await agent.get('/upload')).text, /3 of 5 uploads/);
      // An override below the site's setting limits too.
      await postForm(admin, `/admin/users/${user.handle}/limits`, { ...blankForm, maxUploadBytes: '1', maxUploadBytesUnit: 'MB', uploadsPerDay: '5' });
      assert.equal((await uploadBytes(agent, 1.5 * MiB)).status, 413);
      // Blank everywhere: the row goes, the site's 2 a day applies again.
      assert.equal((await postForm(admin, `/admin/users/${user.handle}/limits`, blankForm)).status, 303);
      assert.equal(await overrideOf(user.id), null);
      assert.equal((await uploadVideo(agent, await fixtures.noAudio())).status, 429);
    });

    it('records each change in the audit log with before and after; a resubmit records nothing', async () => {
      const user = await createUser();
      await postForm(admin, `/admin/users/${user.handle}/limits`, { ...blankForm, uploadsPerDay: '9' });
      await postForm(admin, `/admin/users/${user.handle}/limits`, { ...blankForm, uploadsPerDay: '9' });
      await postForm(admin, `/admin/users/${user.handle}/limits`, blankForm);
      const rows = await limitsAudit(user.id);
      assert.equal(rows.length, 2);
      assert.equal(Number(rows[0].actor_id), adminUser.id);
      assert.deepEqual(rows[0].before, { maxUploadBytes: null, uploadsPerDay: null, uploadBytesPerDay: null, storageQuotaBytes: null });
      assert.deepEqual(rows[0].after, { maxUploadBytes: null, uploadsPerDay: 9, uploadBytesPerDay: null, storageQuotaBytes: null });
      assert.deepEqual(rows[1].before, rows[0].after);
      assert.deepEqual(rows[1].after, rows[0].before);
    });

    it('keeps exact bytes for a size sent back as shown', async () => {
      const user = await createUser();
      await testPool().query('INSERT INTO upload_overrides (user_id, storage_quota_bytes) VALUES ($1, 1000000000)', [user.id]);
      const page = (await admin.get(`/admin/users/${user.handle}/limits`)).text;
      assert.match(page, /name="storageQuotaBytes" [^>]*value="953.674"/);
      assert.equal((await postForm(admin, `/admin/users/${user.handle}/limits`, { ...blankForm, storageQuotaBytes: '953.674', storageQuotaBytesUnit: 'MB' })).status, 303);
      assert.equal((await overrideOf(user.id))!.quota, 1_000_000_000);
      assert.equal((await limitsAudit(user.id)).length, 0, 'nothing changed, nothing recorded');
    });

    it('refuses bad values with 422, the messages and the values typed, writing nothing', async () => {
      const user = await createUser();
      await postForm(admin, `/admin/users/${user.handle}/limits`, { ...blankForm, uploadsPerDay: '4' });
      const cases: Record<string, string>[] = [
        { uploadsPerDay: 'lots' },
        { uploadsPerDay: '0' },
        { uploadsPerDay: '1.5' },
        { uploadsPerDay: '1000001' },
        { maxUploadBytes: 'abc' },
        { maxUploadBytes: '2', maxUploadBytesUnit: 'TB' },
        { maxUploadBytes: '0.5', maxUploadBytesUnit: 'MB' },
        { maxUploadBytes: '1025', maxUploadBytesUnit: 'GB' },
        { storageQuotaBytes: '-1' },
        { uploadBytesPerDay: '1e3' },
      ];
      for (const fields of cases) {
        const res = await withoutWrites(() => postForm(admin, `/admin/users/${user.handle}/limits`, { ...blankForm, ...fields }));
        assert.equal(res.status, 422, JSON.stringify(fields));
        assert.match(res.text, /class="error-summary"/);
        const [name, value] = Object.entries(fields)[0]!;
        assert.match(res.text, new RegExp(`name="${name}" [^>]*value="${value.replace('.', '\\.')}"`), 'the value typed comes back');
      }
      assert.deepEqual(await overrideOf(user.id), { max: null, perDay: 4, bytesPerDay: null, quota: null });
    });

    it('answers by role: anonymous to sign in, a user and a moderator 403, an admin and a custom role with settings.edit 303', async () => {
      const user = await createUser();
      const url = `/admin/users/${user.handle}/limits`;
      const anonymous = await supertest(t.app).get(url);
      assert.equal(anonymous.status, 303);
      assert.match(String(anonymous.headers.location), /^\/login\?next=/);
      assert.equal((await plain.get(url)).status, 403);
      assert.equal((await moderator.get(url)).status, 403);
      assert.equal((await withoutWrites(() => postForm(plain, url, { ...blankForm, uploadsPerDay: '3' }))).status, 403);
      assert.equal((await withoutWrites(() => postForm(moderator, url, { ...blankForm, uploadsPerDay: '3' }))).status, 403);
      const role = `limits-${process.pid % 10000}-${Date.now() % 100000}`;
      await testPool().query(`INSERT INTO roles (name, description) VALUES ($1, 'Sets upload limits')`, [role]);
      await testPool().query(`INSERT INTO role_permissions (role, permission) VALUES ($1, 'settings.edit')`, [role]);
      const custom = await signedInAgent(t.app, await createUser({ roles: ['user', role] }));
      assert.equal((await custom.get(url)).status, 200);
      assert.equal((await postForm(custom, url, { ...blankForm, uploadsPerDay: '3' })).status, 303);
      assert.equal((await overrideOf(user.id))!.perDay, 3);
      assert.equal((await admin.get(url)).status, 200);
    });

    it('is a 404 for an unknown or deleted account', async () => {
      assert.equal((await postForm(admin, '/admin/users/nobody-here-at-all/limits', blankForm)).status, 404);
      const gone = await createUser();
      await deleteUser(gone);
      assert.equal((await withoutWrites(() => postForm(admin, `/admin/users/${gone.handle}/limits`, { ...blankForm, uploadsPerDay: '3' }))).status, 404);
      assert.equal((await admin.get(`/admin/users/${gone.handle}/limits`)).status, 404);
    });

    it('shows the form on the person\'s page to those with settings.edit only, with the site\'s values and the usage', async () => {
      const user = await createUser();
      await uploadsToday(user, 1);
      await changeSiteSettings(t, { uploadsPerDay: 6 });
      const forAdmin = (await admin.get(`/admin/users/${user.handle}`)).text;
      assert.match(forAdmin, /<h2 id="upload-limits-title">Upload limits<\/h2>/);
      assert.match(forAdmin, /action="\/admin\/users\/[^"]+\/limits"/);
      assert.match(forAdmin, /Site's setting: 6\./);
      assert.match(forAdmin, /1 of 6 uploads/);
      const forModerator = await moderator.get(`/admin/users/${user.handle}`);
      assert.equal(forModerator.status, 200);
      assert.doesNotMatch(forModerator.text, /Upload limits/);
    });
  });
});
