import assert from 'node:assert/strict';
import { createTestApp, useWorker, type TestApp } from '../helpers/app.js';
import { openPage, useBrowser } from '../helpers/browser.js';
import { testPool } from '../helpers/database.js';
import { createUser, uniqueHandle } from '../helpers/factories.js';
import { linkIn, useMailBox } from '../helpers/mail.js';

const PHONE = { viewport: { width: 390, height: 844 } };
const PUBLIC_URL = 'http://127.0.0.1:3000';

describe('in a real browser: forgot password (issue 14, item 6)', function () {
  this.timeout(60_000);
  const mail = useMailBox();
  const t = {} as TestApp;
  before(() => Object.assign(t, createTestApp({ ...mail.env, PUBLIC_URL })));
  useWorker(t);
  const b = useBrowser(() => t.app);

  it('sign-in page → Forgot password → the address → the link in the mail → a new password → signed in with it, on a phone', async () => {
    const user = await createUser({ displayName: 'Forgetful Person', email: `${uniqueHandle('forgot')}@example.test`, confirmedEmail: true });
    // The 422 of the refused new password is expected; anything else (a CSP violation, a script error) is not.
    const { context, page, problems } = await openPage(b.browser, [/status of 422/], PHONE);

    await page.goto(`${b.baseUrl}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL(`${b.baseUrl}/forgot-password`);
    await page.getByLabel('Email address').fill(user.email!);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByText('If an account here has the confirmed address').waitFor();
    assert.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), 'the page fits a 390 px screen');

    const received = await mail.box.waitFor(user.email!);
    const link = linkIn(received, '/reset-password/');
    // The mail links to PUBLIC_URL; the test's server listens on a port of its own.
    assert.equal(link.origin, PUBLIC_URL);
    await page.goto(`${b.baseUrl}${link.pathname}`);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('New password again').fill('short');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    assert.equal(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid'), 'true');

    const newPassword = 'a brand new passphrase 31';
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password again').fill(newPassword);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByRole('heading', { name: 'Your password has been changed' }).waitFor();
    const { rows } = await testPool().query('SELECT used_at FROM email_tokens WHERE user_id = $1 AND purpose = $2', [user.id, 'reset']);
    assert.ok(rows[0].used_at, 'the link is used');

    await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${b.baseUrl}/login`);
    await page.getByLabel('Handle or email').fill(user.email!);
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${b.baseUrl}/`);
    await page.getByLabel('Account menu for Forgetful Person').waitFor();

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
