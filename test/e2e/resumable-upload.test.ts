import assert from 'node:assert/strict';
import type { Route } from 'playwright-core';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { fixtures } from '../helpers/fixtures.js';

/** Requests the page cuts short (pausing, reloading) are reported by Chromium; they are the point here. */
const EXPECTED = [/net::ERR_(FAILED|ABORTED)/, /Failed to load resource/];

/** Holds the page's first PATCH to /uploads until `release`: the upload is "in the middle" meanwhile. */
function holdFirstPatch() {
  let held: Route | null = null;
  let reached!: () => void;
  const patched = new Promise<void>((resolve) => { reached = resolve; });
  return {
    patched,
    async handler(route: Route) {
      if (route.request().method() !== 'PATCH' || held) return route.continue();
      held = route;
      reached();
    },
    /** The held request never reaches the server: the page gave up on it (pause, reload). */
    drop: () => held?.abort().catch(() => {}),
  };
}

async function creationsBy(userId: number): Promise<number> {
  const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM videos WHERE owner_id = $1`, [userId]);
  return rows[0].n;
}

describe('resumable uploads in a real browser (tus)', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('uploads through /uploads, pauses, resumes and lands on the video', async () => {
    const user = await createUser();
    const { context, page, problems } = await openPage(b.browser, EXPECTED);
    await signInThroughPage(page, b.baseUrl, user);
    await page.goto(`${b.baseUrl}/upload`);
    const hold = holdFirstPatch();
    await page.route('**/uploads/*', (route) => hold.handler(route));
    const posts: string[] = [];
    page.on('request', (r) => { if (r.url().endsWith('/uploads') && r.method() === 'POST') posts.push(r.url()); });

    await page.getByLabel('Video file').setInputFiles(await fixtures.landscape());
    await page.getByLabel('Title').fill('Paused and resumed');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await hold.patched;
    await page.getByRole('button', { name: 'Pause upload' }).click();
    await page.getByRole('status').filter({ hasText: /Paused at/ }).waitFor();
    await hold.drop();
    await page.getByRole('button', { name: 'Resume upload' }).click();
    await page.waitForURL(/\/watch\/[A-Za-z0-9_-]{11}$/, { timeout: 30_000 });
    await page.getByRole('heading', { name: 'Paused and resumed' }).waitFor();
    assert.equal(posts.length, 1, 'one upload, created once');
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });

  it('resumes the same upload after the page is reloaded mid-upload, when the file is chosen again', async () => {
    const user = await createUser();
    const { context, page, problems } = await openPage(b.browser, EXPECTED);
    await signInThroughPage(page, b.baseUrl, user);
    await page.goto(`${b.baseUrl}/upload`);
    const hold = holdFirstPatch();
    await page.route('**/uploads/*', (route) => hold.handler(route));
    const posts: string[] = [];
    page.on('request', (r) => { if (r.url().endsWith('/uploads') && r.method() === 'POST') posts.push(r.url()); });
    const file = await fixtures.landscape();

    await page.getByLabel('Video file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await hold.patched;
    await page.reload();
    await hold.drop();
    const { rows } = await testPool().query('SELECT count(*)::int AS n FROM resumable_uploads WHERE user_id = $1', [user.id]);
    assert.equal(rows[0].n, 1, 'the upload is on the server, waiting');

    await page.getByLabel('Video file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.waitForURL(/\/watch\/[A-Za-z0-9_-]{11}$/, { timeout: 30_000 });
    assert.equal(posts.length, 1, 'resumed, not created again');
    assert.equal(await creationsBy(user.id), 1);
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
