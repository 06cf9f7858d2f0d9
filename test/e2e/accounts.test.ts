import assert from 'node:assert/strict';
import path from 'node:path';
import { useTestApp } from '../helpers/app.js';
import { openPage, useBrowser } from '../helpers/browser.js';
import { uniqueHandle, DEFAULT_PASSWORD } from '../helpers/factories.js';

describe('in a real browser', function () {
  this.timeout(60_000);
  const t = useTestApp({ PUBLIC_URL: 'http://127.0.0.1:3000' });
  const b = useBrowser(() => t.app);

  it('signs up, signs out and signs in through the real pages', async () => {
    // The 422 of the refused form is expected; anything else (a CSP violation, a script error, a missing file) is not.
    const { context, page, problems } = await openPage(b.browser, [/status of 422/]);
    const handle = uniqueHandle('e2e');

    await page.goto(`${b.baseUrl}/`);
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Display name').fill('Browser Person');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    // The form comes back with the error tied to the field and the typed values kept.
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Handle').inputValue(), handle);

    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${b.baseUrl}/@${handle}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Browser Person');
    await page.getByText('Welcome to Tubestead, Browser Person!').waitFor();
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'channel.png'), fullPage: true });

    await page.getByLabel('Account menu for Browser Person').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${b.baseUrl}/`);
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Handle or email').fill(handle);
    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${b.baseUrl}/`);
    await page.getByLabel('Account menu for Browser Person').waitFor();

    // Keyboard: the menu opens with Enter and closes with Escape (public/js/menu.js).
    await page.getByLabel('Account menu for Browser Person').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('details.menu').getAttribute('open'), '');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('details.menu').getAttribute('open'), null);

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
