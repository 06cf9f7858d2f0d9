import assert from 'node:assert/strict';
import request from 'supertest';
import { createSiteSettings } from '../../src/settings/site-settings.js';
import { changeSiteSettings, resetSiteSettings, useTestApp } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';

describe('site settings (src/settings/site-settings.ts)', () => {
  const t = useTestApp({ SITE_NAME: 'Env Name' });
  afterEach(() => resetSiteSettings(t));

  it('gives the defaults, the environment\'s among them, when nothing is stored', async () => {
    const site = await t.settings.get();
    assert.equal(site.siteName, 'Env Name');
    assert.equal(site.registration, 'open');
    assert.equal(site.maxUploadBytes, t.config.maxUploadBytes);
    assert.deepEqual(site.watchedWords, []);
  });

  it('applies a saved value to the next page without a restart', async () => {
    await changeSiteSettings(t, { siteName: 'Renamed <b>Site</b>' });
    const res = await request(t.app).get('/').expect(200);
    assert.match(res.text, /<title>Home - Renamed &lt;b&gt;Site&lt;\/b&gt;<\/title>/);
    assert.doesNotMatch(res.text, /Env Name/);
  });

  it('keeps its copy until told to forget it, then reads once', async () => {
    let clock = 0;
    const store = createSiteSettings(testPool(), t.config, () => clock);
    assert.equal((await store.get()).siteName, 'Env Name');
    await testPool().query(`INSERT INTO site_settings (key, value) VALUES ('siteName', '"Elsewhere"')`);
    assert.equal((await store.get()).siteName, 'Env Name', 'kept');
    store.forget();
    assert.equal((await store.get()).siteName, 'Elsewhere');
    await testPool().query(`UPDATE site_settings SET value = '"Later"' WHERE key = 'siteName'`);
    clock += 61_000;
    assert.equal((await store.get()).siteName, 'Later', 'read again after a minute without a word');
  });

  it('ignores a stored value that fails its check, and an unknown key', async () => {
    await testPool().query(`INSERT INTO site_settings (key, value) VALUES ('registration', '"sometimes"'), ('uploadsPerDay', '-3'), ('somethingOld', '1')`);
    t.settings.forget();
    const site = await t.settings.get();
    assert.equal(site.registration, 'open');
    assert.equal(site.uploadsPerDay, t.config.uploadsPerDay);
  });

  it('refuses to save a value that fails its check, and gives the values before', async () => {
    const client = await t.pool.connect();
    try {
      await client.query('BEGIN');
      await assert.rejects(t.settings.save(client, { registration: 'sometimes' as 'open' }, null), /refused/);
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      const before = await t.settings.save(client, { registration: 'closed', watchedWords: ['spam'] }, null);
      await client.query('COMMIT');
      assert.deepEqual(before, { registration: 'open', watchedWords: [] });
    } finally {
      client.release();
    }
    t.settings.forget();
    assert.equal((await t.settings.get()).registration, 'closed');
  });
});
