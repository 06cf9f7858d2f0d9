import assert from 'node:assert/strict';
import { findComment, insertComment } from '../../src/db/comments.js';
import { testPool } from '../helpers/database.js';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { createUser, createVideo } from '../helpers/factories.js';

// Runs in the page (this file is type-checked without the DOM library).
declare const window: { unloaded?: boolean };

describe('comments in a real browser: edited and deleted in place', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('edits a comment (shown as edited) and deletes one, one with replies staying as [deleted], without reloading', async () => {
    const owner = await createUser();
    const viewer = await createUser({ displayName: 'Editing viewer' });
    const video = await createVideo(owner, { title: 'A video to edit comments under' });
    const add = async (body: string, parentId: number | null = null) => {
      const parent = parentId === null ? null : await findComment(testPool(), parentId);
      return (await insertComment(testPool(), { videoId: video.id, authorId: viewer.id, body, parent }))!.id;
    };
    const plain = await add('A typo here');
    const answered = await add('A comment with an answer');
    await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'The answer', parent: await findComment(testPool(), answered) });
    const lonely = await add('Nobody answered this');

    const { context, page, problems } = await openPage(b.browser);
    await signInThroughPage(page, b.baseUrl, viewer);
    await page.goto(`${b.baseUrl}/watch/${video.publicId}`);
    await page.evaluate(() => { window.unloaded = false; });
    await page.getByRole('heading', { name: '4 comments' }).waitFor();

    const item = page.locator(`#comment-${plain}`);
    await item.locator('summary', { hasText: 'Edit' }).click();
    await item.getByLabel('Your comment').fill('No typo anymore');
    await item.getByRole('button', { name: 'Save' }).click();
    await item.locator('.comment-text', { hasText: 'No typo anymore' }).waitFor();
    await item.locator('.comment-meta', { hasText: 'edited' }).waitFor();

    // Open the replies in place first: they stay under the root once it is "[deleted]".
    const root = page.locator(`#comment-${answered}`);
    await root.getByRole('link', { name: '1 reply' }).click();
    await root.locator('.replies .comment', { hasText: 'The answer' }).waitFor();
    await root.getByRole('button', { name: 'Delete this comment' }).first().click();
    await root.locator(':scope > p.muted', { hasText: '[deleted]' }).waitFor();
    assert.equal(await root.locator('.replies .comment', { hasText: 'The answer' }).count(), 1);

    await page.locator(`#comment-${lonely}`).getByRole('button', { name: 'Delete this comment' }).click();
    await page.locator(`#comment-${lonely}`).waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: '2 comments' }).waitFor();
    assert.equal(await page.evaluate(() => window.unloaded), false, 'all of it happened without reloading the page');

    const { rows } = await testPool().query('SELECT id, body, edited_at, deleted_at FROM comments WHERE video_id = $1 AND thread_id IS NULL ORDER BY id', [video.id]);
    assert.deepEqual(rows.map((r) => [r.id, r.body, !!r.edited_at, !!r.deleted_at]), [[plain, 'No typo anymore', true, false], [answered, '', false, true]]);
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
