import assert from 'node:assert/strict';
import { explainQuery, planNodes, rowsRead } from '../../src/db/explain.js';
import { listOpenReportItems, parseQueueCursor, QUEUE_PAGE, type QueueFilter } from '../../src/db/report-queue.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

/**
 * The report queue with 100,000 open items (issue 13, item 11's size) reads about a page of
 * its partial index for the first page, a later page and each filter, with no sort of the
 * open items: the cost of a page does not grow with the queue. Timings print with SHOW_PLANS=1.
 */
const ITEMS = 100_000;
const PAGE = 51;

describe('Query plans of the report queue', function () {
  this.timeout(120_000);
  let ownerId: number;

  before(async () => {
    ownerId = (await createUser()).id;
    // Items without their reports, as only report_items is read: severities, counts and ages spread.
    await testPool().query(
      `INSERT INTO report_items (target_kind, target_id, target_owner_id, severity, report_count, first_reported_at, last_reported_at)
       SELECT (ARRAY['video', 'comment', 'channel'])[1 + i % 3], 1000000000 + i, $1, 1 + (i * 7) % 9, 1 + (i * 13) % 40,
              now() - make_interval(secs => i), now() - make_interval(secs => i / 2)
       FROM generate_series(1, $2) AS i`,
      [ownerId, ITEMS],
    );
    await testPool().query('ANALYZE report_items, users');
  });

  after(async () => {
    await testPool().query('DELETE FROM report_items WHERE target_owner_id = $1 AND target_id > 1000000000', [ownerId]);
  });

  async function assertPageRead(filter: QueueFilter, after: string | null, label: string) {
    const cursor = parseQueueCursor(after);
    const values = [filter.kind, filter.severity, cursor?.severity ?? null, cursor?.count ?? null, cursor?.micros ?? null, cursor?.id ?? null, PAGE];
    const client = await testPool().connect();
    try {
      // The site sends it unnamed: planned with its values each time (custom).
      const explained = await explainQuery(client, QUEUE_PAGE, values, { plan: 'custom', forbidSeqScan: false, analyze: 'reads' });
      const nodes = planNodes(explained.plan);
      if (process.env.SHOW_PLANS) console.log(label, explained.executionMs, 'ms');
      const items = nodes.filter((n) => n['Relation Name'] === 'report_items');
      assert.equal(items.length, 1, label);
      assert.match(items[0]!['Index Name'] ?? '', filter.kind ? /^report_items_queue_(kind_)?idx$/ : /^report_items_queue_idx$/, `${label}: ${items[0]!['Node Type']} ${items[0]!['Index Name']}`);
      const read = rowsRead(items[0]!);
      // The reason filter without a kind may read past other kinds in the kind-less index; a kind and a reason use the kind's.
      assert.ok(read <= PAGE + 1, `${label}: ${read} items read`);
      for (const sort of nodes.filter((n) => n['Node Type'] === 'Sort')) assert.ok((sort['Actual Rows'] ?? 0) <= PAGE, `${label}: sorts ${sort['Actual Rows']} rows`);
    } finally {
      client.release();
    }
  }

  const filters: [string, QueueFilter][] = [
    ['no filter', { kind: null, severity: null }],
    ['kind', { kind: 'comment', severity: null }],
    ['reason', { kind: null, severity: 5 }],
    ['kind and reason', { kind: 'video', severity: 7 }],
  ];

  for (const [label, filter] of filters) {
    it(`reads about a page for the first and a later page (${label})`, async () => {
      await assertPageRead(filter, null, `${label}, first page`);
      const first = await listOpenReportItems(testPool(), filter, { after: null, limit: PAGE });
      assert.equal(first.length, PAGE);
      await assertPageRead(filter, first.at(-1)!.cursor, `${label}, later page`);
      const second = await listOpenReportItems(testPool(), filter, { after: parseQueueCursor(first.at(-1)!.cursor), limit: PAGE });
      assert.equal(new Set([...first, ...second].map((i) => i.id)).size, PAGE * 2, 'no item on both pages');
    });
  }
});
