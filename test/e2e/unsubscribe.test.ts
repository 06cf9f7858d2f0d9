import assert from 'node:assert/strict';
import { unsubscribeToken } from '../../src/notifications/unsubscribe-tokens.js';
import { TEST_SESSION_SECRET, useTestApp } from '../helpers/app.js';
import { openPage, useBrowser } from '../helpers/browser.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

describe('unsubscribing from notification mail in a real browser', function () {
  this.timeout(60_000);
  const t = useTestApp({ PUBLIC_URL: 'http://127.0.0.1:3000' });
  const b = useBrowser(() => t.app);

  it('opens the link signed out, at phone width, asks, and stops the mail with the button (no script, no CSRF token)', async () => {
    const user = await createUser();
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 390, height: 844 } });
    await page.goto(`${b.baseUrl}/unsubscribe/${unsubscribeToken(TEST_SESSION_SECRET, user.id, 'mention')}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Stop mail about “Mention of me in a comment”?');
    assert.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), 'the page fits a 390 px screen');
    const { rows: before } = await testPool().query('SELECT count(*)::int AS n FROM notification_preferences WHERE user_id = $1', [user.id]);
    assert.equal(before[0].n, 0, 'opening the page changed nothing');
    await page.getByRole('button', { name: 'Stop this mail' }).click();
    await page.getByRole('heading', { name: 'Mail stopped' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'notification settings' }).getAttribute('href'), '/settings/notifications');
    const { rows } = await testPool().query('SELECT kind, in_site, by_email FROM notification_preferences WHERE user_id = $1', [user.id]);
    assert.deepEqual(rows, [{ kind: 'mention', in_site: true, by_email: false }]);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
