import assert from 'node:assert/strict';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

// Functions passed to page.evaluate run in the page; this file is type-checked without the DOM library.
declare const document: { querySelector(selector: string): { currentTime: number; duration: number; readyState: number; play(): Promise<void>; addEventListener(type: string, listener: () => void): void } | null };

/**
 * Issue 12, item 10: the whole journey through the interface, as a viewer with scripts does it.
 * Two videos of someone else's are saved to a playlist made in the Save dialog, reordered by
 * dragging on the playlist's page, and played with Play all; at the end of the first video,
 * autoplay opens the second. Each part has its own finer browser tests (playlist-saving,
 * playlist-reorder, playlist-playback); this one checks that they fit together.
 */
describe('a playlist from saving to playing, in a real browser', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('saves two videos to a new playlist, moves the second to the top by dragging, and Play all reaches the next video by itself', async () => {
    const creator = await createUser();
    const first = await createVideo(creator, { title: 'Journey opening', durationSeconds: 1 });
    const second = await createVideo(creator, { title: 'Journey sequel', durationSeconds: 1 });
    for (const video of [first, second]) await attachRendition(video, 1);
    const viewer = await createUser();
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 1280, height: 800 } });
    await signInThroughPage(page, b.baseUrl, viewer);

    // Save the first video to a new playlist, made in the dialog.
    await page.goto(`${b.baseUrl}/watch/${first.publicId}`);
    await page.getByRole('link', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Save to…' });
    await dialog.waitFor();
    await dialog.getByLabel('Title').fill('Road movies');
    await dialog.getByLabel('Privacy').selectOption('public');
    await dialog.getByRole('button', { name: 'Create and save' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Saved to your new playlist “Road movies”.' }).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();

    // The second video, ticked into the same playlist.
    await page.goto(`${b.baseUrl}/watch/${second.publicId}`);
    await page.getByRole('link', { name: 'Save', exact: true }).click();
    await dialog.waitFor();
    await dialog.getByLabel('Road movies').check();
    await dialog.getByRole('status').filter({ hasText: 'Saved to “Road movies”.' }).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();

    // From Your playlists to the playlist's page, where the second is dragged above the first.
    await page.goto(`${b.baseUrl}/playlists`);
    await page.getByRole('link', { name: 'Road movies' }).first().click();
    await page.waitForURL(/\/playlist\/[A-Za-z0-9_-]{11}$/);
    const shown = async () => (await page.locator('ol[data-reorder] .video-title a').allTextContents()).map((s) => s.replace(/^\d+\.\s*/, '').trim());
    assert.deepEqual(await shown(), ['Journey opening', 'Journey sequel']);
    const handle = (await page.getByRole('button', { name: 'Reorder video 2, Journey sequel' }).boundingBox())!;
    const top = (await page.locator('.playlist-item', { hasText: 'Journey opening' }).boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    for (let step = 1; step <= 10; step++) await page.mouse.move(handle.x + handle.width / 2, handle.y + ((top.y + 4 - handle.y) * step) / 10);
    await page.mouse.up();
    await page.locator('[data-reorder-status]').filter({ hasText: 'Journey sequel dropped at position 1' }).waitFor();
    const { rows } = await testPool().query(`SELECT i.video_public_id FROM playlist_items i JOIN playlists p ON p.id = i.playlist_id
      WHERE p.owner_id = $1 AND p.title = 'Road movies' ORDER BY i.position`, [viewer.id]);
    assert.deepEqual(rows.map((r) => r.video_public_id), [second.publicId, first.publicId], 'the new order is stored');
    await page.reload();
    assert.deepEqual(await shown(), ['Journey sequel', 'Journey opening'], 'and shown after a reload');

    // Play all starts at the new first video; its end opens the next (autoplay on by default).
    await page.getByRole('link', { name: 'Play all' }).click();
    await page.waitForURL(new RegExp(`/watch/${second.publicId}\\?list=[A-Za-z0-9_-]{11}&index=1$`));
    const panel = page.getByRole('complementary', { name: 'Road movies' });
    assert.match(await panel.textContent() ?? '', /1 \/ 2/);
    assert.equal(await page.getByLabel('Autoplay').isChecked(), true);
    await page.evaluate(async () => {
      const video = document.querySelector('video#player')!;
      if (video.readyState < 1) await new Promise((resolve) => video.addEventListener('loadedmetadata', () => resolve(null)));
      video.currentTime = Math.max(0, video.duration - 0.05);
      await video.play().catch(() => {});
    });
    await page.waitForURL(new RegExp(`/watch/${first.publicId}\\?list=[A-Za-z0-9_-]{11}&index=2$`));
    assert.match(await page.getByRole('complementary', { name: 'Road movies' }).textContent() ?? '', /2 \/ 2/);

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
