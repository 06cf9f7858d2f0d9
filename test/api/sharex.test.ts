import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { useTestApp, useWorker, runDataDir } from '../helpers/app.js';
import { csrfFrom, signedInAgent, tokenFor } from '../helpers/agent.js';
import { assertProblem, documented } from '../helpers/api.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { fixture, textFixture } from '../helpers/fixtures.js';
import { waitForProcessing } from '../helpers/videos.js';
import { redactUrl } from '../../src/http/logging.js';
import { insertDeletionKey } from '../../src/db/video-deletion-keys.js';
import { newDeletionKey } from '../../src/uploads/deletion-keys.js';

interface Sxcu {
  Version: string; Name: string; DestinationType: string; RequestMethod: string; RequestURL: string;
  Headers: Record<string, string>; Body: string; FileFormName: string;
  URL: string; ThumbnailURL: string; DeletionURL: string; ErrorMessage: string;
}

/**
 * ShareX's `{json:path}` placeholders resolved against a JSON answer, as ShareX does:
 * a dotted path, with [n] for array items. An unknown path gives ''.
 */
function resolvePlaceholders(template: string, body: unknown): string {
  return template.replace(/\{json:([^}]+)\}/g, (_all, jsonPath: string) => {
    let value: unknown = body;
    for (const part of jsonPath.split(/\.|\[(\d+)\]/).filter(Boolean)) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    return value === undefined || value === null ? '' : String(value);
  });
}

/** The path and query of an absolute address of this site, for supertest. */
const local = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

describe('ShareX (issue 15): the uploader file, and an upload made exactly as ShareX makes it', function () {
  this.timeout(120_000);
  const t = useTestApp();
  useWorker(t);

  async function downloadUploader(user: { handle: string; password: string }) {
    const agent = await signedInAgent(t.app, user);
    const res = await agent.post('/settings/tokens/sharex').type('form').send({ _csrf: await tokenFor(agent, '/settings/tokens') });
    return { agent, res };
  }

  /** The request a ShareX custom uploader makes for `file` (only what the .sxcu says). */
  function sendAsShareX(sxcu: Sxcu, file: string) {
    assert.equal(sxcu.RequestMethod, 'POST');
    assert.equal(sxcu.Body, 'MultipartFormData');
    let req = supertest(t.app).post(local(sxcu.RequestURL));
    for (const [name, value] of Object.entries(sxcu.Headers)) req = req.set(name, value);
    return req.attach(sxcu.FileFormName, file, path.basename(file));
  }

  it('downloads a .sxcu file holding a new upload-only ShareX token, not cached', async () => {
    const user = await createUser();
    const { agent, res } = await downloadUploader(user);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-disposition'], `attachment; filename="${t.config.siteName}.sxcu"`);
    assert.match(String(res.headers['cache-control']), /no-store/);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const sxcu = JSON.parse(res.text) as Sxcu;
    assert.equal(sxcu.Name, t.config.siteName);
    assert.equal(sxcu.DestinationType, 'FileUploader');
    assert.equal(sxcu.RequestURL, new URL('/api/v1/uploads', t.config.publicUrl).href);
    assert.match(sxcu.Headers.Authorization!, /^Bearer tst_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([sxcu.FileFormName, sxcu.URL, sxcu.ThumbnailURL, sxcu.DeletionURL, sxcu.ErrorMessage], ['file', '{json:url}', '{json:thumbnail_url}', '{json:deletion_url}', '{json:detail}']);
    const { rows } = await testPool().query('SELECT name, scopes, kind FROM api_tokens WHERE user_id = $1', [user.id]);
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0].scopes, ['videos:upload']);
    assert.equal(rows[0].kind, 'sharex');
    assert.match(rows[0].name, /^ShareX \(\d{4}-\d{2}-\d{2}\)$/);
    const page = (await agent.get('/settings/tokens')).text;
    assert.match(page, /ShareX \(\d{4}-\d{2}-\d{2}\) <span class="badge">ShareX<\/span>/);
    assert.ok(!page.includes(sxcu.Headers.Authorization!.slice(7)), 'the settings page never shows the secret');
  });

  it('uploads a video from the .sxcu, and its url, thumbnail and deletion links work (deletion without a session)', async () => {
    const user = await createUser();
    const { agent, res } = await downloadUploader(user);
    const sxcu = JSON.parse(res.text) as Sxcu;
    const video = await fixture('sharex-clip', { width: 160, height: 90, seconds: 1, codec: 'h264' });

    const answer = documented(await sendAsShareX(sxcu, video));
    assert.equal(answer.status, 201, answer.text);
    const url = resolvePlaceholders(sxcu.URL, answer.body);
    const thumbnail = resolvePlaceholders(sxcu.ThumbnailURL, answer.body);
    const deletion = resolvePlaceholders(sxcu.DeletionURL, answer.body);
    const publicId = answer.body.id as string;
    assert.equal(url, new URL(`/watch/${publicId}`, t.config.publicUrl).href);
    assert.equal(answer.headers.location, url);
    assert.match(deletion, new RegExp(`/delete/${publicId}/[A-Za-z0-9_-]{43}$`));

    // Unlisted, titled after the file; the upload counts as the token's use.
    const { rows } = await testPool().query('SELECT id, title, visibility, owner_id FROM videos WHERE public_id = $1', [publicId]);
    assert.deepEqual({ title: rows[0].title, visibility: rows[0].visibility, owner: Number(rows[0].owner_id) }, { title: 'sharex-clip', visibility: 'unlisted', owner: user.id });
    assert.match((await agent.get('/settings/tokens')).text, /Last used<\/dt><dd><time/);

    // Before processing: the thumbnail address shows a placeholder to the owner.
    const early = await agent.get(local(thumbnail));
    assert.equal(early.status, 302);
    assert.match(String(early.headers.location), /icons\/video/);
    assert.equal((await waitForProcessing(publicId)).status, 'ready');
    // Once ready, anyone with the links sees the video and its thumbnail.
    assert.equal((await supertest(t.app).get(local(url))).status, 200);
    const later = await supertest(t.app).get(local(thumbnail));
    assert.equal(later.status, 302);
    assert.match(String(later.headers.location), new RegExp(`^/media/videos/${publicId}/[^/]+\\.jpg$`));
    const picture = await supertest(t.app).get(String(later.headers.location));
    assert.equal(picture.status, 200);
    assert.equal(picture.headers['content-type'], 'image/jpeg');

    // The deletion link, opened in a browser that is signed in nowhere: it asks, the button deletes.
    const visitor = supertest.agent(t.app);
    const question = await visitor.get(local(deletion));
    assert.equal(question.status, 200);
    assert.equal(question.headers['referrer-policy'], 'no-referrer');
    assert.match(String(question.headers['cache-control']), /no-store/);
    assert.match(question.text, /Delete “sharex-clip”\?/);
    const done = await visitor.post(local(deletion)).type('form').send({ _csrf: csrfFrom(question.text) });
    assert.equal(done.status, 200);
    assert.match(done.text, /has been deleted/);
    assert.equal((await testPool().query('SELECT 1 FROM videos WHERE public_id = $1', [publicId])).rowCount, 0);
    assert.equal((await testPool().query('SELECT 1 FROM video_deletion_keys WHERE video_id = $1', [rows[0].id])).rowCount, 0);
    assert.ok(!fs.existsSync(path.join(runDataDir(), 'media', 'videos', publicId)), 'its files are gone');
    assert.equal((await supertest(t.app).get(local(url))).status, 404);
    assert.equal((await visitor.get(local(deletion))).status, 404);
  });

  it('shows a refused upload as ShareX does: ErrorMessage resolved against the problem details', async () => {
    const user = await createUser();
    const sxcu = JSON.parse((await downloadUploader(user)).res.text) as Sxcu;
    const answer = documented(await sendAsShareX(sxcu, textFixture('not-a-video.mp4', 'This is text, not a video.\n'.repeat(50))));
    assertProblem(answer, 422);
    const message = resolvePlaceholders(sxcu.ErrorMessage, answer.body);
    assert.ok(message.length > 10, message);
    assert.equal(message, answer.body.errors.file);
    assert.equal((await testPool().query('SELECT 1 FROM videos WHERE owner_id = $1', [user.id])).rowCount, 0);
  });

  it('keeps a deletion key out of the request log and out of the page\'s sign-in link', async () => {
    const user = await createUser();
    const video = await createVideo(user);
    const { key, hash } = newDeletionKey();
    await insertDeletionKey(testPool(), video.id, hash);
    const link = `/delete/${video.publicId}/${key}`;
    assert.equal(redactUrl(link), `/delete/${video.publicId}/[redacted]`);
    assert.equal(redactUrl(`/login?next=${encodeURIComponent(link)}&x=1`), `/login?next=%2Fdelete%2F${video.publicId}%2F[redacted]&x=1`);
    const page = await supertest(t.app).get(link);
    assert.equal(page.status, 200);
    assert.match(page.text, /href="\/login"/);
    assert.doesNotMatch(page.text, /next=%2Fdelete/);
  });
});
