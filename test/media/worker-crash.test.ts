import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT_DIR } from '../../src/paths.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { testDatabaseUrl, testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';
import { fixtures } from '../helpers/fixtures.js';
import { publicIdFrom, uploadVideo, videoRow, waitForProcessing } from '../helpers/videos.js';
import { filesUnder } from '../helpers/files.js';

/** `npm run worker` as its own process group, so that killing the group takes its ffmpeg too (as a crash of the host would). */
function startWorkerProcess(dataDir: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'cli', 'worker.ts')], {
    cwd: ROOT_DIR,
    env: { ...process.env, DATABASE_URL: testDatabaseUrl(), DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a worker killed in the middle of a job', function () {
  this.timeout(180_000);
  const t = useTestApp();
  const workers: ChildProcess[] = [];

  after(() => {
    for (const w of workers) if (w.exitCode === null) try { process.kill(-w.pid!, 'SIGKILL'); } catch { /* gone */ }
  });

  it('is noticed by the next worker, and the video still ends ready with nothing left over', async () => {
    const agent = await signedInAgent(t.app, await createUser());
    const res = await uploadVideo(agent, await fixtures.long(), { title: 'Survives a crash' });
    const publicId = publicIdFrom(res.headers.location);

    const first = startWorkerProcess(t.config.dataDir);
    workers.push(first);
    await until(async () => {
      const row = await videoRow(publicId);
      return row.status === 'processing' && row.progress > 0;
    }, 60_000, 'the first worker to make progress');
    process.kill(-first.pid!, 'SIGKILL');
    await new Promise((r) => first.once('exit', r));

    const { rows } = await testPool().query(`SELECT state FROM pgboss.job WHERE name = 'video.process' AND (data ->> 'videoId')::bigint = (SELECT id FROM videos WHERE public_id = $1)`, [publicId]);
    assert.equal(rows[0]?.state, 'active', 'pg-boss still believes the job is running');
    assert.notEqual((await videoRow(publicId)).status, 'ready');

    const second = startWorkerProcess(t.config.dataDir);
    workers.push(second);
    const row = await waitForProcessing(publicId, 150_000);
    assert.equal(row.status, 'ready', `ended ${row.status}: ${row.failure_reason}`);
    const files = await testPool().query(`SELECT count(*)::int AS n FROM video_files f JOIN videos v ON v.id = f.video_id WHERE v.public_id = $1 AND f.kind = 'rendition'`, [publicId]);
    assert.equal(files.rows[0].n, 2, '360p and 720p');
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
    assert.deepEqual(filesUnder(path.join(t.config.dataDir, 'tmp', 'work')), [], 'the dead worker\'s half-made files are gone');
  });
});
