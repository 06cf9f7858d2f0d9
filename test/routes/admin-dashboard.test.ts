import assert from 'node:assert/strict';
import supertest from 'supertest';
import { saveReport } from '../../src/db/reports.js';
import { insertVideoFile } from '../../src/db/video-files.js';
import { formatBytes } from '../../src/format.js';
import { PROCESS_VIDEO } from '../../src/jobs/queue.js';
import { createTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { assertSignIn } from '../helpers/check-params.js';
import { testPool, testQueue } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

/** The figure after a label in the dashboard's lists. */
function figure(html: string, label: string): string {
  const m = new RegExp(`<dt>${label}</dt><dd>([^<]*)</dd>`).exec(html);
  assert.ok(m, `a figure for ${label}`);
  return m![1]!;
}

/** The same figure computed straight from the database. */
async function scalar(sql: string, values: unknown[] = []): Promise<number> {
  return Number((await testPool().query(sql, values)).rows[0].n);
}

describe('GET /admin', () => {
  it('redirects anonymous visitors to sign in, refuses ordinary accounts and moderators (403)', async () => {
    const { app } = createTestApp();
    assertSignIn(await supertest(app).get('/admin'), '/admin');
    for (const roles of [[], ['moderator']]) assert.equal((await (await signedInAgent(app, await createUser({ roles }))).get('/admin')).status, 403, roles.join());
  });

  it('shows people, sign-ups by day, videos by status, storage, free disk and jobs', async () => {
    // Made before the app: its counts are kept a minute once read.
    const owner = await createUser();
    await createUser();
    const waiting = await createVideo(owner, { status: 'uploaded' });
    await createVideo(owner, { status: 'failed' });
    const ready = await createVideo(owner);
    await testPool().query('UPDATE videos SET original_bytes = 5000000 WHERE id = $1', [ready.id]);
    await insertVideoFile(testPool(), ready.id, { kind: 'rendition', name: 'dash-360p.mp4', storageKey: `videos/${ready.publicId}/dash-360p.mp4`, mimeType: 'video/mp4', width: 640, height: 360, bytes: 3_000_000 });
    await insertVideoFile(testPool(), ready.id, { kind: 'thumbnail', name: 'dash-thumb.jpg', storageKey: `videos/${ready.publicId}/dash-thumb.jpg`, mimeType: 'image/jpeg', width: 320, height: 180, bytes: 20_000 });
    await testQueue().boss.send(PROCESS_VIDEO, { videoId: waiting.id });
    for (const reporter of [await createUser(), await createUser()]) {
      await saveReport(testPool(), { reporterId: reporter.id, kind: 'video', targetId: ready.id, targetOwnerId: owner.id, reason: 'spam', severity: 1, text: '', videoTimeSeconds: null });
    }

    const { app } = createTestApp();
    const res = await (await signedInAgent(app, await createUser({ roles: ['admin'] }))).get('/admin');
    assert.equal(res.status, 200);
    const n = (text: string) => Number(text.replaceAll(',', ''));

    assert.equal(n(figure(res.text, 'Accounts')), await scalar('SELECT count(*) AS n FROM users WHERE deleted_at IS NULL'));
    assert.equal(n(figure(res.text, 'New in the last 7 days')), await scalar(`SELECT count(*) AS n FROM users WHERE created_at >= (now() AT TIME ZONE 'UTC')::date - 6`));
    const today = new Date().toISOString().slice(0, 10);
    const todayRow = new RegExp(`<time datetime="${today}">${today}</time></td><td class="num">([\\d,]+)</td>`).exec(res.text);
    assert.equal(n(todayRow![1]!), await scalar(`SELECT count(*) AS n FROM users WHERE created_at >= (now() AT TIME ZONE 'UTC')::date`));
    assert.equal(res.text.match(/<tr><td><time datetime="\d{4}-\d\d-\d\d">/g)?.length, 14);

    assert.equal(n(figure(res.text, 'Ready')), await scalar(`SELECT count(*) AS n FROM videos WHERE status = 'ready'`));
    assert.equal(n(figure(res.text, 'Waiting to be processed')), await scalar(`SELECT count(*) AS n FROM videos WHERE status = 'uploaded'`));
    assert.equal(n(figure(res.text, 'Failed')), await scalar(`SELECT count(*) AS n FROM videos WHERE status = 'failed'`));

    assert.equal(figure(res.text, 'Originals'), formatBytes(await scalar('SELECT coalesce(sum(original_bytes), 0) AS n FROM videos WHERE original_key IS NOT NULL')));
    assert.equal(figure(res.text, 'Renditions'), formatBytes(await scalar(`SELECT coalesce(sum(bytes), 0) AS n FROM video_files WHERE kind = 'rendition'`)));
    assert.equal(figure(res.text, 'Images'), formatBytes(await scalar(`SELECT coalesce(sum(bytes), 0) AS n FROM video_files WHERE kind <> 'rendition'`)));
    assert.match(res.text, /<dt>Free on the data disk<\/dt><dd>[\d.]+ [KMGT]?i?B(ytes)? of [\d.]+ [KMGT]i?B \(\d+%\)<\/dd>/);

    const jobs = res.text.slice(res.text.indexOf('id="jobs-title"'));
    assert.equal(n(figure(jobs, 'Waiting')), await scalar(`SELECT count(*) AS n FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry')`, [PROCESS_VIDEO]));
    assert.ok(n(figure(jobs, 'Waiting')) >= 1);
    assert.ok(n(figure(res.text, 'Things reported')) >= 1);
    assert.equal(n(figure(res.text, 'Things reported')), await scalar(`SELECT count(*) AS n FROM report_items WHERE status = 'open'`));
    assert.equal(n(figure(res.text, 'Reports')), await scalar(`SELECT coalesce(sum(report_count), 0) AS n FROM report_items WHERE status = 'open'`));
    assert.match(res.text, /href="\/admin\/reports">See the queue/);
    assert.match(res.text, /href="\/admin" aria-current="page">Dashboard/);
  });

  it('keeps the whole-table figures a minute, and counts jobs on every view', async () => {
    const { app } = createTestApp();
    const agent = await signedInAgent(app, await createUser({ roles: ['admin'] }));
    const first = await agent.get('/admin');
    await createUser();
    const owner = await createUser();
    const video = await createVideo(owner, { status: 'uploaded' });
    await testQueue().boss.send(PROCESS_VIDEO, { videoId: video.id });
    const second = await agent.get('/admin');
    assert.equal(figure(second.text, 'Accounts'), figure(first.text, 'Accounts'));
    const waiting = (html: string) => Number(figure(html.slice(html.indexOf('id="jobs-title"')), 'Waiting').replaceAll(',', ''));
    assert.equal(waiting(second.text), waiting(first.text) + 1);
  });
});
