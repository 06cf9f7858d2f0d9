import assert from 'node:assert/strict';
import { listPeopleWithMailDue } from '../../src/db/notification-mail.js';
import type { Pool, Queryable } from '../../src/db/pool.js';
import { freshDatabase } from '../helpers/database.js';

// The digest run asks every ten minutes who has mail due (src/jobs/handlers/notification-
// digests.ts): that must cost one probe of the partial index of due rows per such person,
// whatever the number of accounts and of notifications already mailed. This builds PEOPLE
// accounts with NOTIFICATIONS mailed notifications and DUE people with mail due, in a database
// of its own; PLAN_TIMES=1 prints the time.
const PEOPLE = 50_000;
const NOTIFICATIONS = 200_000;
const DUE = 300;

describe('the people with mail due, at scale (notifications_email_due_idx)', function () {
  this.timeout(120_000);
  let db: { pool: Pool; drop(): Promise<void> };

  before(async () => {
    db = await freshDatabase();
    await db.pool.query(`INSERT INTO users (handle, display_name, password_hash, email, email_confirmed_at, email_cadence) SELECT 'person' || i, 'Person ' || i, 'x', 'p' || i || '@example.test', now(), CASE i % 3 WHEN 0 THEN 'instant' WHEN 1 THEN 'daily' ELSE 'weekly' END FROM generate_series(1, $1::int) i`, [PEOPLE]);
    await db.pool.query(`INSERT INTO notifications (user_id, kind, email_state) SELECT (SELECT min(id) FROM users) + i % $2, 'new_subscriber', CASE WHEN i % 2 = 0 THEN 'sent' ELSE 'none' END FROM generate_series(1, $1::int) i`, [NOTIFICATIONS, PEOPLE]);
    await db.pool.query(`INSERT INTO notifications (user_id, kind, email_state) SELECT (SELECT min(id) FROM users) + i * 97 % $1, 'comment_reply', 'due' FROM generate_series(1, $2::int) i, generate_series(1, 5)`, [PEOPLE, DUE]);
    await db.pool.query('ANALYZE users; ANALYZE notifications');
  });

  after(async () => {
    await db?.drop();
  });

  it('walks the due rows\' index one person at a time, reading neither all notifications nor all accounts', async () => {
    // The function's own statement, explained: a client that puts EXPLAIN in front of it.
    const plans: { Plan: unknown; 'Execution Time': number }[] = [];
    const explaining: Queryable = {
      query: (async (text: string, values: unknown[]) => {
        const { rows } = await db.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
        plans.push(rows[0]['QUERY PLAN'][0]);
        return { rows: [] };
      }) as never,
    };
    await listPeopleWithMailDue(explaining, 0, new Date(), 200);
    const plan = JSON.stringify(plans[0]!.Plan);
    assert.match(plan, /notifications_email_due_idx/);
    assert.doesNotMatch(plan, /"Node Type":"Seq Scan"[^}]*"Relation Name":"(notifications|users)"/);
    if (process.env.PLAN_TIMES) console.log(`      people with mail due (200 of ${DUE}): ${plans[0]!['Execution Time']} ms`);

    const seen = new Set<number>();
    let after = 0;
    for (;;) {
      const page = await listPeopleWithMailDue(db.pool, after, new Date(), 200);
      for (const p of page) seen.add(p.userId);
      if (page.length < 200) break;
      after = page[page.length - 1]!.userId;
    }
    assert.equal(seen.size, DUE, 'every person with mail due, once');
  });
});
