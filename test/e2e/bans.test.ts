import assert from 'node:assert/strict';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { createUser, createVideo } from '../helpers/factories.js';

const PHONE = { viewport: { width: 390, height: 844 } };

describe('in a real browser: a ban (issue 13, item 4)', function () {
  this.timeout(60_000);
  const t = useTestApp({ PUBLIC_URL: 'http://127.0.0.1:3000' });
  const b = useBrowser(() => t.app);

  it('a moderator bans from the channel page on a phone; the banned person signs in to the notice, and can only sign out', async () => {
    const moderator = await createUser({ roles: ['moderator'] });
    const target = await createUser({ displayName: 'Spammy Person' });
    await createVideo(target, { title: 'Buy now' });

    // 403: the ban notice, answered to every page the banned person opens.
    const mod = await openPage(b.browser, [/status of 403/], PHONE);
    await signInThroughPage(mod.page, b.baseUrl, moderator);
    await mod.page.goto(`${b.baseUrl}/@${target.handle}`);
    await mod.page.getByRole('link', { name: 'Ban…' }).click();
    await mod.page.waitForURL(`${b.baseUrl}/admin/users/${target.handle}/ban`);
    await mod.page.getByLabel('Reason').selectOption('spam');
    await mod.page.getByLabel('Note for the audit log').fill('Links to a shop under every video');
    await mod.page.getByLabel('Date').fill('2030-06-01');
    await mod.page.getByLabel('Time (UTC)').fill('09:30');
    assert.ok(await mod.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), 'the ban form fits a 390 px screen');
    await mod.page.getByRole('button', { name: 'Ban', exact: true }).click();
    await mod.page.waitForURL(`${b.baseUrl}/admin/users/${target.handle}/ban`);
    await mod.page.getByRole('button', { name: 'Lift the ban' }).waitFor();
    assert.match(await mod.page.locator('main').textContent() ?? '', /is banned until 2030-06-01 09:30 UTC/);
    await mod.page.screenshot({ path: '/tmp/ban-page.png', fullPage: true });
    assert.deepEqual(mod.problems, []);
    await mod.context.close();

    const banned = await openPage(b.browser, [/status of 403/], PHONE);
    await banned.page.goto(`${b.baseUrl}/login`);
    await banned.page.getByLabel('Handle or email').fill(target.handle);
    await banned.page.getByLabel('Password').fill(target.password);
    await banned.page.getByRole('button', { name: 'Sign in' }).click();
    await banned.page.getByRole('heading', { name: 'Your account is suspended' }).waitFor();
    const notice = (await banned.page.locator('main').textContent()) ?? '';
    assert.match(notice, /Spam or misleading/);
    assert.match(notice, /2030/);
    assert.doesNotMatch(notice, /Links to a shop/);
    assert.ok(await banned.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), 'the notice fits a 390 px screen');
    await banned.page.screenshot({ path: '/tmp/ban-notice.png', fullPage: true });
    await banned.page.goto(`${b.baseUrl}/studio`);
    await banned.page.getByRole('heading', { name: 'Your account is suspended' }).waitFor();
    await banned.page.locator('main').getByRole('button', { name: 'Sign out' }).click();
    await banned.page.waitForURL(`${b.baseUrl}/`);
    await banned.page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' }).waitFor();
    assert.deepEqual(banned.problems, []);
    await banned.context.close();
  });
});
