import assert from 'node:assert/strict';
import path from 'node:path';
import { useTestApp, useWorker } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { createUser } from '../helpers/factories.js';
import { fixtures } from '../helpers/fixtures.js';
import { waitForProcessing } from '../helpers/videos.js';

// Functions passed to page.waitForFunction and page.evaluate run in the page, where these exist;
// this file is type-checked without the DOM library.
declare const document: { querySelector(selector: string): { currentTime: number; currentSrc: string } };
declare const localStorage: { getItem(key: string): string | null };

describe('uploading and watching in a real browser', function () {
  this.timeout(120_000);
  const t = useTestApp();
  useWorker(t);
  const b = useBrowser(() => t.app);

  it('uploads with progress, shows processing, then plays the video and switches quality', async () => {
    const user = await createUser({ displayName: 'Browser Creator' });
    const { context, page, problems } = await openPage(b.browser);

    await signInThroughPage(page, b.baseUrl, user);
    await page.getByRole('link', { name: 'Upload', exact: true }).click();

    await page.getByLabel('Video file').setInputFiles(await fixtures.landscape());
    await page.getByLabel('Title').fill('Made in the browser');
    await page.getByLabel('Tags').fill('browser, test');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    // upload.js sends it with XMLHttpRequest and goes to the watch page when the server accepts it.
    await page.waitForURL(/\/watch\/[A-Za-z0-9_-]{11}$/, { timeout: 30_000 });
    await page.getByRole('heading', { name: 'Made in the browser' }).waitFor();

    // processing.js reloads the page when the first rendition is ready.
    const video = page.locator('video#player');
    await video.waitFor({ timeout: 90_000 });
    await page.getByRole('group', { name: 'Video controls' }).waitFor();
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => document.querySelector('video').currentTime > 0.5, undefined, { timeout: 20_000 });
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'watch.png'), fullPage: true });

    // Every rendition is a choice; picking one switches the source in place and is remembered.
    const labels = await page.getByLabel('Quality').locator('option').allTextContents();
    assert.ok(labels.includes('360p'), labels.join(','));
    await page.getByLabel('Quality').selectOption({ label: '360p' });
    await page.waitForFunction(() => document.querySelector('video').currentSrc.includes('/360p-'));
    assert.equal(await page.evaluate(() => localStorage.getItem('tubestead.quality')), '360');

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
    // Let the worker finish the other renditions, so stopping it after this test cuts no job short.
    await waitForProcessing(/\/watch\/([A-Za-z0-9_-]{11})$/.exec(page.url())![1]!);
  });
});
