import assert from 'node:assert/strict';
import path from 'node:path';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { insertPlaylist } from '../../src/db/playlists.js';
import { useTestApp } from '../helpers/app.js';
import { openPage, useBrowser } from '../helpers/browser.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

// Functions passed to page.evaluate run in the page; this file is type-checked without the DOM library.
declare const document: { querySelector(selector: string): { currentTime: number; duration: number; readyState: number; play(): Promise<void> } | null; scrollingElement: { scrollWidth: number } };

describe('playing a playlist, in a real browser', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  async function playlistOf3() {
    const owner = await createUser();
    const made = await insertPlaylist(testPool(), owner.id, { title: 'Browser list', description: '', privacy: 'public' }, 500);
    if (made === 'limit') throw new Error('limit');
    const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
    const videos = [];
    for (let i = 1; i <= 3; i++) {
      const video = await createVideo(owner, { title: `Browser clip ${i}`, durationSeconds: 1 });
      await attachRendition(video, 1);
      await addVideoToPlaylist(testPool(), owner.id, Number(rows[0].id), video, 5000);
      videos.push(video);
    }
    return { list: made.publicId, videos };
  }

  /** Plays the page's video from its last moment, so that it ends at once. */
  const playToEnd = (page: import('playwright-core').Page) => page.evaluate(async () => {
    const video = document.querySelector('video#player, video#embed-player')!;
    if (video.readyState < 1) await new Promise((resolve) => (video as unknown as { addEventListener(t: string, f: () => void): void }).addEventListener('loadedmetadata', () => resolve(null)));
    video.currentTime = Math.max(0, video.duration - 0.05);
    await video.play().catch(() => {});
  });

  it('shows the panel beside the player on a wide screen, and autoplay opens the next video at the end', async () => {
    const { list, videos } = await playlistOf3();
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 1280, height: 800 } });
    await page.goto(`${b.baseUrl}/watch/${videos[0]!.publicId}?list=${list}&index=1`);
    const panel = page.getByRole('complementary', { name: 'Browser list' });
    await panel.waitFor();
    const player = (await page.locator('.player').boundingBox())!;
    const box = (await panel.boundingBox())!;
    assert.ok(box.x >= player.x + player.width, `panel at ${box.x}, player ends at ${player.x + player.width}`);
    assert.ok(Math.abs(box.y - player.y) < 2, 'side by side');
    const area = (await page.locator('.player-area').boundingBox())!;
    assert.ok(Math.abs(box.height - (await page.locator('.player-area').boundingBox())!.height) < 1, 'as tall as the player area');
    assert.equal(await page.getByLabel('Autoplay').isChecked(), true, 'autoplay on by default, its toggle shown');
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'playlist-wide.png') });
    await playToEnd(page);
    await page.waitForURL(new RegExp(`/watch/${videos[1]!.publicId}\\?list=${list}&index=2$`));
    await page.getByRole('complementary', { name: 'Browser list' }).waitFor();
    assert.match(await panel.textContent() ?? '', /2 \/ 3/);

    // Turned off, and remembered: the end of the video stays on it.
    await page.getByLabel('Autoplay').uncheck();
    await page.reload();
    assert.equal(await page.getByLabel('Autoplay').isChecked(), false, 'remembered');
    await playToEnd(page);
    await page.waitForTimeout(1500);
    assert.match(page.url(), new RegExp(`/watch/${videos[1]!.publicId}`));
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('puts the panel below the player on a 390 px screen, within the width, keyboard reachable', async () => {
    const { list, videos } = await playlistOf3();
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(`${b.baseUrl}/watch/${videos[1]!.publicId}?list=${list}&index=2`);
    const panel = page.getByRole('complementary', { name: 'Browser list' });
    await panel.waitFor();
    const player = (await page.locator('.player').boundingBox())!;
    const box = (await panel.boundingBox())!;
    assert.ok(box.y >= player.y + player.height, 'below the player');
    assert.ok(box.x >= 0 && box.x + box.width <= 390.5, `panel ${box.x}+${box.width}`);
    assert.ok(await page.evaluate(() => document.scrollingElement.scrollWidth) <= 390, 'no sideways scrolling');
    const next = page.getByRole('link', { name: 'Next', exact: true });
    await next.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/watch/${videos[2]!.publicId}\\?list=${list}&index=3$`));
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'playlist-phone.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('scrolls the panel\'s list, not the page, to the video playing', async () => {
    const owner = await createUser();
    const made = await insertPlaylist(testPool(), owner.id, { title: 'Long browser list', description: '', privacy: 'public' }, 500);
    if (made === 'limit') throw new Error('limit');
    const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
    const videos = [];
    for (let i = 1; i <= 25; i++) {
      const video = await createVideo(owner, { title: `Long clip ${i}`, durationSeconds: 1 });
      await addVideoToPlaylist(testPool(), owner.id, Number(rows[0].id), video, 5000);
      videos.push(video);
    }
    await attachRendition(videos[14]!, 1);
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const { context, page, problems } = await openPage(b.browser, [], { viewport });
      await page.goto(`${b.baseUrl}/watch/${videos[14]!.publicId}?list=${made.publicId}`);
      const current = page.locator('.playlist-panel-item.current');
      await current.waitFor();
      const item = (await current.boundingBox())!;
      const list = (await page.locator('.playlist-panel-items').boundingBox())!;
      assert.ok(item.y >= list.y - 1 && item.y + item.height <= list.y + list.height + 1, `${viewport.width} px: the playing item within the list's view`);
      assert.equal(await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY), 0, `${viewport.width} px: the page itself not scrolled`);
      assert.deepEqual(problems, []);
      await context.close();
    }
  });

  it('plays the list through in the embed player', async () => {
    const { list, videos } = await playlistOf3();
    const { context, page, problems } = await openPage(b.browser);
    await page.goto(`${b.baseUrl}/embed/${videos[0]!.publicId}?list=${list}`);
    await page.getByRole('navigation', { name: 'Playlist' }).waitFor();
    await playToEnd(page);
    await page.waitForURL(new RegExp(`/embed/${videos[1]!.publicId}\\?list=${list}&index=2$`));
    assert.deepEqual(problems, []);
    await context.close();
  });
});
