import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/db/embedded.js';
import { listenForPageEvents, notifyPagesStale, type PageEvents } from '../../src/db/page-events.js';
import { createLogger } from '../../src/log.js';
import { ROOT_DIR } from '../../src/paths.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { runDataDir, tempDataDir } from '../helpers/app.js';
import { testDatabaseUrl, testPool, testQueue } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

const SECRET = 'test-secret-that-is-long-enough-for-sessions';
const logger = createLogger('silent');

/** One web process of several: its own page cache, told of the others' changes when `linked`. */
function webProcess(events: PageEvents[], linked: boolean) {
  const config = loadConfig({ DATA_DIR: runDataDir(), LOG_LEVEL: 'silent', PAGE_CACHE_SECONDS: '60' });
  return createApp({
    config, pool: testPool(), logger, sessionSecret: SECRET, queue: testQueue(),
    pageEvents: linked ? (markStale) => {
      const listening = listenForPageEvents(testDatabaseUrl(), testPool(), logger, markStale);
      events.push(listening);
      return listening;
    } : undefined,
  });
}

/** Asks until `check` holds or `ms` have passed; a notification arrives a moment after the change. */
async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

/** Ids of the processes whose parent is `parent` and whose command line mentions `script` (from /proc). */
function childrenRunning(parent: number, script: string): number[] {
  return fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name)).filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === parent && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script);
    } catch {
      return false; // gone meanwhile
    }
  }).map(Number);
}

describe('several web processes', function () {
  this.timeout(60_000);
  const events: PageEvents[] = [];
  after(async () => {
    await Promise.all(events.map((e) => e.stop()));
  });

  it('a change made through one empties the page cache of the others', async () => {
    const first = webProcess(events, true);
    const second = webProcess(events, true);
    const unlinked = webProcess(events, false);
    await sleep(300); // both listening
    const author = await createUser();
    const video = await createVideo(author, { title: 'Deleted through the first process' });
    for (const app of [second, unlinked]) {
      assert.equal((await supertest(app).get(`/watch/${video.publicId}`)).status, 200);
      assert.notEqual((await supertest(app).get(`/watch/${video.publicId}`)).headers.age, undefined, 'kept');
    }
    const agent = await signedInAgent(first, author);
    const token = await tokenFor(agent, `/watch/${video.publicId}`);
    assert.equal((await agent.post(`/studio/videos/${video.publicId}/delete`).type('form').send({ _csrf: token })).status, 303);
    assert.ok(await eventually(async () => (await supertest(second).get(`/watch/${video.publicId}`)).status === 404), 'the second process forgot its copy');
    // The control: a process that does not listen keeps serving its copy until it expires.
    assert.equal((await supertest(unlinked).get(`/watch/${video.publicId}`)).status, 200);
  });
});

describe('the job worker', function () {
  this.timeout(30_000);
  const events: PageEvents[] = [];
  after(async () => {
    await Promise.all(events.map((e) => e.stop()));
  });

  it('empties the web processes’ kept pages by saying so (as it does when a video becomes watchable)', async () => {
    const app = webProcess(events, true);
    await sleep(300);
    const author = await createUser();
    const video = await createVideo(author, { title: 'Kept before the worker spoke' });
    await supertest(app).get(`/@${author.handle}`);
    await testPool().query('UPDATE videos SET title = $2 WHERE id = $1', [video.id, 'Retitled behind its back']);
    assert.match((await supertest(app).get(`/@${author.handle}`)).text, /Kept before the worker spoke/, 'kept');
    await notifyPagesStale(testPool());
    assert.ok(await eventually(async () => /Retitled behind its back/.test((await supertest(app).get(`/@${author.handle}`)).text)));
  });
});

describe('npm start with WEB_PROCESSES=2', function () {
  this.timeout(90_000);

  it('serves from two processes on one port and stops them all on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'server.ts')], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl(), DATA_DIR: tempDataDir(), PORT: String(port), WEB_PROCESSES: '2', WORKER: 'off', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      assert.ok(await eventually(async () => /is serving/.test(output), 60_000), `it started:\n${output}`);
      assert.match(output, /"processes":2/);
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        assert.equal(res.status, 200);
        await res.text();
      }
      // Two web processes beside the first: its children running the same script (tsx's
      // compiler service is a child too).
      assert.equal(childrenRunning(child.pid!, 'server.ts').length, 2, 'two web processes');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, `stopped cleanly:\n${output}`);
  });
});
