import assert from 'node:assert/strict';
import path from 'node:path';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

// Functions passed to page.waitForFunction and page.evaluate run in the page, where these exist;
// this file is type-checked without the DOM library.
interface Track { kind: string; mode: string; label: string; cues: { length: number } | null }
declare const document: { querySelector(selector: string): { textTracks: ArrayLike<Track>; readyState: number } };

const SECONDS = 60;
const CAPTIONS = 'WEBVTT\n\n00:00:00.000 --> 00:00:59.000\nHello from the captions\n';

describe('the studio in a real browser: details, captions and chapters reach the player', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('edits a title, uploads a caption, turns it on in the player and sees a chapter on the seek bar', async () => {
    const owner = await createUser();
    const video = await createVideo(owner, { title: 'Before the edit', durationSeconds: SECONDS });
    await attachRendition(video, SECONDS);
    const { context, page, problems } = await openPage(b.browser);
    await signInThroughPage(page, b.baseUrl, owner);

    // Details: a new title, and a description whose timestamps make three chapters.
    await page.goto(`${b.baseUrl}/studio`);
    await page.goto(`${b.baseUrl}/studio/videos/${video.publicId}`);
    await page.getByLabel('Title').fill('After the edit');
    await page.getByLabel('Description').fill('Chapters:\n0:00 Opening\n0:20 The middle part\n0:40 Closing words');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').or(page.getByRole('alert')).first().waitFor();

    // Captions: an English WebVTT file through the upload form.
    await page.getByRole('link', { name: 'Captions' }).click();
    await page.getByLabel('Caption file').setInputFiles({ name: 'english.vtt', mimeType: 'text/vtt', buffer: Buffer.from(CAPTIONS) });
    await page.getByRole('textbox', { name: 'Language' }).fill('en');
    await page.getByRole('textbox', { name: 'Label' }).fill('English');
    await page.getByRole('button', { name: 'Upload captions' }).click();
    await page.getByRole('row', { name: /English/ }).waitFor();

    // The watch page: the new title, the captions menu, and the chapters on the seek bar.
    await page.goto(`${b.baseUrl}/watch/${video.publicId}`);
    await page.getByRole('heading', { name: 'After the edit' }).waitFor();
    await page.waitForFunction(() => document.querySelector('video#player').readyState >= 1);
    const captions = page.getByLabel('Captions', { exact: true });
    await captions.selectOption({ label: 'English' });
    await page.waitForFunction(() => Array.from(document.querySelector('video#player').textTracks).some((t) => t.kind === 'subtitles' && t.mode === 'showing'));
    await page.locator('.seek-chapter-mark').nth(1).waitFor({ state: 'attached' });
    assert.equal(await page.locator('.seek-chapter-mark').count(), 2, 'two boundaries between three chapters');
    // The preview names the chapter under the pointer.
    const seek = (await page.getByRole('slider', { name: 'Seek' }).boundingBox())!;
    await page.mouse.move(seek.x + seek.width / 2, seek.y + seek.height / 2);
    await page.locator('.seek-preview-chapter', { hasText: 'The middle part' }).waitFor();
    if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, 'studio-editing.png') });
    // The choice is remembered for the next video.
    assert.equal(await page.evaluate(() => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('tubestead.captions')), 'en');

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
    await context.close();
  });
});
