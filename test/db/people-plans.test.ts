// The people search of /admin/users uses its indexes: a handle's start is a range of
// users_handle_c_idx (which also gives the order and the keyset), an email address's start one of
// users_email_prefix_idx. Seq scans are priced out of reach (the test database is small): one that
// remains would mean no index can serve the query.
import assert from 'node:assert/strict';
import { listPeople, type PeopleQuery } from '../../src/db/people.js';
import type { Queryable } from '../../src/db/pool.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

interface Node { 'Node Type': string; 'Sort Key'?: string[]; 'Index Name'?: string; 'Index Cond'?: string; 'Relation Name'?: string; Plans?: Node[] }

function nodes(node: Node): Node[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

/** The plan of the statement listPeople sends for `query`, planned with its values as the site's is. */
async function planOf(query: Partial<PeopleQuery>): Promise<Node[]> {
  let sent: { text: string; values: unknown[] } | null = null;
  const recorder = { query: async (text: string, values: unknown[]) => { sent = { text, values }; return { rows: [] }; } } as unknown as Queryable;
  await listPeople(recorder, { search: null, role: null, status: null, after: null, limit: 50, ...query });
  const client = await testPool().connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sent!.text}`, sent!.values);
    if (process.env.SHOW_PLANS) console.log(JSON.stringify(rows[0]["QUERY PLAN"][0].Plan, null, 1));
    return nodes(rows[0]["QUERY PLAN"][0].Plan);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('people search: query plans', () => {
  before(async () => {
    for (let i = 0; i < 5; i += 1) await createUser({ email: `plans${i}@example.test` });
    await testPool().query('ANALYZE users');
  });

  const onUsers = (plan: Node[]) => plan.filter((n) => n['Relation Name'] === 'users');
  /** A sort of the people themselves (each person's roles are sorted apart, a handful of rows). */
  const sortsPeople = (plan: Node[]) => plan.some((n) => n['Node Type'] === 'Sort' && (n['Sort Key'] ?? []).some((k) => k.includes('handle')));

  it('reads a handle prefix as a range of users_handle_c_idx, in its order (no sort)', async () => {
    const plan = await planOf({ search: 'plan_x' });
    const scans = onUsers(plan);
    assert.ok(scans.every((n) => n['Index Name'] === 'users_handle_c_idx'), JSON.stringify(scans));
    assert.ok(scans.some((n) => /~>=~|>=/.test(n['Index Cond'] ?? '')), 'the prefix is an index bound');
    assert.ok(!sortsPeople(plan));
  });

  it('pages the whole list by users_handle_c_idx (the keyset is an index bound)', async () => {
    const plan = await planOf({ after: 'm' });
    const scans = onUsers(plan);
    assert.ok(scans.every((n) => n['Index Name'] === 'users_handle_c_idx'), JSON.stringify(scans));
    assert.ok(!sortsPeople(plan));
  });

  it('reads an email prefix as a range of users_email_prefix_idx', async () => {
    const scans = onUsers(await planOf({ search: 'plans1@exa' }));
    assert.ok(scans.length > 0 && scans.every((n) => n['Index Name'] === 'users_email_prefix_idx'), JSON.stringify(scans));
  });
});
