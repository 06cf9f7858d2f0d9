import assert from 'node:assert/strict';
import { useTestApp } from '../helpers/app.js';
import { openPage, signInThroughPage, useBrowser } from '../helpers/browser.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

// Runs in the page, where the DOM exists; this file is type-checked without the DOM library.
interface PageTrack { language: string; label: string; mode: string; cues: { length: number; [i: number]: { text: string; startTime: number } } | null }
declare const document: { querySelector(selector: string): { textTracks: { length: number; [i: number]: PageTrack } } };

/**
 * The captions a creator uploads in the studio reach a real browser's <video> through plain
 * <track> elements: Chromium reads the served WebVTT (an SRT upload converted on the server)
 * and finds its cues, with no console or CSP error, on the watch page and the embed page.
 */
describe('captions in a real browser', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const b = useBrowser(() => t.app);

  it('uploads an SRT file in the studio, then the watch and embed players have its cues', async () => {
    const user = await createUser();
    const video = await createVideo(user, { title: 'Spoken words' });
    await attachRendition(video);
    const { context, page, problems } = await openPage(b.browser);
    await signInThroughPage(page, b.baseUrl, user);

    await page.goto(`${b.baseUrl}/studio/videos/${video.publicId}/captions`);
    await page.getByLabel('Caption file').setInputFiles({ name: 'talk.srt', mimeType: 'application/x-subrip', buffer: Buffer.from('1\r\n00:00:00,000 --> 00:00:00,900\r\n<i>Hello</i> & welcome\r\n') });
    await page.getByLabel('Language', { exact: true }).fill('en-GB');
    await page.getByLabel('Label', { exact: true }).fill('English (UK)');
    await page.getByRole('button', { name: 'Upload captions' }).click();
    await page.getByText('Captions in British English (en-GB) have been added (converted from SRT to WebVTT).').waitFor();

    for (const path of [`/watch/${video.publicId}`, `/embed/${video.publicId}`]) {
      await page.goto(`${b.baseUrl}${path}`);
      const track = await page.evaluate(() => {
        const t0 = document.querySelector('video').textTracks[0]!;
        return { language: t0.language, label: t0.label, mode: t0.mode };
      });
      assert.deepEqual(track, { language: 'en-GB', label: 'English (UK)', mode: 'disabled' }, `${path}: offered, not shown by default`);
      // What a CC menu does: show the track; the browser then fetches and parses the file.
      await page.evaluate(() => { document.querySelector('video').textTracks[0]!.mode = 'showing'; });
      await page.waitForFunction(() => (document.querySelector('video').textTracks[0]!.cues?.length ?? 0) > 0, undefined, { timeout: 20_000 });
      const cue = await page.evaluate(() => { const c = document.querySelector('video').textTracks[0]!.cues![0]!; return { text: c.text, startTime: c.startTime }; });
      assert.deepEqual(cue, { text: '<i>Hello</i> &amp; welcome', startTime: 0 }, path);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
});
