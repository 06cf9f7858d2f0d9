import assert from 'node:assert/strict';
import { changeSiteSettings, resetSiteSettings, useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { postForm, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { reportedItem } from '../helpers/report-items.js';

// Moderators are people with content and accounts of their own: none of the moderation tools
// lets them settle what is about themselves, and peers do not warn one another (a second
// moderator, or an admin, does). Found by the security review of issue 13.

type User = Awaited<ReturnType<typeof createUser>>;

async function moderationOf(videoId: number): Promise<string> {
  return (await testPool().query('SELECT moderation FROM videos WHERE id = $1', [videoId])).rows[0].moderation;
}

describe('moderation never settles a moderator\'s own case', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let modUser: User;
  let mod: Agent;
  let mod2: Agent;
  let mod3: Agent;
  let admin: Agent;
  let adminUser: User;

  before(async () => {
    modUser = await createUser({ roles: ['moderator'] });
    adminUser = await createUser({ roles: ['admin'] });
    mod = await signedInAgent(t.app, modUser);
    mod2 = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    mod3 = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    admin = await signedInAgent(t.app, adminUser);
  });
  after(() => resetSiteSettings(t));

  const takedown = { reason: 'copyright', policy: 'Rule 4.', note: '' };

  it('a moderator cannot restore their own taken-down video, nor decide its appeal; a third moderator can', async () => {
    const video = await createVideo(modUser, { title: 'A moderator\'s own clip' });
    assert.equal((await postForm(mod2, `/admin/videos/${video.publicId}/takedown`, takedown)).status, 303);
    const restore = await withoutWrites(() => postForm(mod, `/admin/videos/${video.publicId}/restore`, { message: 'Mine is fine.' }));
    assert.equal(restore.status, 403);
    assert.match(restore.text, /your own video/);
    assert.equal(await moderationOf(video.id), 'taken_down');
    assert.equal((await postForm(mod, `/studio/videos/${video.publicId}/appeal`, { text: 'Please look again.' })).status, 303);
    const { rows } = await testPool().query('SELECT id FROM video_takedowns WHERE video_id = $1', [video.id]);
    const appealId = rows[0].id;
    const page = await mod.get(`/admin/appeals/${appealId}`);
    assert.equal(page.status, 200);
    assert.match(page.text, /This is your own video: another moderator decides its appeal\./);
    const decided = await withoutWrites(() => postForm(mod, `/admin/appeals/${appealId}`, { decision: 'restore', message: 'Fine.' }));
    assert.equal(decided.status, 403);
    // The taker may not either; a third may.
    assert.equal((await postForm(mod2, `/admin/appeals/${appealId}`, { decision: 'restore', message: 'Fine.' })).status, 403);
    assert.equal((await postForm(mod3, `/admin/appeals/${appealId}`, { decision: 'restore', message: 'Licence checked.' })).status, 303);
    assert.equal(await moderationOf(video.id), 'none');
  });

  it('a restore or decision message longer than the audit note\'s 1,000 characters is kept (no 500)', async () => {
    const owner = await createUser();
    const video = await createVideo(owner);
    await postForm(mod, `/admin/videos/${video.publicId}/takedown`, takedown);
    const message = `Restored after review. ${'x'.repeat(1500)}`;
    assert.equal((await postForm(mod2, `/admin/videos/${video.publicId}/restore`, { message })).status, 303);
    const { rows } = await testPool().query(`SELECT note, after FROM audit_log WHERE action = 'video.restore' AND target_id = $1`, [String(video.id)]);
    assert.equal(rows[0].note, null);
    assert.equal(rows[0].after.message, message);
  });

  it('a moderator cannot approve their own held upload; another can', async () => {
    await changeSiteSettings(t, { newUploads: 'held' });
    const video = await createVideo(modUser, { title: 'Held and mine' });
    await testPool().query(`UPDATE videos SET moderation = 'held' WHERE id = $1`, [video.id]);
    const refused = await withoutWrites(() => postForm(mod, `/admin/videos/${video.publicId}/approve`, {}));
    assert.equal(refused.status, 403);
    assert.match(refused.text, /your own upload/);
    assert.equal((await postForm(mod2, `/admin/videos/${video.publicId}/approve`, {})).status, 303);
    assert.equal(await moderationOf(video.id), 'none');
    await resetSiteSettings(t);
  });

  it('a moderator cannot claim, dismiss or remove what is reported about them; another can', async () => {
    const video = await createVideo(modUser);
    const id = await reportedItem('video', video.id, modUser.id, { reason: 'spam' });
    for (const action of ['claim', 'dismiss']) {
      const res = await withoutWrites(() => postForm(mod, `/admin/reports/${id}/${action}`, { reason: 'no_violation' }));
      assert.equal(res.status, 403, action);
      assert.match(res.text, /This item is about you/);
    }
    assert.equal((await postForm(mod2, `/admin/reports/${id}/dismiss`, { reason: 'no_violation' })).status, 303);
  });

  it('a moderator cannot warn an admin or a fellow moderator; an admin may warn a moderator', async () => {
    const staffVideo = await createVideo(modUser);
    const aboutModerator = await reportedItem('video', staffVideo.id, modUser.id, { reason: 'spam' });
    const warning = { reason: 'spam', message: 'Please stop.', note: '' };
    const byPeer = await withoutWrites(() => postForm(mod2, `/admin/reports/${aboutModerator}/warn`, warning));
    assert.equal(byPeer.status, 403);
    assert.match(byPeer.text, /Only an admin can warn a moderator/);
    const adminVideo = await createVideo(adminUser);
    const aboutAdmin = await reportedItem('video', adminVideo.id, adminUser.id, { reason: 'spam' });
    assert.equal((await withoutWrites(() => postForm(mod2, `/admin/reports/${aboutAdmin}/warn`, warning))).status, 403);
    assert.equal((await postForm(admin, `/admin/reports/${aboutModerator}/warn`, warning)).status, 303);
  });

  it('no role is given to a sign-up still waiting for approval (409, nothing written); once approved, it may be', async () => {
    const waiting = await createUser();
    await testPool().query('UPDATE users SET pending_at = now() WHERE id = $1', [waiting.id]);
    try {
      const res = await withoutWrites(() => postForm(admin, `/admin/users/${waiting.handle}/roles`, { role: 'admin' }));
      assert.equal(res.status, 409);
      assert.match(res.text, /waits for approval/);
      assert.equal((await postForm(admin, `/admin/users/${waiting.handle}/approve`, {})).status, 303);
      assert.equal((await postForm(admin, `/admin/users/${waiting.handle}/roles`, { role: 'moderator' })).status, 303);
    } finally {
      await testPool().query('UPDATE users SET pending_at = NULL WHERE id = $1', [waiting.id]);
    }
  });
});

describe('a queue item reported by a crowd', function () {
  this.timeout(60_000);
  const t = useTestApp();

  it('lists the gravest 200 reports and says there are more, however many accounts reported it', async () => {
    const moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    const owner = await createUser();
    const video = await createVideo(owner);
    const id = await reportedItem('video', video.id, owner.id, { reason: 'spam' });
    // 250 more reporters, written as the seed writes them (the form's limits are per account).
    await testPool().query(
      `WITH reporters AS (
         INSERT INTO users (handle, display_name, password_hash) SELECT 'crowd' || substr(md5(random()::text), 1, 12), 'Crowd', 'x' FROM generate_series(1, 250) RETURNING id)
       INSERT INTO reports (item_id, reporter_id, target_kind, target_id, reason, severity, body)
       SELECT $1, id, 'video', $2, 'spam', 2, '' FROM reporters`,
      [id, video.id],
    );
    await testPool().query('UPDATE report_items SET report_count = report_count + 250 WHERE id = $1', [id]);
    const page = await moderator.get(`/admin/reports/${id}`);
    assert.equal(page.status, 200);
    assert.equal([...page.text.matchAll(/<li class="comment" id="report-/g)].length, 200);
    assert.match(page.text, /Reports \(200 gravest shown\)/);
    assert.match(page.text, /<dt>Reports<\/dt><dd>251<\/dd>/);
  });
});
