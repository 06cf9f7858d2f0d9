import assert from 'node:assert/strict';
import path from 'node:path';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { createToken } from '../helpers/api.js';
import { createUser } from '../helpers/factories.js';

// Functions passed to page.evaluate run in the page, where these exist; this file is
// type-checked without the DOM library.
declare const document: { documentElement: { scrollWidth: number } };
declare const navigator: { clipboard: { readText(): Promise<string> } };

describe('access tokens on a phone, in a real browser (issue 15)', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('creates a token at 390 px, shows its secret with a working copy button, and the pages fit the screen', async () => {
    const user = await createUser();
    await createToken(user, ['videos:upload'], { name: `A token with a long name${'x'.repeat(70)}`, kind: 'sharex', expiresAt: new Date(Date.now() - 1000) });
    const { context, page, problems } = await openPage(b.browser, [], { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: b.baseUrl });
    await signInThroughPage(page, b.baseUrl, user);
    await page.goto(`${b.baseUrl}/settings/tokens`);
    await page.getByLabel('Name').fill('phone script');
    const scopes = page.getByRole('group', { name: 'What it may do' });
    await scopes.getByLabel(/Read your profile/).check();
    // Picking a day chooses "On a day of your choosing"; another choice clears the day.
    const expires = page.getByRole('group', { name: 'Expires' });
    await page.getByLabel(/^The day/).fill(`${new Date().getUTCFullYear() + 1}-06-30`);
    assert.equal(await expires.getByLabel('On a day of your choosing', { exact: true }).isChecked(), true);
    await expires.getByLabel('30 days').check();
    assert.equal(await page.getByLabel(/^The day/).inputValue(), '');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('Token', { exact: true }).inputValue();
    assert.match(secret, /^tst_[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    for (const [name, url] of [['tokens', null], ['api', '/api']] as const) {
      if (url) await page.goto(`${b.baseUrl}${url}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `tokens-${name}.png`), fullPage: true });
      assert.ok(width <= 390, `${name}: the page is ${width} px wide`);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('works without scripts: the secret is shown and selectable, no copy button is offered', async () => {
    const user = await createUser();
    const { context, page } = await openPage(b.browser, [], { javaScriptEnabled: false });
    await signInThroughPage(page, b.baseUrl, user);
    await page.goto(`${b.baseUrl}/settings/tokens`);
    await page.getByLabel('Name').fill('no scripts');
    await page.getByLabel(/Upload videos/).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    assert.match(await page.getByLabel('Token', { exact: true }).inputValue(), /^tst_/);
    assert.equal(await page.getByRole('button', { name: 'Copy token' }).count(), 0);
    await context.close();
  });
});
