import assert from 'node:assert/strict';
import path from 'node:path';
import { testPool } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { createUser, createVideo } from '../helpers/factories.js';

// Functions passed to page.evaluate run in the page, where these exist; this file is
// type-checked without the DOM library.
declare const window: { unloaded?: boolean };
declare const document: { activeElement: { textContent: string | null } | null };

/** The titles of the user's playlists that hold the video. */
async function savedIn(userId: number, videoPublicId: string): Promise<string[]> {
  const { rows } = await testPool().query(`SELECT p.title FROM playlists p JOIN playlist_items i ON i.playlist_id = p.id
    WHERE p.owner_id = $1 AND i.video_public_id = $2 ORDER BY p.title`, [userId, videoPublicId]);
  return rows.map((r) => r.title as string);
}

describe('saving to playlists in a real browser: the Save dialog', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('ticks Watch later, makes a new playlist with the video, unticks, all in place; from a card too', async () => {
    const viewer = await createUser();
    const video = await createVideo(await createUser(), { title: 'A clip worth keeping' });
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 390, height: 844 } });
    await signInThroughPage(page, b.baseUrl, viewer);
    await page.goto(`${b.baseUrl}/watch/${video.publicId}`);
    await page.evaluate(() => { window.unloaded = false; });

    await page.getByRole('link', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Save to…' });
    await dialog.waitFor();
    await dialog.getByLabel('Watch later').check();
    await dialog.getByRole('status').filter({ hasText: 'Saved to “Watch later”.' }).waitFor();
    assert.deepEqual(await savedIn(viewer.id, video.publicId), ['Watch later']);

    await dialog.getByLabel('Title').fill('Road trip');
    await dialog.getByLabel('Privacy').selectOption('unlisted');
    await dialog.getByRole('button', { name: 'Create and save' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Saved to your new playlist “Road trip”.' }).waitFor();
    assert.equal(await dialog.getByLabel('Road trip').isChecked(), true);
    assert.deepEqual(await savedIn(viewer.id, video.publicId), ['Road trip', 'Watch later']);
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'save-dialog.png') });

    await dialog.getByLabel('Watch later').uncheck();
    await dialog.getByRole('status').filter({ hasText: 'Removed from “Watch later”.' }).waitFor();
    assert.deepEqual(await savedIn(viewer.id, video.publicId), ['Road trip']);

    // An empty title is refused in place, and nothing is made.
    await dialog.getByRole('button', { name: 'Create and save' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Give the playlist a title.' }).waitFor();

    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Save', 'focus back on the Save button');
    assert.equal(await page.evaluate(() => window.unloaded), false, 'all of it happened without leaving the page');

    // A card's Save link opens the same dialog, with the state as stored.
    await page.goto(`${b.baseUrl}/`);
    await page.locator('.video-card', { hasText: 'A clip worth keeping' }).getByRole('link', { name: /^Save/ }).click();
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel('Road trip').isChecked(), true);
    assert.equal(await dialog.getByLabel('Watch later').isChecked(), false);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    assert.deepEqual(problems.filter((p) => !/status of 422/.test(p)), [], 'no console errors or CSP violations');
    await context.close();
  });

  it('works without scripts: the Save link opens the checklist page, each button applies at once, a new playlist holds the video', async () => {
    const viewer = await createUser();
    const video = await createVideo(await createUser(), { title: 'Saved without scripts' });
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    await signInThroughPage(page, b.baseUrl, viewer);
    await page.goto(`${b.baseUrl}/watch/${video.publicId}`);
    await page.getByRole('link', { name: 'Save', exact: true }).click();
    await page.waitForURL(`${b.baseUrl}/watch/${video.publicId}/save`);
    await page.getByRole('button', { name: 'Watch later' }).click();
    await page.getByText('Saved to “Watch later”.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Watch later' }).getAttribute('aria-pressed'), 'true');
    await page.getByLabel('Title').fill('Kept by hand');
    await page.getByRole('button', { name: 'Create and save the video' }).click();
    await page.getByText('Saved to your new playlist “Kept by hand”.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Kept by hand' }).getAttribute('aria-pressed'), 'true');
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'save-page.png'), fullPage: true });
    assert.deepEqual(await savedIn(viewer.id, video.publicId), ['Kept by hand', 'Watch later']);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
