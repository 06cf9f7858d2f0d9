import assert from 'node:assert/strict';
import { OPEN_APPEALS_COUNT_SQL, OPEN_APPEALS_SQL } from '../../src/db/appeals.js';
import { HELD_COUNT_SQL, HELD_VIDEOS_SQL } from '../../src/db/held-uploads.js';
import { testPool } from '../helpers/database.js';

/**
 * The pending-uploads and appeals pages read only what waits: each walks a partial index holding
 * only held videos (videos_held_idx) or undecided appeals (video_takedowns_open_appeals_idx), in
 * the page's order, never the videos or take-downs tables. Seq scans are priced out of reach, as
 * the hot-path plan test does, so the planner shows the index it would use on a large table.
 */
describe('query plans: pending uploads and open appeals', () => {
  async function planOf(text: string, values: unknown[]): Promise<string> {
    const client = await testPool().connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      // The test database is small and its statistics follow what other files left: a sort of the
      // few rows a bitmap finds can look cheaper. Priced out too, to ask whether the index serves the order.
      await client.query('SET LOCAL enable_sort = off');
      await client.query('SET LOCAL enable_bitmapscan = off');
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
      return JSON.stringify(rows[0]['QUERY PLAN']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('lists and counts held videos through videos_held_idx, without sorting', async () => {
    const page = await planOf(HELD_VIDEOS_SQL, [51]);
    assert.match(page, /videos_held_idx/);
    assert.doesNotMatch(page, /"Seq Scan"|"Sort"/);
    assert.match(await planOf(HELD_COUNT_SQL, []), /videos_held_idx/);
  });

  it('lists and counts open appeals through video_takedowns_open_appeals_idx, without sorting', async () => {
    const page = await planOf(OPEN_APPEALS_SQL, [51]);
    assert.match(page, /video_takedowns_open_appeals_idx/);
    assert.doesNotMatch(page, /"Seq Scan"|"Sort"/);
    assert.match(await planOf(OPEN_APPEALS_COUNT_SQL, []), /video_takedowns_open_appeals_idx/);
  });
});
