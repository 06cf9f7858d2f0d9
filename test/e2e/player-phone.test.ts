import assert from 'node:assert/strict';
import path from 'node:path';
import { useTestApp } from '../helpers/app.js';
import { openPage, useBrowser } from '../helpers/browser.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

// Functions passed to page.waitForFunction and page.evaluate run in the page, where these exist;
// this file is type-checked without the DOM library.
declare const document: { querySelector(selector: string): { currentTime: number; duration: number; readyState: number; open: boolean } };

const SECONDS = 60;

describe('the player on a phone, in a real browser', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('fits a 390 px screen, seeks by touch and by keyboard, hides its preview, and Escape closes the share box', async () => {
    const owner = await createUser();
    const video = await createVideo(owner, { title: 'On a phone', durationSeconds: SECONDS });
    await attachRendition(video, SECONDS);
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await page.goto(`${b.baseUrl}/watch/${video.publicId}`);
    const controls = page.getByRole('group', { name: 'Video controls' });
    await controls.waitFor();
    await page.waitForFunction(() => document.querySelector('video#player').readyState >= 1);

    // Everything inside the player's box, and the seek bar wide enough to aim at.
    const player = (await page.locator('.player').boundingBox())!;
    const bar = (await controls.boundingBox())!;
    const seek = page.getByRole('slider', { name: 'Seek' });
    const seekBox = (await seek.boundingBox())!;
    const fullscreen = (await page.getByRole('button', { name: 'Full screen' }).boundingBox())!;
    assert.ok(player.width <= 390, `player ${player.width} px`);
    assert.ok(bar.x >= player.x - 0.5 && bar.x + bar.width <= player.x + player.width + 0.5, `controls ${bar.width} px in a ${player.width} px player`);
    assert.ok(fullscreen.x + fullscreen.width <= player.x + player.width + 0.5, 'full screen button inside the player');
    assert.ok(seekBox.width >= player.width * 0.8, `seek bar ${seekBox.width} px of ${player.width}`);
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'player-phone.png') });

    // A tap at the middle of the seek bar goes to the middle of the video.
    await page.touchscreen.tap(seekBox.x + seekBox.width / 2, seekBox.y + seekBox.height / 2);
    await page.waitForFunction((s) => Math.abs(document.querySelector('video#player').currentTime - s / 2) < s * 0.05, SECONDS);
    // The preview the touch showed is gone once the finger is lifted.
    assert.equal(await page.locator('.seek-preview').isVisible(), false, 'preview hidden after the tap');

    // Keys on the focused seek bar move by seconds, not thousandths.
    await page.evaluate(() => { (document.querySelector('video#player') as unknown as { currentTime: number }).currentTime = 10; });
    await seek.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => Math.abs(document.querySelector('video#player').currentTime - 15) < 0.5);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => Math.abs(document.querySelector('video#player').currentTime - 5) < 0.5);
    await page.keyboard.press('End');
    await page.waitForFunction((s) => document.querySelector('video#player').currentTime > s - 1, SECONDS);
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('video#player').currentTime < 0.5);
    // Leaving the seek bar hides the preview that focus showed.
    await page.getByRole('button', { name: /^(Play|Pause)$/ }).focus();
    assert.equal(await page.locator('.seek-preview').isVisible(), false, 'preview hidden after focus leaves');

    // The share box closes on Escape and gives focus back to its summary.
    await page.getByText('Share', { exact: true }).click();
    await page.getByLabel('Link', { exact: true }).focus();
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.querySelector('details.share').open), false);
    assert.equal(await page.evaluate(() => (document as unknown as { activeElement: { tagName: string } }).activeElement.tagName), 'SUMMARY');

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });

  it('shows the storyboard preview while the pointer is over the seek bar, and hides it when it leaves', async () => {
    const owner = await createUser();
    const video = await createVideo(owner, { title: 'Pointer preview', durationSeconds: SECONDS });
    await attachRendition(video, SECONDS);
    const { context, page, problems } = await openPage(b.browser);
    await page.goto(`${b.baseUrl}/watch/${video.publicId}`);
    await page.waitForFunction(() => document.querySelector('video#player').readyState >= 1);
    const seekBox = (await page.getByRole('slider', { name: 'Seek' }).boundingBox())!;
    await page.mouse.move(seekBox.x + seekBox.width / 4, seekBox.y + seekBox.height / 2);
    await page.locator('.seek-preview').waitFor({ state: 'visible' });
    await page.mouse.move(seekBox.x + seekBox.width / 4, seekBox.y - 200);
    await page.locator('.seek-preview').waitFor({ state: 'hidden' });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
