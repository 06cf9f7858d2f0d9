import assert from 'node:assert/strict';
import supertest from 'supertest';
import { CANCELLED_REASON } from '../../src/db/admin-jobs.js';
import { PROCESS_VIDEO } from '../../src/jobs/queue.js';
import { CANCEL_CHECK_MS } from '../../src/jobs/handlers/process-video.js';
import { runningFfmpegCount } from '../../src/media/ffmpeg.js';
import { useTestApp, useWorker } from '../helpers/app.js';
import { fixture } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo, videoRow } from '../helpers/videos.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { assertSignIn, postForm } from '../helpers/check-params.js';
import { testPool, testQueue } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

// No worker runs in this file: the jobs sent stay in the queue (pg-boss, the test database's own)
// in the state each test puts them in.

/** A processing job for the video, as an upload sends it; its id. */
async function sendJob(videoId: number): Promise<string> {
  return (await testQueue().boss.send(PROCESS_VIDEO, { videoId }))!;
}

async function jobState(id: string): Promise<string> {
  const { rows } = await testPool().query('SELECT state FROM pgboss.job WHERE name = $1 AND id = $2', [PROCESS_VIDEO, id]);
  return rows[0]?.state;
}

async function auditRows(action: string, targetId: number | string) {
  const { rows } = await testPool().query('SELECT actor_id, subject_user_id, before, after FROM audit_log WHERE action = $1 AND target_id = $2 ORDER BY id', [action, String(targetId)]);
  return rows;
}

describe('GET /admin/jobs', () => {
  const t = useTestApp();
  let admin: Agent;
  let adminId: number;

  before(async () => {
    const user = await createUser({ roles: ['admin'] });
    adminId = user.id;
    admin = await signedInAgent(t.app, user);
  });

  describe('who may open it', () => {
    it('redirects anonymous visitors to sign in', async () => {
      assertSignIn(await supertest(t.app).get('/admin/jobs'), '/admin/jobs');
    });

    it('refuses ordinary accounts and moderators (403): the queue is the running of the site, admin.access', async () => {
      for (const roles of [[], ['moderator']]) {
        assert.equal((await (await signedInAgent(t.app, await createUser({ roles }))).get('/admin/jobs')).status, 403, roles.join());
      }
    });

    it('is open to admins', async () => {
      const res = await admin.get('/admin/jobs');
      assert.equal(res.status, 200);
      assert.match(res.text, /href="\/admin\/jobs" aria-current="page">Jobs/);
    });
  });

  describe('the lists', () => {
    it('shows a waiting job with its video linked, and the last error of a run that will be tried again', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { status: 'uploaded', title: 'Waiting in line' });
      const id = await sendJob(video.id);
      // A failed run, as pg-boss records one: its message holds ffmpeg's last lines (runFfmpeg).
      await testPool().query(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE name = $1 AND id = $2`, [PROCESS_VIDEO, id]);
      await testQueue().boss.fail(PROCESS_VIDEO, id, new Error('ffmpeg failed: exited with code 1 (frame=  10 | Error while decoding stream #0:0 | Conversion failed!)'));
      assert.equal(await jobState(id), 'retry');
      const res = await admin.get('/admin/jobs');
      const waiting = res.text.slice(res.text.indexOf('id="jobs-waiting"'), res.text.indexOf('id="jobs-running"'));
      assert.match(waiting, new RegExp(`<a href="/watch/${video.publicId}">Waiting in line</a>`));
      assert.match(waiting, /Error while decoding stream #0:0\nConversion failed!<\/pre>/);
      assert.match(waiting, /1 of 4/);
      assert.match(waiting, new RegExp(`action="/admin/jobs/${id}/cancel"`));
    });

    it('shows a running job with how long it has run', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { status: 'processing', title: 'Being encoded' });
      const id = await sendJob(video.id);
      await testPool().query(`UPDATE pgboss.job SET state = 'active', started_on = now() - interval '95 seconds' WHERE name = $1 AND id = $2`, [PROCESS_VIDEO, id]);
      const res = await admin.get('/admin/jobs');
      const running = res.text.slice(res.text.indexOf('id="jobs-running"'), res.text.indexOf('id="jobs-failed"'));
      assert.match(running, /Being encoded/);
      assert.match(running, /1 min 3[5-9] s/);
    });

    it('shows a failed video with its reason and a Retry button', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { status: 'failed', title: 'Broken upload' });
      const res = await admin.get('/admin/jobs');
      const failed = res.text.slice(res.text.indexOf('id="jobs-failed"'));
      assert.match(failed, /Broken upload/);
      assert.match(failed, /Made failed by a test\./);
      assert.match(failed, new RegExp(`action="/admin/jobs/videos/${video.publicId}/retry"`));
    });
  });

  describe('POST /admin/jobs/videos/:id/retry', () => {
    it('puts the failed video back in line with a new job, recorded in the audit log; a second click changes nothing', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { status: 'failed', title: 'Retry me' });
      const res = await postForm(admin, `/admin/jobs/videos/${video.publicId}/retry`);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/admin/jobs');
      const { rows } = await testPool().query('SELECT status, failure_reason FROM videos WHERE id = $1', [video.id]);
      assert.deepEqual(rows[0], { status: 'uploaded', failure_reason: null });
      const { rows: jobs } = await testPool().query(`SELECT state FROM pgboss.job WHERE name = $1 AND (data ->> 'videoId')::bigint = $2`, [PROCESS_VIDEO, video.id]);
      assert.deepEqual(jobs.map((j) => j.state), ['created']);
      const audit = await auditRows('job.retry', video.id);
      assert.equal(audit.length, 1);
      assert.equal(Number(audit[0].actor_id), adminId);
      assert.equal(Number(audit[0].subject_user_id), owner.id);
      assert.deepEqual(audit[0].after, { status: 'uploaded' });
      assert.equal(audit[0].before.status, 'failed');

      assert.equal((await postForm(admin, `/admin/jobs/videos/${video.publicId}/retry`)).status, 303);
      assert.equal((await auditRows('job.retry', video.id)).length, 1);
      const { rows: again } = await testPool().query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND (data ->> 'videoId')::bigint = $2`, [PROCESS_VIDEO, video.id]);
      assert.equal(again[0].n, 1);
    });
  });

  describe('POST /admin/jobs/:id/cancel', () => {
    it('cancels a waiting job: the video is failed with a reason its creator can retry, recorded in the audit log', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { status: 'uploaded' });
      const id = await sendJob(video.id);
      const res = await postForm(admin, `/admin/jobs/${id}/cancel`);
      assert.equal(res.status, 303);
      assert.equal(await jobState(id), 'cancelled');
      const { rows } = await testPool().query('SELECT status, failure_reason FROM videos WHERE id = $1', [video.id]);
      assert.deepEqual(rows[0], { status: 'failed', failure_reason: CANCELLED_REASON });
      const audit = await auditRows('job.cancel', video.id);
      assert.equal(audit.length, 1);
      assert.deepEqual(audit[0].before, { job: id, state: 'created', status: 'uploaded' });
      assert.deepEqual(audit[0].after, { job: id, state: 'cancelled', status: 'failed' });
      // Its creator's retry works on it as on any failed video.
      const creator = await signedInAgent(t.app, owner);
      assert.equal((await postForm(creator, `/watch/${video.publicId}/retry`)).status, 303);
      assert.equal((await testPool().query('SELECT status FROM videos WHERE id = $1', [video.id])).rows[0].status, 'uploaded');
    });

    it('cancels a running job; a ready video stays ready (its higher renditions are what was being made)', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { status: 'ready' });
      const id = await sendJob(video.id);
      await testPool().query(`UPDATE pgboss.job SET state = 'active', started_on = now() WHERE name = $1 AND id = $2`, [PROCESS_VIDEO, id]);
      assert.equal((await postForm(admin, `/admin/jobs/${id}/cancel`)).status, 303);
      assert.equal(await jobState(id), 'cancelled');
      assert.equal((await testPool().query('SELECT status FROM videos WHERE id = $1', [video.id])).rows[0].status, 'ready');
      assert.deepEqual((await auditRows('job.cancel', video.id))[0].after, { job: id, state: 'cancelled', status: 'ready' });
    });

    it('a second cancel, or a finished job, changes nothing and is no error', async () => {
      const owner = await createUser();
      const video = await createVideo(owner, { status: 'uploaded' });
      const id = await sendJob(video.id);
      await postForm(admin, `/admin/jobs/${id}/cancel`);
      const res = await postForm(admin, `/admin/jobs/${id}/cancel`);
      assert.equal(res.status, 303);
      assert.equal((await auditRows('job.cancel', video.id)).length, 1);
    });

    it('records a job whose video was deleted under the job itself', async () => {
      const id = await sendJob(987_654_321);
      assert.equal((await postForm(admin, `/admin/jobs/${id}/cancel`)).status, 303);
      assert.equal(await jobState(id), 'cancelled');
      const audit = await testPool().query(`SELECT target_kind FROM audit_log WHERE action = 'job.cancel' AND target_id = $1`, [id]);
      assert.deepEqual(audit.rows, [{ target_kind: 'job' }]);
    });
  });
});

describe('cancelling a job that is encoding (real worker and ffmpeg)', function () {
  this.timeout(180_000);
  const t = useTestApp();
  useWorker(t);

  it('stops its ffmpeg within seconds and starts no further rendition; the video shows the cancellation', async () => {
    const admin = await signedInAgent(t.app, await createUser({ roles: ['admin'] }));
    const creator = await signedInAgent(t.app, await createUser({ roles: ['user'] }));
    // Long enough that its four encodes take far longer than the few seconds the cancel may take.
    const file = await fixture('cancel-long', { width: 1280, height: 720, seconds: 90 });
    const upload = await uploadVideo(creator, file, { title: 'Cancelled midway' });
    const video = await videoRow(publicIdFrom(upload.headers.location));
    const deadline = Date.now() + 60_000;
    while (runningFfmpegCount() === 0) {
      assert.ok(Date.now() < deadline, 'ffmpeg never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    const { rows } = await testPool().query(`SELECT id FROM pgboss.job WHERE name = $1 AND (data ->> 'videoId')::bigint = $2 AND state = 'active'`, [PROCESS_VIDEO, video.id]);
    assert.equal(rows.length, 1);
    assert.equal((await postForm(admin, `/admin/jobs/${rows[0].id}/cancel`)).status, 303);
    const cancelledAt = Date.now();
    while (runningFfmpegCount() > 0) {
      assert.ok(Date.now() - cancelledAt < CANCEL_CHECK_MS + 5_000, 'ffmpeg still running after the cancel');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Nothing starts again: no next rendition, no retry of the job.
    await new Promise((r) => setTimeout(r, CANCEL_CHECK_MS + 1_000));
    assert.equal(runningFfmpegCount(), 0);
    assert.equal(await jobState(rows[0].id), 'cancelled');
    const after = await videoRow(video.public_id);
    assert.ok(after.progress < 100, `stopped before the end (${after.progress} %)`);
    if (after.status !== 'ready') assert.deepEqual({ status: after.status, reason: after.failure_reason }, { status: 'failed', reason: CANCELLED_REASON });
  });
});
