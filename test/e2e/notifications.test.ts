import assert from 'node:assert/strict';
import path from 'node:path';
import { insertNotification } from '../../src/db/notifications.js';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

// Functions passed to page.evaluate run in the page, where these exist; this file is
// type-checked without the DOM library.
declare const document: { documentElement: { scrollWidth: number }; dispatchEvent(event: unknown): boolean };
declare const Event: new (type: string) => unknown;

describe('notifications in a real browser', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('updates the bell in place, marks all as read without scripts\' help, and fits a 390 px screen', async () => {
    const me = await createUser();
    const owner = await createUser({ displayName: 'A channel with a rather long name indeed' });
    const video = await createVideo(owner, { title: `A long title ${'x'.repeat(60)}` });
    await insertNotification(testPool(), { userId: me.id, kind: 'new_video', videoId: video.id, actorId: owner.id });
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await signInThroughPage(page, b.baseUrl, me);

    const bell = page.getByRole('link', { name: 'Notifications, 1 unread' });
    assert.equal(await bell.isVisible(), true, 'the bell, with its count in its name');
    assert.equal((await bell.boundingBox())!.x + (await bell.boundingBox())!.width <= 390, true, 'the bell fits the header');

    // Two more arrive while the page is open: the bell asks again when the tab is shown (and every minute).
    for (let i = 0; i < 2; i++) await insertNotification(testPool(), { userId: me.id, kind: 'report_handled', detail: { targetKind: 'video', outcome: 'dismissed' } });
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.getByRole('link', { name: 'Notifications, 3 unread' }).waitFor();
    assert.equal(await page.locator('[data-bell-count]').textContent(), '3');

    // The list, on a phone: nothing wider than the screen, the bell focusable by keyboard.
    await page.getByRole('link', { name: 'Notifications, 3 unread' }).click();
    await page.waitForURL(`${b.baseUrl}/notifications`);
    for (const url of ['/notifications', '/settings/notifications']) {
      await page.goto(`${b.baseUrl}${url}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `notifications${url.replaceAll('/', '-')}.png`), fullPage: true });
      assert.ok(width <= 390, `${url}: the page is ${width} px wide`);
    }
    await page.goto(`${b.baseUrl}/notifications`);
    assert.equal(await page.getByText('New', { exact: true }).count(), 3, 'unread ones say so in words');

    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await page.waitForURL(`${b.baseUrl}/notifications`);
    await page.getByRole('link', { name: 'Notifications, none unread' }).waitFor();
    assert.equal(await page.getByText('New', { exact: true }).count(), 0);
    assert.equal(await page.locator('[data-bell-count]').isHidden(), true);

    // Following a notification goes where it leads.
    await page.getByRole('link', { name: /published/ }).click();
    await page.waitForURL(`${b.baseUrl}/watch/${video.publicId}`);
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
