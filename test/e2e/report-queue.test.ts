import assert from 'node:assert/strict';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { fileReport, openItemId } from '../helpers/report-items.js';

describe('in a real browser: the report queue (issue 13, item 2)', function () {
  this.timeout(60_000);
  const t = useTestApp({ PUBLIC_URL: 'http://127.0.0.1:3000' });
  const b = useBrowser(() => t.app);

  it('a moderator opens the queue, claims an item, opens it and dismisses it; the reporter sees it reviewed', async () => {
    const moderator = await createUser({ roles: ['moderator'] });
    const owner = await createUser();
    const reporter = await createUser();
    const video = await createVideo(owner, { title: 'Questionable clip' });
    await fileReport('video', video.id, owner.id, { reason: 'child_safety', reporterId: reporter.id, text: 'Please look at this', seconds: 5 });
    const itemId = (await openItemId('video', video.id))!;

    const mod = await openPage(b.browser);
    await signInThroughPage(mod.page, b.baseUrl, moderator);
    await mod.page.goto(`${b.baseUrl}/admin/reports`);
    const row = mod.page.locator(`#item-${itemId}`);
    await mod.page.screenshot({ path: '/tmp/report-queue.png', fullPage: true });
    await row.getByRole('button', { name: `Claim item ${itemId}` }).click();
    await mod.page.waitForURL(`${b.baseUrl}/admin/reports/${itemId}`);
    await mod.page.getByRole('button', { name: 'Release my claim' }).waitFor();
    assert.match((await mod.page.locator('main').textContent()) ?? '', /Please look at this/);
    await mod.page.screenshot({ path: '/tmp/report-item.png', fullPage: true });
    await mod.page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await mod.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), 'the item page fits a 390 px screen');
    await mod.page.getByLabel('Why nothing is done').selectOption('no_violation');
    await mod.page.locator('#dismiss-note').fill('Checked the whole clip');
    await mod.page.getByRole('button', { name: 'Dismiss the reports' }).click();
    await mod.page.waitForURL(`${b.baseUrl}/admin/reports`);
    assert.match((await mod.page.locator('main').textContent()) ?? '', /Dismissed\. Every report of item/);
    assert.equal(await mod.page.locator(`#item-${itemId}`).count(), 0, 'gone from the queue');
    assert.deepEqual(mod.problems, []);
    await mod.context.close();

    const { rows } = await testPool().query('SELECT status FROM reports WHERE reporter_id = $1', [reporter.id]);
    assert.deepEqual(rows.map((r) => r.status), ['dismissed']);
  });
});
