import assert from 'node:assert/strict';
import path from 'node:path';
import { PROCESS_VIDEO } from '../../src/jobs/queue.js';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { testPool, testQueue } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

// Functions passed to page.evaluate run in the page, where this exists; this file is
// type-checked without the DOM library.
declare const document: { documentElement: { scrollWidth: number } };

describe('the administration pages on a phone, in a real browser', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('fit a 390 px screen without sideways scrolling of the page, and the tabs lead from one to the next by keyboard', async () => {
    const admin = await createUser({ roles: ['admin'] });
    const owner = await createUser();
    const failed = await createVideo(owner, { status: 'failed', title: 'A failed upload with a rather long title to wrap' });
    const waiting = await createVideo(owner, { status: 'uploaded' });
    const id = (await testQueue().boss.send(PROCESS_VIDEO, { videoId: waiting.id }))!;
    await testPool().query(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE name = $1 AND id = $2`, [PROCESS_VIDEO, id]);
    await testQueue().boss.fail(PROCESS_VIDEO, id, new Error('ffmpeg failed: exited with code 1 (a very long line of ffmpeg output that goes on and on without any break at all in it whatsoever | Conversion failed!)'));
    await testPool().query(
      `INSERT INTO audit_log (actor_id, action, target_kind, target_id, subject_user_id, reason, note, before, after)
       VALUES ($1, 'job.retry', 'video', $2, $3, 'other', 'A note', $4, '{"status":"uploaded"}')`,
      [admin.id, failed.id, owner.id, JSON.stringify({ status: 'failed', failureReason: 'x'.repeat(250) })],
    );
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await signInThroughPage(page, b.baseUrl, admin);
    // A comment held for a watched word (issue 13, item 9), long and without a break, and the upload limits form.
    await testPool().query(`INSERT INTO comments (video_id, author_id, body, held, held_reason) VALUES ($1, $2, $3, true, 'watched-word')`, [failed.id, owner.id, `scam ${'y'.repeat(300)}`]);
    for (const [name, url] of [['dashboard', '/admin'], ['audit', '/admin/audit'], ['jobs', '/admin/jobs'], ['held-comments', '/admin/comments/held'], ['user-limits', `/admin/users/${owner.handle}/limits`], ['settings', '/admin/settings'], ['about', '/about']] as const) {
      await page.goto(`${b.baseUrl}${url}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `admin-${name}.png`), fullPage: true });
      assert.ok(width <= 390, `${url}: the page is ${width} px wide`);
    }
    // From the audit log's tab to the Jobs tab with the keyboard alone.
    await page.goto(`${b.baseUrl}/admin/audit`);
    const nav = page.getByRole('navigation', { name: 'Administration' });
    await nav.getByRole('link', { name: 'Audit log' }).focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${b.baseUrl}/admin/jobs`);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
