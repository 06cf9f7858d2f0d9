import assert from 'node:assert/strict';
import { withTransaction } from '../../src/db/pool.js';
import { resolveReportsAbout } from '../../src/db/report-resolution.js';
import { saveReport } from '../../src/db/reports.js';
import { REPORT_REASONS, type ReportReason } from '../../src/forms/report.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

const report = (reporter: User, videoId: number, ownerId: number, reason: ReportReason = 'spam') =>
  saveReport(testPool(), { reporterId: reporter.id, kind: 'video', targetId: videoId, targetOwnerId: ownerId, reason, severity: REPORT_REASONS[reason].severity, text: '', videoTimeSeconds: null });

async function itemsOf(videoId: number) {
  const { rows } = await testPool().query(
    `SELECT i.id, i.status, i.report_count, i.action, i.handled_by,
            ARRAY(SELECT r.status FROM reports r WHERE r.item_id = i.id ORDER BY r.id) AS reports
     FROM report_items i WHERE i.target_kind = 'video' AND i.target_id = $1 ORDER BY i.id`,
    [videoId],
  );
  return rows;
}

/** Waits until `pid` waits on a lock, so that the order of the race is the one the test means. */
async function untilBlocked(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await testPool().query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid]);
    if (rows[0]?.wait_event_type === 'Lock') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`backend ${pid} never waited on a lock`);
}

/** Waits until a backend running a statement like `pattern` waits on a lock. */
async function untilWaiting(pattern: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rowCount } = await testPool().query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`, [pattern]);
    if (rowCount) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no statement like ${pattern} waited on a lock`);
}

describe('resolveReportsAbout (src/db/report-resolution.ts)', function () {
  this.timeout(60_000);
  let owner: User;
  let moderator: User;
  let reporters: User[];

  before(async () => {
    owner = await createUser();
    moderator = await createUser({ roles: ['moderator'] });
    reporters = [await createUser(), await createUser(), await createUser()];
  });

  it('resolves the open item and every open report in it, with who, when and the action; 0 when nothing is open', async () => {
    const video = await createVideo(owner);
    for (const r of reporters) await report(r, video.id, owner.id);
    const id = await withTransaction(testPool(), (c) => resolveReportsAbout(c, { kind: 'video', id: video.id }, { status: 'handled', moderatorId: moderator.id, action: 'video.takedown' }));
    assert.ok(id > 0);
    assert.deepEqual((await itemsOf(video.id)).map((i) => [i.id, i.status, i.report_count, i.action, i.handled_by, i.reports]),
      [[id, 'handled', 3, 'video.takedown', moderator.id, ['handled', 'handled', 'handled']]]);
    const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM reports WHERE item_id = $1 AND handled_by = $2 AND handled_at IS NOT NULL`, [id, moderator.id]);
    assert.equal(rows[0].n, 3);
    assert.equal(await withTransaction(testPool(), (c) => resolveReportsAbout(c, { kind: 'video', id: video.id }, { status: 'dismissed', moderatorId: moderator.id, action: 'dismiss' })), 0);
    // The next report of the same thing starts a new item.
    await report(reporters[0]!, video.id, owner.id);
    const items = await itemsOf(video.id);
    assert.deepEqual(items.map((i) => [i.status, i.report_count]), [['handled', 3], ['open', 1]]);
  });

  it('rolls back with the caller: nothing resolved when the action fails', async () => {
    const video = await createVideo(owner);
    await report(reporters[0]!, video.id, owner.id);
    await assert.rejects(withTransaction(testPool(), async (c) => {
      await resolveReportsAbout(c, { kind: 'video', id: video.id }, { status: 'dismissed', moderatorId: moderator.id, action: 'dismiss' });
      throw new Error('the action failed');
    }));
    assert.deepEqual((await itemsOf(video.id)).map((i) => [i.status, i.reports]), [['open', ['open']]]);
  });

  it('a report that arrives while the item is being resolved starts a new open item after it (never lost)', async () => {
    const video = await createVideo(owner);
    await report(reporters[0]!, video.id, owner.id);
    const resolver = await testPool().connect();
    try {
      await resolver.query('BEGIN');
      const id = await resolveReportsAbout(resolver, { kind: 'video', id: video.id }, { status: 'dismissed', moderatorId: moderator.id, action: 'dismiss' });
      assert.ok(id > 0);
      const late = report(reporters[1]!, video.id, owner.id, 'hate');
      // The report waits on the item's row lock (the only one waiting: test files run one at a time).
      await untilWaiting(`%INSERT INTO report_items%`);
      await resolver.query('COMMIT');
      assert.equal(await late, 'created');
    } finally {
      resolver.release();
    }
    const items = await itemsOf(video.id);
    assert.deepEqual(items.map((i) => [i.status, i.report_count, i.reports]), [['dismissed', 1, ['dismissed']], ['open', 1, ['open']]]);
  });

  it('a report that holds the item first is resolved with the group', async () => {
    const video = await createVideo(owner);
    await report(reporters[0]!, video.id, owner.id);
    const itemId = (await itemsOf(video.id))[0].id;
    // A report's transaction as saveReport writes it, held open before its COMMIT.
    const reporter = await testPool().connect();
    const resolverPid = { pid: 0 };
    try {
      await reporter.query('BEGIN');
      await reporter.query(`INSERT INTO report_items (target_kind, target_id, target_owner_id, severity) VALUES ('video', $1, $2, 2)
                            ON CONFLICT (target_kind, target_id) WHERE status = 'open' DO UPDATE SET last_reported_at = now()`, [video.id, owner.id]);
      await reporter.query(`INSERT INTO reports (item_id, reporter_id, target_kind, target_id, reason, severity) VALUES ($1, $2, 'video', $3, 'spam', 2)`, [itemId, reporters[1]!.id, video.id]);
      await reporter.query(`UPDATE report_items SET report_count = report_count + 1 WHERE id = $1`, [itemId]);
      const resolving = withTransaction(testPool(), async (c) => {
        resolverPid.pid = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        return resolveReportsAbout(c, { kind: 'video', id: video.id }, { status: 'handled', moderatorId: moderator.id, action: 'user.warn' });
      });
      while (resolverPid.pid === 0) await new Promise((r) => setTimeout(r, 5));
      await untilBlocked(resolverPid.pid);
      await reporter.query('COMMIT');
      assert.equal(await resolving, itemId);
    } finally {
      reporter.release();
    }
    assert.deepEqual((await itemsOf(video.id)).map((i) => [i.status, i.report_count, i.reports]), [['handled', 2, ['handled', 'handled']]]);
  });

  it('many reports and resolutions at once: no deadlock, no open report in a closed item, counts match', async () => {
    const video = await createVideo(owner);
    const many = [...reporters, ...(await Promise.all(Array.from({ length: 5 }, () => createUser())))];
    const work: Promise<unknown>[] = [];
    for (let round = 0; round < 4; round++) {
      for (const r of many) work.push(report(r, video.id, owner.id, round % 2 ? 'spam' : 'violence'));
      work.push(withTransaction(testPool(), (c) => resolveReportsAbout(c, { kind: 'video', id: video.id }, { status: 'dismissed', moderatorId: moderator.id, action: 'dismiss' })));
    }
    await Promise.all(work);
    const { rows } = await testPool().query(
      `SELECT count(*)::int AS n FROM reports r JOIN report_items i ON i.id = r.item_id
       WHERE r.target_id = $1 AND r.target_kind = 'video' AND r.status <> i.status`,
      [video.id],
    );
    assert.equal(rows[0].n, 0, 'every report has its item\'s status');
    const items = await itemsOf(video.id);
    assert.ok(items.filter((i) => i.status === 'open').length <= 1);
    for (const i of items) assert.equal(i.report_count, i.reports.length, `item ${i.id}`);
    const total = items.reduce((n, i) => n + i.reports.length, 0);
    assert.ok(total >= many.length, 'each reporter\'s reports are all there');
  });
});
