import assert from 'node:assert/strict';
import { VIEWER_COLUMNS } from '../../src/db/roles.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

// Every signed-in request reads the viewer with VIEWER_COLUMNS, which asks whether a warning
// waits to be read (issue 13, item 2): that must stay one probe of the partial index of unread
// warnings, whatever the number of warnings read long ago.
describe('the viewer\'s unread-warning check (warnings_unseen_idx)', function () {
  this.timeout(60_000);

  it('is an index probe of the unread warnings, not a scan of everyone\'s', async () => {
    const user = await createUser();
    // 20,000 acknowledged warnings of others, and one unread of this user.
    await testPool().query(`INSERT INTO warnings (user_id, reason, message, seen_at) SELECT $1, 'spam', 'old', now() FROM generate_series(1, 20000)`, [(await createUser()).id]);
    await testPool().query(`INSERT INTO warnings (user_id, reason, message) VALUES ($1, 'spam', 'new')`, [user.id]);
    await testPool().query('ANALYZE warnings');
    const { rows } = await testPool().query(`EXPLAIN (ANALYZE, FORMAT JSON) SELECT ${VIEWER_COLUMNS} FROM users u WHERE u.id = $1`, [user.id]);
    const plan = JSON.stringify(rows[0]['QUERY PLAN']);
    assert.match(plan, /warnings_unseen_idx/);
    assert.doesNotMatch(plan, /"Seq Scan","Parallel Aware":false,"Async Capable":false,"Relation Name":"warnings"/);
    const viewer = await testPool().query(`SELECT ${VIEWER_COLUMNS} FROM users u WHERE u.id = $1`, [user.id]);
    assert.equal(viewer.rows[0].warned, true);
    if (process.env.PLAN_TIMES) console.log(`      viewer query: ${rows[0]['QUERY PLAN'][0]['Execution Time']} ms`);
  });
});
