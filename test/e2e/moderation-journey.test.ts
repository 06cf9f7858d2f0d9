import assert from 'node:assert/strict';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

describe('in a real browser: report → take-down → appeal → restore (issue 13, items 1 and 3)', function () {
  this.timeout(90_000);
  const t = useTestApp({ PUBLIC_URL: 'http://127.0.0.1:3000' });
  const b = useBrowser(() => t.app);

  it('a report is handled by a take-down, the owner appeals once, another moderator restores the video for everyone', async () => {
    const owner = await createUser({ displayName: 'Film Owner' });
    const reporter = await createUser();
    const taker = await createUser({ roles: ['moderator'] });
    const decider = await createUser({ roles: ['moderator'] });
    const video = await createVideo(owner, { title: 'Journey clip' });
    await attachRendition(video);
    const watch = `${b.baseUrl}/watch/${video.publicId}`;

    // The home page (after signing in) and the watch page list videos of the shared test
    // database, some with thumbnails other tests recorded without files (404): not this
    // journey's business.
    const missingPictures = [/status of 404/];
    // The reporter reports it.
    const rep = await openPage(b.browser, missingPictures);
    await signInThroughPage(rep.page, b.baseUrl, reporter);
    await rep.page.goto(watch);
    await rep.page.getByRole('link', { name: 'Report' }).click();
    await rep.page.getByLabel('Copyright infringement').check();
    await rep.page.getByLabel('Tell the moderators more').fill('This is my film.');
    await rep.page.getByRole('button', { name: 'Send report' }).click();
    await rep.page.waitForURL(watch);
    assert.deepEqual(rep.problems, []);

    // A moderator takes it down from the watch page.
    const mod = await openPage(b.browser, missingPictures);
    await signInThroughPage(mod.page, b.baseUrl, taker);
    await mod.page.goto(watch);
    await mod.page.getByRole('link', { name: 'Take down' }).click();
    await mod.page.getByLabel('Reason').selectOption('copyright');
    await mod.page.getByLabel('Policy, shown to the owner').fill('Rule 4: only films you own.');
    await mod.page.getByLabel('Note for moderators').fill('Reported by the rights holder.');
    await mod.page.getByRole('button', { name: 'Take down' }).click();
    await mod.page.getByRole('heading', { name: 'Taken down' }).waitFor();
    assert.match((await mod.page.locator('main').textContent()) ?? '', /the reports about it are handled/);

    // Gone for a visitor.
    const visitor = await openPage(b.browser, [/status of 404/]);
    assert.equal((await visitor.page.goto(watch))!.status(), 404);

    // The reporter sees the report handled.
    await rep.page.goto(`${b.baseUrl}/settings/reports`);
    assert.match((await rep.page.locator('main').textContent()) ?? '', /moderator acted/i);
    await rep.context.close();

    // The owner reads why in the studio and appeals once.
    const own = await openPage(b.browser, [/status of 409/, ...missingPictures]);
    await signInThroughPage(own.page, b.baseUrl, owner);
    await own.page.goto(`${b.baseUrl}/studio`);
    await own.page.getByText('Taken down', { exact: true }).waitFor();
    await own.page.getByRole('link', { name: 'Journey clip' }).first().click();
    const notice = (await own.page.locator('main').textContent()) ?? '';
    assert.match(notice, /Rule 4: only films you own\./);
    assert.doesNotMatch(notice, /rights holder/);
    await own.page.getByRole('link', { name: 'Appeal' }).click();
    await own.page.getByLabel('Why should the video come back?').fill('I hold the licence; it is in the description.');
    await own.page.getByRole('button', { name: 'Send the appeal' }).click();
    await own.page.waitForURL(`${b.baseUrl}/studio/videos/${video.publicId}`);
    await own.page.goto(`${b.baseUrl}/studio/videos/${video.publicId}/appeal`);
    await own.page.getByRole('heading', { name: 'Your appeal' }).waitFor();
    assert.equal(await own.page.getByRole('button', { name: 'Send the appeal' }).count(), 0, 'no second appeal offered');

    // The moderator who took it down may not decide.
    await mod.page.goto(`${b.baseUrl}/admin/appeals`);
    await mod.page.getByRole('link', { name: 'Journey clip' }).click();
    await mod.page.getByText('another moderator decides its appeal').waitFor();
    assert.equal(await mod.page.getByRole('button', { name: 'Decide' }).count(), 0);
    assert.deepEqual(mod.problems, []);
    await mod.context.close();

    // Another moderator restores it.
    const dec = await openPage(b.browser, missingPictures);
    await signInThroughPage(dec.page, b.baseUrl, decider);
    await dec.page.goto(`${b.baseUrl}/admin/appeals`);
    await dec.page.getByRole('link', { name: 'Journey clip' }).click();
    await dec.page.getByLabel('Restore: the video comes back everywhere').check();
    await dec.page.getByLabel('Message to the owner').fill('The licence checks out.');
    await dec.page.getByRole('button', { name: 'Decide' }).click();
    await dec.page.getByRole('heading', { name: 'Decided: restored' }).waitFor();
    assert.deepEqual(dec.problems, []);
    await dec.context.close();

    // Back for everyone.
    assert.equal((await visitor.page.goto(watch))!.status(), 200);
    await visitor.page.getByRole('heading', { name: 'Journey clip' }).waitFor();
    await visitor.context.close();
    await own.page.goto(`${b.baseUrl}/studio`);
    assert.equal(await own.page.getByText('Taken down', { exact: true }).count(), 0);
    assert.deepEqual(own.problems, []);
    await own.context.close();
  });
});
