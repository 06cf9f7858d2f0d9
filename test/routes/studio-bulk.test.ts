import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { useTestApp, useWorker } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { postForm, tokenOf, withoutWrites } from '../helpers/check-params.js';
import { testDatabaseUrl, testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { filesUnder } from '../helpers/files.js';

type User = Awaited<ReturnType<typeof createUser>>;

async function videoRows(publicIds: string[]) {
  const { rows } = await testPool().query('SELECT public_id, visibility, tags FROM videos WHERE public_id = ANY ($1) ORDER BY id', [publicIds]);
  return rows as { public_id: string; visibility: string; tags: string[] }[];
}

async function bulkRow(location: string) {
  const publicId = location.replace('/studio/bulk/', '');
  const { rows } = await testPool().query('SELECT state, done, failed, errors FROM bulk_actions WHERE public_id = $1', [publicId]);
  return rows[0] as { state: string; done: number; failed: number; errors: { video: string; title: string | null; reason: string }[] };
}

/** Posts the bulk form as the studio page sends it: `ids` repeated, once per checked box. */
async function bulk(agent: Agent, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams({ _csrf: await tokenOf(agent, '/studio') });
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(name, one);
  return agent.post('/studio/bulk').type('form').send(body.toString());
}

/** Waits for the worker to finish a bulk action (no timing is asserted: only that it ends). */
async function untilFinished(location: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await bulkRow(location);
    if (row.state === 'done' || row.state === 'failed') return row;
    if (Date.now() > deadline) throw new Error(`bulk action still ${row.state} (${row.done} done)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('POST /studio/bulk (bulk actions on my videos)', function () {
  this.timeout(90_000);
  const t = useTestApp();
  let owner: User;
  let agent: Agent;
  let stranger: User;

  beforeEach(async () => {
    owner = await createUser();
    agent = await signedInAgent(t.app, owner);
    stranger = await createUser();
  });

  describe('in the request (a small selection)', () => {
    it('changes the visibility of the selected videos and shows a summary', async () => {
      const a = await createVideo(owner);
      const b = await createVideo(owner, { visibility: 'unlisted' });
      const c = await createVideo(owner);
      const res = await bulk(agent, { action: 'make-private', ids: [a.publicId, b.publicId] });
      assert.equal(res.status, 303);
      assert.match(res.headers.location!, /^\/studio\/bulk\/[0-9a-f-]{36}$/);
      assert.deepEqual((await videoRows([a.publicId, b.publicId, c.publicId])).map((r) => r.visibility), ['private', 'private', 'public']);
      assert.deepEqual(await bulkRow(res.headers.location!), { state: 'done', done: 2, failed: 0, errors: [] });
      const summary = await agent.get(res.headers.location!);
      assert.equal(summary.status, 200);
      assert.match(summary.text, /Done: 2 videos changed\./);
      // Their related lists are worked out again.
      const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'video.related' AND (data->>'videoId')::bigint = ANY ($1)`, [[a.id, b.id]]);
      assert.ok(rows[0].n >= 2);
    });

    it('reports a video of another account as not found and changes the rest', async () => {
      const a = await createVideo(owner);
      const theirs = await createVideo(stranger);
      const b = await createVideo(owner);
      const res = await bulk(agent, { action: 'make-unlisted', ids: [a.publicId, theirs.publicId, b.publicId] });
      const row = await bulkRow(res.headers.location!);
      assert.equal(row.done, 2);
      assert.equal(row.failed, 1);
      assert.deepEqual(row.errors, [{ video: theirs.publicId, title: null, reason: 'Not found: it is not one of your videos, or it was deleted.' }]);
      assert.deepEqual((await videoRows([a.publicId, theirs.publicId, b.publicId])).map((r) => r.visibility), ['unlisted', 'public', 'unlisted']);
      const summary = await agent.get(res.headers.location!);
      assert.match(summary.text, /1 failed/);
      assert.match(summary.text, /Not found/);
      assert.ok(!summary.text.includes('Video '), 'the other account\'s title is not shown');
    });

    it('adds a tag by the upload form\'s rules: once whatever its case, at most 20 a video', async () => {
      const plain = await createVideo(owner, { tags: ['cats'] });
      const already = await createVideo(owner, { tags: ['Music'] });
      const full = await createVideo(owner, { tags: Array.from({ length: 20 }, (_, i) => `tag${i}`) });
      const res = await bulk(agent, { action: 'add-tag', tag: '  #music  ', ids: [plain.publicId, full.publicId, already.publicId] });
      assert.equal(res.status, 303);
      const rows = await videoRows([plain.publicId, already.publicId, full.publicId]);
      assert.deepEqual(rows.map((r) => r.tags), [['cats', 'music'], ['Music'], Array.from({ length: 20 }, (_, i) => `tag${i}`)]);
      const row = await bulkRow(res.headers.location!);
      assert.equal(row.done, 2);
      assert.equal(row.failed, 1);
      assert.match(row.errors[0]!.reason, /already has 20 tags/);
      assert.equal(row.errors[0]!.video, full.publicId);
    });

    it('removes a tag whatever its case, and leaves videos without it as they are', async () => {
      const a = await createVideo(owner, { tags: ['Cats', 'dogs'] });
      const b = await createVideo(owner, { tags: ['dogs'] });
      const res = await bulk(agent, { action: 'remove-tag', tag: 'cats', ids: [a.publicId, b.publicId] });
      assert.deepEqual((await videoRows([a.publicId, b.publicId])).map((r) => r.tags), [['dogs'], ['dogs']]);
      assert.equal((await bulkRow(res.headers.location!)).failed, 0);
    });

    it('refuses a tag the upload form refuses, writing nothing', async () => {
      const a = await createVideo(owner);
      for (const tag of ['', 'a, b', 'x'.repeat(31), 'bad\u0001tag']) {
        const res = await withoutWrites(() => bulk(agent, { action: 'add-tag', tag, ids: [a.publicId] }));
        assert.equal(res.status, 422, JSON.stringify(tag));
      }
    });

    it('applies to all my videos matching the filter', async () => {
      const cats = [await createVideo(owner, { title: 'Cats one' }), await createVideo(owner, { title: 'More cats', visibility: 'private' })];
      const other = await createVideo(owner, { title: 'Dogs' });
      const theirs = await createVideo(stranger, { title: 'Cats of a stranger' });
      const res = await bulk(agent, { action: 'add-tag', tag: 'felines', scope: 'all', q: 'cats', ids: [other.publicId] });
      assert.equal(res.status, 303);
      const rows = await videoRows([...cats, other, theirs].map((v) => v.publicId));
      assert.deepEqual(rows.map((r) => r.tags), [['felines'], ['felines'], [], []]);
    });
  });

  describe('deleting', () => {
    it('asks first, then deletes the rows and the files; a resubmit is harmless', async () => {
      const a = await createVideo(owner, { title: 'First to go' });
      const b = await createVideo(owner, { title: 'Second to go' });
      const keep = await createVideo(owner);
      const dir = path.join(t.config.dataDir, 'media', 'videos', a.publicId);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'thumb-x-320.jpg'), 'x');
      const asked = await bulk(agent, { action: 'delete', ids: [a.publicId, b.publicId] });
      assert.equal(asked.status, 303);
      assert.equal((await videoRows([a.publicId, b.publicId])).length, 2, 'nothing deleted before confirming');
      const page = await agent.get(asked.headers.location!);
      assert.match(page.text, /Delete 2 videos\?/);
      assert.match(page.text, /First to go[\s\S]*Second to go/);
      const confirmed = await postForm(agent, `${asked.headers.location!}/confirm`, {}, { tokenPage: '/studio' });
      assert.equal(confirmed.status, 303);
      assert.equal((await videoRows([a.publicId, b.publicId, keep.publicId])).length, 1);
      assert.deepEqual(filesUnder(dir), []);
      assert.match((await agent.get(asked.headers.location!)).text, /Done: 2 videos deleted\./);
      assert.equal((await postForm(agent, `${asked.headers.location!}/confirm`, {}, { tokenPage: '/studio' })).status, 303);
      assert.equal((await bulkRow(asked.headers.location!)).done, 2);
    });

    it('counts a video deleted meanwhile as not found', async () => {
      const a = await createVideo(owner);
      const gone = await createVideo(owner);
      const asked = await bulk(agent, { action: 'delete', ids: [a.publicId, gone.publicId] });
      await testPool().query('DELETE FROM videos WHERE id = $1', [gone.id]);
      await postForm(agent, `${asked.headers.location!}/confirm`, {}, { tokenPage: '/studio' });
      const row = await bulkRow(asked.headers.location!);
      assert.deepEqual([row.done, row.failed, row.errors[0]!.video], [1, 1, gone.publicId]);
    });

    it('shows another account nothing, and lets it confirm nothing', async () => {
      const a = await createVideo(owner);
      const asked = await bulk(agent, { action: 'delete', ids: [a.publicId] });
      const strangerAgent = await signedInAgent(t.app, stranger);
      assert.equal((await strangerAgent.get(asked.headers.location!)).status, 404);
      assert.equal((await postForm(strangerAgent, `${asked.headers.location!}/confirm`, {}, { tokenPage: '/studio' })).status, 404);
      assert.equal((await videoRows([a.publicId])).length, 1);
    });
  });

  describe('as a job (a large selection)', () => {
    useWorker(t);

    it('runs all matching to completion with progress, tells the web processes, and reports the failures', async () => {
      const many: { id: number; publicId: string }[] = [];
      for (let i = 0; i < 130; i++) many.push(await createVideo(owner, { title: `Batch ${i}`, tags: i === 7 ? Array.from({ length: 20 }, (_, k) => `t${k}`) : [] }));
      const listener = new pg.Client({ connectionString: testDatabaseUrl() });
      await listener.connect();
      let notified = 0;
      listener.on('notification', () => { notified += 1; });
      await listener.query('LISTEN tubestead_pages_stale');
      try {
        const res = await bulk(agent, { action: 'add-tag', tag: 'batch', scope: 'all', q: 'batch' });
        assert.equal(res.status, 303);
        const queued = await agent.get(res.headers.location!).set('Accept', 'application/json');
        assert.equal(queued.body.total, 130);
        assert.ok(['queued', 'running', 'done'].includes(queued.body.state));
        const row = await untilFinished(res.headers.location!);
        assert.deepEqual([row.state, row.done, row.failed], ['done', 129, 1]);
        assert.equal(row.errors[0]!.video, many[7]!.publicId);
        const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM videos WHERE owner_id = $1 AND 'batch' = ANY (tags)`, [owner.id]);
        assert.equal(rows[0].n, 129);
        for (let i = 0; i < 50 && notified === 0; i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(notified > 0, 'the job told the web processes their pages are stale');
      } finally {
        await listener.end();
      }
      const studio = await agent.get('/studio');
      assert.match(studio.text, /Add the tag “batch”: 130 videos/);
    });

    it('deletes a large selection after confirming, in the background', async () => {
      const many: { publicId: string }[] = [];
      for (let i = 0; i < 60; i++) many.push(await createVideo(owner, { title: `Old clip ${i}` }));
      const asked = await bulk(agent, { action: 'delete', scope: 'all', q: 'old clip' });
      assert.match((await agent.get(asked.headers.location!)).text, /Delete 60 videos\?[\s\S]*And 10 more videos\./);
      await postForm(agent, `${asked.headers.location!}/confirm`, {}, { tokenPage: '/studio' });
      const row = await untilFinished(asked.headers.location!);
      assert.deepEqual([row.state, row.done, row.failed], ['done', 60, 0]);
      assert.equal((await videoRows(many.map((v) => v.publicId))).length, 0);
    });
  });
});
