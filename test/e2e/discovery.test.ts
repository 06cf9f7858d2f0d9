import assert from 'node:assert/strict';
import { useTestApp, useWorker } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { createUser } from '../helpers/factories.js';
import { fixtures } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo, waitForProcessing } from '../helpers/videos.js';

// Functions passed to page.waitForFunction run in the page, where this exists; this file is
// type-checked without the DOM library.
declare const document: { querySelector(selector: string): { currentTime: number; getAttribute(name: string): string | null } };

describe('finding and following in a real browser', function () {
  this.timeout(120_000);
  const t = useTestApp();
  useWorker(t);
  const b = useBrowser(() => t.app);

  it('finds a video by search, plays it, likes it and subscribes to its channel', async () => {
    const creator = await createUser({ displayName: 'Searchable Creator' });
    const word = `quokka${Date.now().toString(36)}`;
    const res = await uploadVideo(await signedInAgent(t.app, creator), await fixtures.landscape(), { title: `The ${word} documentary` });
    const publicId = publicIdFrom(res.headers.location);
    assert.equal((await waitForProcessing(publicId)).status, 'ready');

    const viewer = await createUser();
    const { context, page, problems } = await openPage(b.browser);

    await signInThroughPage(page, b.baseUrl, viewer);

    await page.getByRole('searchbox', { name: 'Search' }).fill(word);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    await page.getByRole('link', { name: `The ${word} documentary`, exact: true }).click();
    await page.waitForURL(`${b.baseUrl}/watch/${publicId}`);

    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => document.querySelector('video').currentTime > 0.3, undefined, { timeout: 20_000 });

    // In place, without a page load (engagement.js).
    const like = page.locator('button[data-value="like"]');
    await like.click();
    await page.waitForFunction(() => document.querySelector('button[data-value="like"]').getAttribute('aria-pressed') === 'true');
    assert.equal((await page.locator('[data-count="like"]').textContent())?.trim(), '1');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('button', { name: 'Subscribed' }).waitFor();
    assert.equal(page.url(), `${b.baseUrl}/watch/${publicId}`, 'no navigation');

    // And it all held on the server.
    await page.goto(`${b.baseUrl}/feed/subscriptions`);
    await page.getByRole('link', { name: `The ${word} documentary`, exact: true }).waitFor();
    await page.getByRole('complementary').getByRole('link', { name: 'Searchable Creator' }).waitFor();
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
