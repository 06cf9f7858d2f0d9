import assert from 'node:assert/strict';
import path from 'node:path';
import { findComment, insertComment } from '../../src/db/comments.js';
import { testPool } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

// Functions passed to page.waitForFunction and page.evaluate run in the page, where these exist;
// this file is type-checked without the DOM library.
declare const document: { querySelector(selector: string): { currentTime: number; readyState: number } };
declare const window: { unloaded?: boolean };

const SECONDS = 90;

describe('comments in a real browser: posted, answered and liked in place, and a marker on the seek bar', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('posts "1:05 great moment", replies, likes it, and its seek-bar marker seeks to 65 s', async () => {
    const owner = await createUser();
    const viewer = await createUser({ displayName: 'Commenting viewer' });
    const video = await createVideo(owner, { title: 'A video to talk about', durationSeconds: SECONDS });
    await attachRendition(video, SECONDS);
    const { context, page, problems } = await openPage(b.browser);
    await signInThroughPage(page, b.baseUrl, viewer);
    await page.goto(`${b.baseUrl}/watch/${video.publicId}`);
    await page.waitForFunction(() => document.querySelector('video#player').readyState >= 1);
    // A flag on the window survives only as long as the page is not reloaded.
    await page.evaluate(() => { window.unloaded = false; });

    await page.getByLabel('Add a comment').fill('1:05 great moment');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    const comment = page.locator('.comment', { hasText: 'great moment' }).first();
    await comment.waitFor();
    await page.getByRole('heading', { name: '1 comment' }).waitFor();

    await comment.locator('summary', { hasText: 'Reply' }).click();
    await comment.getByLabel('Your reply').fill('Agreed, the best part');
    await comment.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('.replies .comment', { hasText: 'Agreed, the best part' }).waitFor();

    await comment.getByRole('button', { name: 'Like this comment' }).first().click();
    await comment.locator('.comment-likes', { hasText: '1 like' }).first().waitFor();
    assert.equal(await comment.getByRole('button', { name: 'Like this comment' }).first().getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => window.unloaded), false, 'all of it happened without reloading the page');

    // Reloaded: the comment's timestamp is a marker on the seek bar; hover shows it, a click seeks.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('video#player').readyState >= 1);
    const marker = page.locator('.seek-comment-mark');
    await marker.waitFor();
    assert.equal(await marker.count(), 1, 'one timecoded comment, one marker');
    await marker.hover();
    await page.locator('.seek-comment-tip', { hasText: '1:05 great moment' }).waitFor();
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'comments-marker.png') });
    await marker.click();
    await page.waitForFunction(() => Math.abs(document.querySelector('video#player').currentTime - 65) < 1);
    // Stored: the reply and the like are there after the reload too.
    await page.getByRole('link', { name: '1 reply' }).waitFor();
    await page.locator('.comment-likes', { hasText: '1 like' }).first().waitFor();

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });

  it('loads "More comments", "N replies" and "More replies" in place, and marks only timestamps within the video', async () => {
    const owner = await createUser();
    const video = await createVideo(owner, { durationSeconds: SECONDS });
    await attachRendition(video, SECONDS);
    const add = async (body: string, parentId: number | null = null) => {
      const parent = parentId === null ? null : await findComment(testPool(), parentId);
      return (await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body, parent }))!.id;
    };
    // The oldest root, with 11 replies, lands on the second page of roots.
    const oldest = await add('The oldest comment');
    for (let i = 1; i <= 11; i += 1) await add(`Reply number ${i}`, oldest);
    for (let i = 1; i <= 18; i += 1) await add(`Root number ${i}`);
    await add('0:30 marked here');
    await add('2:00 past the end of the video');

    const { context, page, problems } = await openPage(b.browser);
    await page.goto(`${b.baseUrl}/watch/${video.publicId}`);
    await page.waitForFunction(() => document.querySelector('video#player').readyState >= 1);
    await page.evaluate(() => { window.unloaded = false; });
    await page.locator('.seek-comment-mark').waitFor({ state: 'attached' });
    assert.equal(await page.locator('.seek-comment-mark').count(), 1, 'a timestamp past the end makes no marker');
    assert.equal(await page.locator('.comment').count(), 20);

    await page.getByRole('link', { name: 'More comments' }).click();
    const oldestItem = page.locator(`#comment-${oldest}`);
    await oldestItem.waitFor();
    assert.equal(await page.getByRole('link', { name: 'More comments' }).count(), 0, 'no third page');
    await oldestItem.getByRole('link', { name: '11 replies' }).click();
    await page.locator('.replies .comment', { hasText: 'Reply number 10' }).waitFor();
    assert.equal(await page.locator('.replies .comment').count(), 10);
    await page.getByRole('link', { name: 'More replies' }).click();
    await page.locator('.replies .comment', { hasText: 'Reply number 11' }).waitFor();
    assert.equal(await page.locator('.comment').count(), 21 + 11, 'every comment once');
    assert.equal(await page.getByRole('link', { name: 'More replies' }).count(), 0);
    assert.equal(await page.evaluate(() => window.unloaded), false, 'all of it happened without reloading the page');

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });

  it('lets the creator pin an older comment, which then comes first, and heart it', async () => {
    const owner = await createUser({ displayName: 'The creator' });
    const viewer = await createUser();
    const video = await createVideo(owner, { durationSeconds: SECONDS });
    await attachRendition(video, SECONDS);
    const first = (await insertComment(testPool(), { videoId: video.id, authorId: viewer.id, body: 'The first word on it', parent: null }))!.id;
    for (let i = 1; i <= 3; i += 1) await insertComment(testPool(), { videoId: video.id, authorId: viewer.id, body: `Later comment ${i}`, parent: null });

    const { context, page, problems } = await openPage(b.browser);
    await signInThroughPage(page, b.baseUrl, owner);
    await page.goto(`${b.baseUrl}/watch/${video.publicId}`);
    const item = page.locator(`#comment-${first}`);
    await item.getByRole('button', { name: 'Pin this comment' }).click();
    await item.locator('.comment-pinned', { hasText: 'Pinned by the creator' }).waitFor();
    assert.equal(await page.locator('.comment-list > .comment').first().getAttribute('id'), `comment-${first}`, 'the pinned comment comes first');
    await item.getByRole('button', { name: 'Heart this comment' }).click();
    await page.locator(`#comment-${first} .comment-hearted`).waitFor();

    // A visitor sees the same: pinned first, hearted, and the pin is not repeated further down.
    const visitor = await openPage(b.browser);
    await visitor.page.goto(`${b.baseUrl}/watch/${video.publicId}`);
    assert.equal(await visitor.page.locator('.comment-list > .comment').first().getAttribute('id'), `comment-${first}`);
    assert.equal(await visitor.page.locator(`#comment-${first}`).count(), 1);
    await visitor.page.locator(`#comment-${first} .comment-hearted`).waitFor();
    assert.equal(await visitor.page.getByRole('button', { name: 'Pin this comment' }).count(), 0, 'no curating buttons for a visitor');

    assert.deepEqual([...problems, ...visitor.problems], [], 'no console errors or CSP violations');
    await visitor.context.close();
    await context.close();
  });
});
