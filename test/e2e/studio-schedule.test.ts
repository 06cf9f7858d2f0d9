import assert from 'node:assert/strict';
import path from 'node:path';
import { useTestApp } from '../helpers/app.js';
import { signInThroughPage, useBrowser } from '../helpers/browser.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

describe('in a real browser: scheduling in the creator’s time zone', function () {
  this.timeout(60_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('shows the stored time on the Paris clock, sends the zone, and stores what was typed in UTC', async () => {
    const owner = await createUser();
    // A winter date (Paris is UTC+1) within the coming year, whatever the day the test runs:
    // 20 December, or 20 January once December's is too close.
    const thisYear = new Date().getUTCFullYear();
    const day = Date.now() < Date.UTC(thisYear, 11, 10) ? `${thisYear}-12-20` : `${thisYear + 1}-01-20`;
    const stored = new Date(`${day}T17:45:00Z`);
    const video = await createVideo(owner, { title: 'Premiere in Paris', visibility: 'scheduled', publishAt: stored });
    const context = await b.browser.newContext({ timezoneId: 'Europe/Paris', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    try {
      await signInThroughPage(page, b.baseUrl, owner);
      await page.goto(`${b.baseUrl}/studio/videos/${video.publicId}`);
      assert.equal(await page.getByLabel('Date').inputValue(), day);
      assert.equal(await page.getByLabel('Time').inputValue(), '18:45');
      assert.match(await page.getByText(/Times are in/).textContent() ?? '', /your time zone \(Europe\/Paris\)/);
      if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'studio-edit.png'), fullPage: true });
      // Nothing sticks out of a phone's width.
      assert.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), 'no sideways scrolling at 390 px');

      await page.getByLabel('Time').fill('09:30');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Your changes are saved.').waitFor();
      const { rows } = await testPool().query('SELECT publish_at FROM videos WHERE id = $1', [video.id]);
      assert.equal(rows[0].publish_at.toISOString(), `${day}T08:30:00.000Z`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
