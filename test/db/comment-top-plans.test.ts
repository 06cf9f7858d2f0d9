import assert from 'node:assert/strict';
import { rankVideoComments } from '../../src/db/comment-ranking.js';
import { listTopRootComments, type TopCursor } from '../../src/db/comment-top-listing.js';
import { explainQuery, planNodes, rowsRead, type PlanNode } from '../../src/db/explain.js';
import type { Queryable } from '../../src/db/pool.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

/**
 * The "Top" listing of a video with 10,000 top-level comments costs what one with none does: the
 * first page and a later page (on the current scores and, after a re-rank, on the previous
 * ones) are range reads of about a page of index rows, with no sort of the video's roots.
 */
const ROOTS = 10_000;
const PAGE = 21;

describe('Query plans of the Top sort of comments', function () {
  this.timeout(120_000);
  let videoId: number;

  before(async () => {
    const owner = await createUser();
    const authors = await Promise.all(Array.from({ length: 20 }, () => createUser()));
    const video = await createVideo(owner);
    videoId = video.id;
    // As a bulk load writes them: counters set directly, then one ranking for the video.
    await testPool().query(
      `INSERT INTO comments (video_id, author_id, body, like_count, dislike_count, reply_count, created_at)
       SELECT $1, ($2::bigint[])[1 + i % 20], 'Comment ' || i, (i * 7919) % 500, (i * 31) % 7, (i * 13) % 5, now() - make_interval(mins => i)
       FROM generate_series(1, $3) AS i`,
      [video.id, authors.map((a) => a.id), ROOTS],
    );
    await rankVideoComments(testPool(), video.id);
    // Statistics as a live site has them (autovacuum's): without them the planner guesses the
    // join with users at a few dozen rows, and a plan for a few dozen reads them all.
    await testPool().query('ANALYZE comments, users, videos');
  });

  /** The statements a call runs, with their values, recorded as it passes them to the pool. */
  async function statementsOf(call: (db: Queryable) => Promise<unknown>): Promise<{ text: string; values: unknown[] }[]> {
    const seen: { text: string; values: unknown[] }[] = [];
    const recording = {
      query: (config: { text: string; values: unknown[] }) => {
        seen.push(config);
        return testPool().query(config);
      },
    } as unknown as Queryable;
    await call(recording);
    return seen;
  }

  async function assertPageRead(statement: { text: string; values: unknown[] }, label: string) {
    const client = await testPool().connect();
    try {
      for (const plan of ['custom', 'generic'] as const) {
        const explained = await explainQuery(client, statement.text, statement.values, { plan, forbidSeqScan: false, analyze: 'reads' });
        const nodes = planNodes(explained.plan);
        if (process.env.SHOW_PLANS) console.log(label, plan, explained.executionMs, 'ms', process.env.SHOW_PLANS === 'full' ? JSON.stringify(explained.plan, ['Node Type', 'Index Name', 'Relation Name', 'Actual Rows', 'Plan Rows', 'Startup Cost', 'Total Cost', 'Plans', 'Join Type', 'Index Cond', 'Filter', 'Sort Key'], 1) : '');
        const comments = nodes.filter((n: PlanNode) => n['Relation Name'] === 'comments');
        assert.ok(comments.length > 0, `${label} (${plan}): reads comments`);
        for (const node of comments) {
          if (process.env.SHOW_PLANS !== 'full') assert.match(node['Node Type'], /^Index Scan/, `${label} (${plan}): ${node['Node Type']}`);
          // comments_pinned_idx: the first page's branch for the pinned comment (one row at most).
          assert.match(node['Index Name'] ?? '', /^comments_(video_(prev_)?top|pinned)_idx$/, `${label} (${plan}): ${node['Index Name']}`);
        }
        const read = comments.reduce((sum, n) => sum + rowsRead(n), 0);
        assert.ok(read <= PAGE + 2, `${label} (${plan}): ${read} comment rows read`);
        // A sort, if any, is of the page's rows only (the two branches of a later page, or the
        // pinned comment and the first page), never of the roots.
        for (const sort of nodes.filter((n) => n['Node Type'] === 'Sort')) assert.ok((sort['Actual Rows'] ?? 0) <= PAGE + 1, `${label} (${plan}): sorts ${sort['Actual Rows']} rows`);
      }
    } finally {
      client.release();
    }
  }

  it('reads about a page of comments_video_top_idx for the first page', async () => {
    let page: Awaited<ReturnType<typeof listTopRootComments>> | null = null;
    const [first] = await statementsOf(async (db) => { page = await listTopRootComments(db, videoId, { after: null, limit: PAGE, viewerId: null, showHeld: false }); });
    assert.equal((page as unknown as { comments: unknown[] }).comments.length, PAGE);
    await assertPageRead(first!, 'first page');
  });

  it('reads about a page after the cursor for a later page, on the current and on the previous scores', async () => {
    const first = await listTopRootComments(testPool(), videoId, { after: null, limit: PAGE, viewerId: null, showHeld: false });
    assert.notEqual(first, 'stale');
    const { epoch, comments } = first as Exclude<typeof first, 'stale'>;
    const last = comments.at(-1)!;
    const cursor: TopCursor = { epoch, score: last.score, id: last.id };
    const onCurrent = await statementsOf((db) => listTopRootComments(db, videoId, { after: cursor, limit: PAGE, viewerId: null, showHeld: false }));
    await assertPageRead(onCurrent[0]!, 'later page');
    await testPool().query('UPDATE comments SET like_count = like_count + (id % 11) WHERE video_id = $1 AND thread_id IS NULL', [videoId]);
    await rankVideoComments(testPool(), videoId);
    await testPool().query('ANALYZE comments, users, videos');
    const onPrevious = await statementsOf((db) => listTopRootComments(db, videoId, { after: cursor, limit: PAGE, viewerId: null, showHeld: false }));
    assert.equal(onPrevious.length, 1, 'one statement when it finds rows');
    await assertPageRead(onPrevious[0]!, 'later page on the previous epoch');
  });
});
