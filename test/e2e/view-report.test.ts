import assert from 'node:assert/strict';
import { useTestApp } from '../helpers/app.js';
import { openPage, useBrowser } from '../helpers/browser.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

// Functions passed to page.evaluate run in the page, where these exist; this file is
// type-checked without the DOM library.
declare const document: { querySelector(selector: string): { muted: boolean; play(): Promise<void> } };

const SECONDS = 4;

/** The views counted for `videoId`, with where each came from, once the player has reported one. */
async function countedViews(videoId: number): Promise<{ source: string }[]> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await testPool().query<{ source: string }>('SELECT source FROM video_views WHERE video_id = $1', [videoId]);
    if (rows.length > 0) return rows;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}

describe('view reports in a real browser', function () {
  this.timeout(60_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('counts one view once half of a short video has played, on the watch page and in the embedded player', async () => {
    const owner = await createUser();
    const watched = await createVideo(owner, { title: 'Watched here', durationSeconds: SECONDS });
    const embedded = await createVideo(owner, { title: 'Watched elsewhere', durationSeconds: SECONDS });
    await attachRendition(watched, SECONDS);
    await attachRendition(embedded, SECONDS);
    const { context, page, problems } = await openPage(b.browser);

    await page.goto(`${b.baseUrl}/watch/${watched.publicId}`);
    await page.evaluate(() => { const v = document.querySelector('video#player'); v.muted = true; return v.play(); });
    assert.deepEqual(await countedViews(watched.id), [{ source: 'direct' }], 'the watch page, opened directly');

    // The embedded player reports its own address as where the view came from (the server
    // classifies it against PUBLIC_URL, which this test server does not listen on: that is
    // tested in test/routes/studio-stats.test.ts).
    const reports: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/view')) reports.push(r.postData() ?? ''); });
    await page.goto(`${b.baseUrl}/embed/${embedded.publicId}`);
    await page.evaluate(() => { const v = document.querySelector('video#embed-player'); v.muted = true; return v.play(); });
    assert.equal((await countedViews(embedded.id)).length, 1, 'the embedded player');
    assert.equal(reports.length, 1);
    assert.equal(new URLSearchParams(reports[0]).get('referrer'), `${b.baseUrl}/embed/${embedded.publicId}`);

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
