import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import supertest from 'supertest';
import { viewToken } from '../../src/http/viewer-key.js';
import { createTestApp, useTestApp } from '../helpers/app.js';
import type { Pool } from '../../src/db/pool.js';
import { signedInAgent, tokenFor } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

/** Titles changed behind the application's back, as the worker or another process would. */
async function retitle(videoId: number, title: string): Promise<void> {
  await testPool().query('UPDATE videos SET title = $2 WHERE id = $1', [videoId, title]);
}

describe('page cache (signed-out visitors)', function () {
  this.timeout(30_000);
  // Long enough that nothing expires by accident on a slow machine; `quick` is for the tests of expiry.
  const t = useTestApp({ PAGE_CACHE_SECONDS: '30' });
  const quick = useTestApp({ PAGE_CACHE_SECONDS: '1' });
  let owner: Awaited<ReturnType<typeof createUser>>;

  before(async () => {
    owner = await createUser();
  });

  it('serves a page again for PAGE_CACHE_SECONDS, then renders it anew', async () => {
    const video = await createVideo(owner, { title: 'Kept first title' });
    const first = await supertest(quick.app).get(`/watch/${video.publicId}`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.age, undefined, 'a miss is rendered');
    await retitle(video.id, 'Changed title');
    const second = await supertest(quick.app).get(`/watch/${video.publicId}`);
    assert.equal(second.headers.age, '0');
    assert.equal(second.text, first.text, 'the same bytes');
    assert.equal(second.headers['content-type'], first.headers['content-type']);
    assert.equal(second.headers['content-security-policy'], first.headers['content-security-policy']);
    assert.notEqual(second.headers['x-request-id'], first.headers['x-request-id'], 'each answer has its own request id');
    await sleep(1100);
    const third = await supertest(quick.app).get(`/watch/${video.publicId}`);
    assert.match(third.text, /Changed title/);
  });

  it('never serves a kept page to a signed-in visitor', async () => {
    const video = await createVideo(owner, { title: 'Before the change' });
    const viewer = await signedInAgent(t.app, await createUser());
    await supertest(t.app).get(`/watch/${video.publicId}`);
    await retitle(video.id, 'After the change');
    const res = await viewer.get(`/watch/${video.publicId}`);
    assert.equal(res.headers.age, undefined);
    assert.match(res.text, /After the change/);
    assert.match(res.text, /Sign out/, 'the page is the viewer’s own');
  });

  it('forgets every page when a signed-in account changes something', async () => {
    const author = await createUser();
    const video = await createVideo(author, { title: 'Soon deleted' });
    assert.equal((await supertest(t.app).get(`/watch/${video.publicId}`)).status, 200);
    assert.match((await supertest(t.app).get(`/@${author.handle}`)).text, new RegExp(video.publicId));
    const agent = await signedInAgent(t.app, author);
    const token = await tokenFor(agent, `/watch/${video.publicId}`);
    assert.equal((await agent.post(`/studio/videos/${video.publicId}/delete`).type('form').send({ _csrf: token })).status, 303);
    assert.equal((await supertest(t.app).get(`/watch/${video.publicId}`)).status, 404, 'at once, not after the cache expires');
    assert.doesNotMatch((await supertest(t.app).get(`/@${author.handle}`)).text, new RegExp(video.publicId));
  });

  it('keeps pages when only a view or a like was counted', async () => {
    const video = await createVideo(owner, { title: 'Watched' });
    assert.equal((await supertest(t.app).get(`/watch/${video.publicId}`)).status, 200);
    // Factory videos have no renditions, so no player and no token on the page: sign one as the page would.
    const token = viewToken('test-secret-that-is-long-enough-for-sessions', video.publicId);
    const viewer = await signedInAgent(t.app, await createUser());
    assert.equal((await viewer.post(`/watch/${video.publicId}/view`).type('form').send({ token })).status, 201);
    assert.notEqual((await supertest(t.app).get(`/watch/${video.publicId}`)).headers.age, undefined);
    const csrf = await tokenFor(viewer, '/settings');
    assert.equal((await viewer.post(`/watch/${video.publicId}/rate`).type('form').send({ _csrf: csrf, value: 'like' })).status, 303);
    assert.equal((await supertest(t.app).get(`/watch/${video.publicId}`)).headers.age !== undefined, true, 'nor a like');
  });

  it('answers a matching If-None-Match with 304, and HEAD with headers only', async () => {
    const video = await createVideo(owner);
    const first = await supertest(t.app).get(`/watch/${video.publicId}`);
    assert.ok(first.headers.etag);
    const revalidated = await supertest(t.app).get(`/watch/${video.publicId}`).set('If-None-Match', first.headers.etag);
    assert.equal(revalidated.status, 304);
    const head = await supertest(t.app).head(`/watch/${video.publicId}`);
    assert.equal(head.status, 200);
    assert.notEqual(head.headers.age, undefined);
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(first.text)));
    assert.deepEqual(head.body, {});
  });

  it('keeps the embed player’s own framing rule', async () => {
    const video = await createVideo(owner);
    const first = await supertest(t.app).get(`/embed/${video.publicId}`);
    const second = await supertest(t.app).get(`/embed/${video.publicId}`);
    assert.notEqual(second.headers.age, undefined);
    assert.equal(second.headers['content-security-policy'], first.headers['content-security-policy']);
    assert.equal(second.headers['x-frame-options'], first.headers['x-frame-options']);
  });

  it('keeps no form with a session, no error and no page outside the public ones', async () => {
    for (const path of ['/login', '/watch/AAAAAAAAAAA', '/robots.txt', '/settings']) {
      await supertest(t.app).get(path);
      const again = await supertest(t.app).get(path);
      assert.equal(again.headers.age, undefined, path);
    }
    const login = await supertest(t.app).get('/login');
    assert.ok(login.headers['set-cookie'], 'each visitor gets a session of their own for the form');
  });

  it('renders an expired page once for many visitors asking at the same moment', async () => {
    let queries = 0;
    const counting = new Proxy(testPool(), {
      get(target, name, receiver) {
        if (name === 'query') return (...args: unknown[]) => ((queries += 1), (target.query as (...a: unknown[]) => unknown)(...args));
        return Reflect.get(target, name, receiver);
      },
    }) as Pool;
    const { app, settings } = createTestApp({ PAGE_CACHE_SECONDS: '1' }, counting);
    // The site settings are read once per process, not per render.
    await settings.get();
    queries = 0;
    await supertest(app).get(`/@${owner.handle}`);
    const perRender = queries;
    assert.ok(perRender > 0);
    await sleep(1100);
    queries = 0;
    const answers = await Promise.all(Array.from({ length: 12 }, () => supertest(app).get(`/@${owner.handle}`)));
    assert.ok(answers.every((a) => a.status === 200 && a.text === answers[0]!.text));
    assert.equal(queries, perRender, 'one render for twelve requests');

    // A change by an account makes the page stale; the next burst still renders it once.
    const author = await signedInAgent(app, await createUser());
    const token = await tokenFor(author, '/settings');
    assert.equal((await author.post('/settings').type('form').send({ _csrf: token, displayName: 'Renamed', bio: '' })).status, 303);
    queries = 0;
    await Promise.all(Array.from({ length: 12 }, () => supertest(app).get(`/@${owner.handle}`)));
    assert.equal(queries, perRender, 'one render after the change');
  });

  it('does not keep a 304 as the page, nor an address padded past 1,024 characters', async () => {
    const video = await createVideo(owner);
    const first = await supertest(quick.app).get(`/watch/${video.publicId}`);
    await sleep(1100);
    const revalidated = await supertest(quick.app).get(`/watch/${video.publicId}`).set('If-None-Match', String(first.headers.etag));
    assert.equal(revalidated.status, 304);
    const next = await supertest(quick.app).get(`/watch/${video.publicId}`);
    assert.equal(next.status, 200);
    assert.match(next.headers['content-type'] as string, /^text\/html/);
    assert.equal(next.text, first.text);
    const padded = `/watch/${video.publicId}?pad=${'x'.repeat(1100)}`;
    await supertest(quick.app).get(padded);
    assert.equal((await supertest(quick.app).get(padded)).headers.age, undefined);
  });

  it('keeps a page per address, query included', async () => {
    const video = await createVideo(owner, { title: 'Querytest alpha' });
    const a = await supertest(t.app).get('/search').query({ q: 'Querytest' });
    const b = await supertest(t.app).get('/search').query({ q: 'alpha Querytest' });
    assert.equal(b.headers.age, undefined);
    assert.ok(a.text.includes(video.publicId) && b.text.includes(video.publicId));
    assert.notEqual((await supertest(t.app).get('/search').query({ q: 'Querytest' })).headers.age, undefined);
  });
});
