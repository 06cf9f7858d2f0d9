import assert from 'node:assert/strict';
import { LIFT_ENDED_BANS_SQL } from '../../src/db/bans.js';
import { testPool } from '../helpers/database.js';

/**
 * The worker's periodic lift of ended bans (src/jobs/handlers/lift-bans.ts) runs on every worker
 * every 30 seconds whatever the size of the site: it must find the due bans through
 * users_ban_end_idx, never by reading the users table. Seq scans are priced out of reach, as the
 * hot-path plan test does, so the planner shows which index it would use on a large table.
 */
describe('query plans: lifting ended bans', () => {
  async function planOf(values: unknown[]): Promise<string> {
    const client = await testPool().connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${LIFT_ENDED_BANS_SQL}`, values);
      return JSON.stringify(rows[0]['QUERY PLAN']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  it('finds the bans due through users_ban_end_idx', async () => {
    const plan = await planOf([new Date(), null]);
    assert.match(plan, /users_ban_end_idx/);
    assert.doesNotMatch(plan, /"Seq Scan"/);
  });

  it('finds one account\'s due ban (the ban notice) through an index, not the whole table', async () => {
    const plan = await planOf([new Date(), 42]);
    assert.match(plan, /users_ban_end_idx|users_pkey/);
    assert.doesNotMatch(plan, /"Seq Scan"/);
  });
});
