import assert from 'node:assert/strict';
import { addVideoToPlaylist } from '../../src/db/playlist-items.js';
import { insertPlaylist } from '../../src/db/playlists.js';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

// Runs in the page (this file is type-checked without the DOM library).
declare const window: { unloaded?: boolean };

describe('reordering a playlist in a real browser', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('reorders by keyboard and by dragging the handle, moves and removes in place, announcing each change, without reloading', async () => {
    const owner = await createUser();
    const made = await insertPlaylist(testPool(), owner.id, { title: 'Dragged around', description: '', privacy: 'public' }, 1000);
    if (made === 'limit') throw new Error('limit');
    const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
    const playlistId = Number(rows[0].id);
    const titles = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'];
    for (const title of titles) await addVideoToPlaylist(testPool(), owner.id, playlistId, await createVideo(owner, { title }), 5000);
    const order = async () => (await testPool().query(`SELECT v.title FROM playlist_items i JOIN videos v ON v.id = i.video_id WHERE i.playlist_id = $1 ORDER BY i.position`, [playlistId])).rows.map((r) => r.title as string);
    const shown = async () => (await page.locator('ol[data-reorder] .video-title a').allTextContents()).map((s) => s.replace(/^\d+\.\s*/, '').trim());

    const { context, page, problems } = await openPage(b.browser);
    await signInThroughPage(page, b.baseUrl, owner);
    await page.goto(`${b.baseUrl}/playlist/${made.publicId}`);
    await page.evaluate(() => { window.unloaded = false; });
    const status = page.locator('[data-reorder-status]');
    await page.locator('#reorder-help').waitFor({ state: 'visible' });

    // Keyboard: Echo picked up, two places up, dropped.
    const echoHandle = page.getByRole('button', { name: 'Reorder video 5, Echo' });
    await echoHandle.focus();
    await page.keyboard.press('Enter');
    await status.filter({ hasText: 'Echo picked up, position 5' }).waitFor();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await status.filter({ hasText: 'Position 3 of 5' }).waitFor();
    await page.keyboard.press('Enter');
    await status.filter({ hasText: 'Echo dropped at position 3' }).waitFor();
    assert.deepEqual(await order(), ['Alpha', 'Bravo', 'Echo', 'Charlie', 'Delta']);
    assert.deepEqual(await shown(), await order());
    assert.equal(await page.locator('#item-' + (await idOf('Echo')) + ' .playlist-number').textContent(), '3', 'numbers follow');

    // Escape puts a carried item back, and nothing is sent.
    await page.getByRole('button', { name: 'Reorder video 1, Alpha' }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Escape');
    await status.filter({ hasText: 'Alpha: move cancelled, back at position 1' }).waitFor();
    assert.deepEqual(await shown(), ['Alpha', 'Bravo', 'Echo', 'Charlie', 'Delta']);

    // Pointer: Alpha's handle dragged below Delta.
    const handle = await page.getByRole('button', { name: 'Reorder video 1, Alpha' }).boundingBox();
    const delta = await page.locator('.playlist-item', { hasText: 'Delta' }).boundingBox();
    await page.mouse.move(handle!.x + handle!.width / 2, handle!.y + handle!.height / 2);
    await page.mouse.down();
    for (let step = 1; step <= 10; step++) await page.mouse.move(handle!.x + handle!.width / 2, handle!.y + ((delta!.y + delta!.height - 4 - handle!.y) * step) / 10);
    await page.mouse.up();
    await status.filter({ hasText: 'Alpha dropped at position 5' }).waitFor();
    assert.deepEqual(await order(), ['Bravo', 'Echo', 'Charlie', 'Delta', 'Alpha']);
    assert.deepEqual(await shown(), await order());

    // The forms, in place: Up, then Remove.
    await page.getByRole('button', { name: 'Up: video 4' }).click();
    await status.filter({ hasText: 'Delta moved to position 3' }).waitFor();
    assert.deepEqual(await order(), ['Bravo', 'Echo', 'Delta', 'Charlie', 'Alpha']);
    assert.deepEqual(await shown(), await order());
    await page.getByRole('button', { name: 'Remove video 1' }).click();
    await status.filter({ hasText: 'Bravo removed. 4 videos left.' }).waitFor();
    assert.equal(await page.locator('[data-playlist-count]').textContent(), '4 videos');
    assert.equal(await page.locator('[data-playlist-duration]').textContent(), 'Total duration 4:00');
    assert.deepEqual(await shown(), ['Echo', 'Delta', 'Charlie', 'Alpha']);
    assert.deepEqual(await order(), await shown());

    assert.equal(await page.evaluate(() => window.unloaded), false, 'all of it happened without reloading the page');
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();

    async function idOf(title: string) {
      return (await testPool().query('SELECT i.video_public_id FROM playlist_items i JOIN videos v ON v.id = i.video_id WHERE i.playlist_id = $1 AND v.title = $2', [playlistId, title])).rows[0].video_public_id as string;
    }
  });

  it('drags by touch on a 390 px phone, the page no wider than the screen', async () => {
    const owner = await createUser();
    const made = await insertPlaylist(testPool(), owner.id, { title: 'Touched', description: '', privacy: 'private' }, 1000);
    if (made === 'limit') throw new Error('limit');
    const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
    const playlistId = Number(rows[0].id);
    for (const title of ['One', 'Two', 'Three']) await addVideoToPlaylist(testPool(), owner.id, playlistId, await createVideo(owner, { title }), 5000);
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await signInThroughPage(page, b.baseUrl, owner);
    await page.goto(`${b.baseUrl}/playlist/${made.publicId}`);
    await page.locator('#reorder-help').waitFor({ state: 'visible' });
    assert.ok(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth <= 390), 'no sideways scrolling');
    // The whole list on the screen: touches are sent at screen coordinates.
    await page.locator('ol[data-reorder]').evaluate((list) => (list as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'start' }));
    const handle = (await page.getByRole('button', { name: 'Reorder video 3, Three' }).boundingBox())!;
    const first = (await page.locator('.playlist-item', { hasText: 'One' }).boundingBox())!;
    // A finger on the handle, moved up above the first item's middle: touch events through the DevTools protocol.
    const cdp = await context.newCDPSession(page);
    const x = handle.x + handle.width / 2;
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', y: number) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
    await touch('touchStart', handle.y + handle.height / 2);
    for (let step = 1; step <= 10; step++) await touch('touchMove', handle.y + handle.height / 2 - ((handle.y + handle.height / 2 - (first.y + 4)) * step) / 10);
    await touch('touchEnd', first.y + 4);
    await page.locator('[data-reorder-status]', { hasText: 'Three dropped at position 1' }).waitFor();
    const order = (await testPool().query('SELECT v.title FROM playlist_items i JOIN videos v ON v.id = i.video_id WHERE i.playlist_id = $1 ORDER BY i.position', [playlistId])).rows.map((r) => r.title);
    assert.deepEqual(order, ['Three', 'One', 'Two']);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('on a later page, a move to the top leaves the page, said so, the focus kept on the list', async () => {
    const owner = await createUser();
    const made = await insertPlaylist(testPool(), owner.id, { title: 'Long one', description: '', privacy: 'private' }, 1000);
    if (made === 'limit') throw new Error('limit');
    const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
    const playlistId = Number(rows[0].id);
    // 100 items of deleted videos fill the first page; two videos on the second.
    await testPool().query(`INSERT INTO playlist_items (playlist_id, video_id, video_public_id, position)
      SELECT $1, NULL, lpad(g::text, 11, '0'), g * 1048576 FROM generate_series(1, 100) g`, [playlistId]);
    await testPool().query('UPDATE playlists SET item_count = 100 WHERE id = $1', [playlistId]);
    for (const title of ['Late one', 'Late two']) await addVideoToPlaylist(testPool(), owner.id, playlistId, await createVideo(owner, { title }), 5000);
    const { context, page, problems } = await openPage(b.browser);
    await signInThroughPage(page, b.baseUrl, owner);
    await page.goto(`${b.baseUrl}/playlist/${made.publicId}`);
    await page.getByRole('link', { name: 'Next videos' }).click();
    await page.getByRole('button', { name: 'Reorder video 102, Late two' }).waitFor();
    await page.getByRole('button', { name: 'To top: video 102' }).click();
    await page.locator('[data-reorder-status]', { hasText: 'Late two moved to an earlier page of the playlist.' }).waitFor();
    assert.equal(await page.locator('ol[data-reorder] > li').count(), 1);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('aria-label')), 'Reorder video 101, Late one');
    const first = await testPool().query('SELECT v.title FROM playlist_items i JOIN videos v ON v.id = i.video_id WHERE i.playlist_id = $1 ORDER BY i.position LIMIT 1', [playlistId]);
    assert.equal(first.rows[0].title, 'Late two');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
