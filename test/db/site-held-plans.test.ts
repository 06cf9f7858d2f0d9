import assert from 'node:assert/strict';
import type { Pool, Queryable } from '../../src/db/pool.js';
import { countSiteHeldComments, listSiteHeldComments } from '../../src/db/site-held-comments.js';
import { freshDatabase } from '../helpers/database.js';

// /admin/comments/held (issue 13, item 9) must stay quick however many comments the site has:
// it reads the partial index comments_watched_held_idx (migration 1763683202810), which holds
// only the comments waiting for the moderators. This builds COMMENTS comments of which HELD are
// held for a watched word (and as many held by creators' rules, which the page leaves out) in a
// database of its own, and checks the page and its count never scan comments. PLAN_TIMES=1
// prints each one's time.
const COMMENTS = Number(process.env.HELD_PLAN_COMMENTS ?? 100_000);
const HELD = 500;

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; Plans?: PlanNode[] }
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe('comments held for watched words at scale (plans)', function () {
  this.timeout(120_000);
  let db: { pool: Pool; drop(): Promise<void> };

  before(async () => {
    db = await freshDatabase();
    await db.pool.query(`INSERT INTO users (handle, display_name, password_hash) SELECT 'person' || i, 'Person ' || i, 'x' FROM generate_series(1, 100) i`);
    await db.pool.query(
      `INSERT INTO videos (public_id, owner_id, title, visibility, original_key, original_name, original_bytes, duration_seconds, width, height, status)
       SELECT lpad(i::text, 11, 'v'), (SELECT min(id) FROM users) + i % 100, 'Video ' || i, 'public', 'o/' || i, 'f.mp4', 1, 60, 640, 360, 'ready' FROM generate_series(1, 200) i`,
    );
    await db.pool.query(
      `INSERT INTO comments (video_id, author_id, body, held, held_reason)
       SELECT (SELECT min(id) FROM videos) + i % 200, (SELECT min(id) FROM users) + i % 100, 'Comment ' || i,
              i % $2 IN (0, 1),
              CASE i % $2 WHEN 0 THEN 'watched-word' WHEN 1 THEN 'held-mode' END
       FROM generate_series(1, $1::int) i`,
      [COMMENTS, Math.floor(COMMENTS / HELD)],
    );
    await db.pool.query('ANALYZE comments; ANALYZE users; ANALYZE videos');
  });

  after(async () => {
    await db?.drop();
  });

  /** Runs the statements of `act` under EXPLAIN ANALYZE instead; the plan and time of the first. */
  async function explain(act: (spy: Queryable) => Promise<unknown>): Promise<{ plan: PlanNode; ms: number }> {
    let explained: { plan: PlanNode; ms: number } | null = null;
    const spy: Queryable = {
      query: (async (config: string | { text: string; values: unknown[] }, values?: unknown[]) => {
        const text = typeof config === 'string' ? config : config.text;
        const { rows } = await db.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, typeof config === 'string' ? values : config.values);
        const out = rows[0]['QUERY PLAN'][0];
        explained ??= { plan: out.Plan, ms: out['Execution Time'] };
        return { rows: [{ n: 0 }] };
      }) as never,
    };
    await act(spy);
    return explained!;
  }

  const cases: [string, (spy: Queryable) => Promise<unknown>][] = [
    ['the first page', (spy) => listSiteHeldComments(spy, { after: null, limit: 51 })],
    ['a later page', async (spy) => listSiteHeldComments(spy, { after: Number((await db.pool.query(`SELECT id FROM comments WHERE held_reason = 'watched-word' ORDER BY id DESC OFFSET 300 LIMIT 1`)).rows[0].id), limit: 51 })],
    ['the count', (spy) => countSiteHeldComments(spy)],
  ];

  for (const [name, act] of cases) {
    it(`${name}: through comments_watched_held_idx, never a scan of comments`, async () => {
      const { plan, ms } = await explain(act);
      const all = nodes(plan);
      const onComments = all.filter((n) => n['Relation Name'] === 'comments');
      assert.ok(onComments.length > 0 && onComments.every((n) => n['Index Name'] === 'comments_watched_held_idx'), `${name}: ${JSON.stringify(onComments.map((n) => [n['Node Type'], n['Index Name']]))}`);
      const read = onComments.reduce((sum, n) => sum + (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1), 0);
      assert.ok(read <= HELD, `${name}: ${read} comments read`);
      assert.ok(ms < 200, `${name}: ${ms} ms`);
      if (process.env.PLAN_TIMES) console.log(`      ${name}: ${ms.toFixed(2)} ms, ${read} comments read`);
    });
  }
});
