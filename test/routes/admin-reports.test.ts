import assert from 'node:assert/strict';
import supertest from 'supertest';
import { saveReport } from '../../src/db/reports.js';
import { REPORT_REASONS, type ReportKind, type ReportReason } from '../../src/forms/report.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

async function fileReport(reporter: User, kind: ReportKind, targetId: number, ownerId: number, reason: ReportReason) {
  await saveReport(testPool(), { reporterId: reporter.id, kind, targetId, targetOwnerId: ownerId, reason, severity: REPORT_REASONS[reason].severity, text: '', videoTimeSeconds: null });
}

/** The item ids in the order the page lists them. */
const listed = (html: string) => [...html.matchAll(/<tr id="item-(\d+)"/g)].map((m) => Number(m[1]));

async function itemId(kind: string, targetId: number): Promise<number> {
  const { rows } = await testPool().query(`SELECT id FROM report_items WHERE target_kind = $1 AND target_id = $2 AND status = 'open'`, [kind, targetId]);
  return rows[0].id;
}

describe('GET /admin/reports (the queue, a list)', function () {
  this.timeout(60_000);
  const t = useTestApp();
  let moderator: Agent;

  before(async () => {
    // Earlier tests of the run may have left open items: close them, so this queue is ours.
    await testPool().query(`UPDATE reports SET status = 'dismissed', handled_at = now() WHERE status = 'open'`);
    await testPool().query(`UPDATE report_items SET status = 'dismissed', handled_at = now() WHERE status = 'open'`);
    moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
  });

  it('orders open items by severity, then count, then age; filters by kind and gravest reason; pages by keyset', async () => {
    const owner = await createUser();
    const reporters = [await createUser(), await createUser(), await createUser()];
    const spamOnce = await createVideo(owner, { title: 'Spam once' });
    const spamThrice = await createVideo(owner, { title: 'Spam thrice' });
    const childSafety = await createVideo(owner, { title: 'Child safety once' });
    const spamOnceLater = await createVideo(owner, { title: 'Spam once later' });
    await fileReport(reporters[0]!, 'video', spamOnce.id, owner.id, 'spam');
    for (const r of reporters) await fileReport(r, 'video', spamThrice.id, owner.id, 'spam');
    await fileReport(reporters[1]!, 'video', childSafety.id, owner.id, 'child_safety');
    await fileReport(reporters[2]!, 'video', spamOnceLater.id, owner.id, 'spam');
    await fileReport(reporters[0]!, 'channel', owner.id, owner.id, 'hate');
    const ids = {
      spamOnce: await itemId('video', spamOnce.id), spamThrice: await itemId('video', spamThrice.id), child: await itemId('video', childSafety.id),
      later: await itemId('video', spamOnceLater.id), channel: await itemId('channel', owner.id),
    };
    const page = await moderator.get('/admin/reports');
    assert.equal(page.status, 200);
    assert.deepEqual(listed(page.text), [ids.child, ids.channel, ids.spamThrice, ids.spamOnce, ids.later]);
    assert.match(page.text, /Child safety/);
    assert.deepEqual(listed((await moderator.get('/admin/reports?kind=channel')).text), [ids.channel]);
    assert.deepEqual(listed((await moderator.get('/admin/reports?reason=spam')).text), [ids.spamThrice, ids.spamOnce, ids.later]);
    assert.deepEqual(listed((await moderator.get('/admin/reports?kind=video&reason=child_safety')).text), [ids.child]);
    // Keyset pages of 50: 60 more spam items after these.
    for (let i = 0; i < 60; i++) await fileReport(reporters[0]!, 'video', (await createVideo(owner)).id, owner.id, 'other');
    const first = await moderator.get('/admin/reports?reason=other');
    assert.equal(listed(first.text).length, 50);
    const next = /href="(\/admin\/reports\?reason=other&amp;after=[^"]+)"/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(next);
    const second = await moderator.get(next);
    assert.equal(listed(second.text).length, 10);
    assert.equal(new Set([...listed(first.text), ...listed(second.text)]).size, 60);
  });

  it('is for report.handle alone: sign in, 403 for users; bad filters 400, a malformed cursor the first page', async () => {
    const anonymous = await supertest(t.app).get('/admin/reports');
    assert.equal(anonymous.status, 303);
    assert.equal((await (await signedInAgent(t.app, await createUser())).get('/admin/reports')).status, 403);
    for (const q of ['kind=user', 'reason=SPAM', 'reason=toString', 'kind=video&kind=comment', 'reason=spam&reason=hate']) assert.equal((await moderator.get(`/admin/reports?${q}`)).status, 400, q);
    for (const after of ['x', '0-1-1-1', '9-1-1', '9-1-1-0', '%00']) assert.equal((await moderator.get(`/admin/reports?after=${after}`)).status, 200, after);
  });

  it('walks the queue index for the first and a later page (EXPLAIN)', async () => {
    // One connection, so that the settings hold for the EXPLAINs. The table is small here and its
    // statistics follow whatever other tests left in it, so sorting a few rows found by another
    // index can look cheaper: sorts are priced out too, to ask only whether the queue's indexes
    // serve these orders. test/db/report-queue-plans.test.ts checks the plans at 100,000 items.
    const client = await testPool().connect();
    const plan = async (sql: string) => (await client.query(`EXPLAIN ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    await client.query('SET enable_seqscan = off');
    await client.query('SET enable_sort = off');
    try {
      const later = await plan(`SELECT id FROM report_items i WHERE status = 'open' AND (-i.severity, -i.report_count, i.first_reported_at, i.id) > (-5, -2, now(), 1) ORDER BY -i.severity, -i.report_count, i.first_reported_at, i.id LIMIT 51`);
      assert.match(later, /report_items_queue_idx/);
      assert.doesNotMatch(later, /Sort/);
      const kind = await plan(`SELECT id FROM report_items i WHERE status = 'open' AND target_kind = 'video' ORDER BY -i.severity, -i.report_count, i.first_reported_at, i.id LIMIT 51`);
      // Either queue index serves the kind in order (the kind's own, or the whole queue filtered):
      // which one depends on the small table's statistics; at 100,000 items it is the kind's.
      assert.match(kind, /report_items_queue(_kind)?_idx/);
      assert.doesNotMatch(kind, /Sort/);
    } finally {
      await client.query('RESET enable_seqscan');
      await client.query('RESET enable_sort');
      client.release();
    }
  });
});
