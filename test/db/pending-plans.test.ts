// The list of sign-ups waiting for approval (/admin/users?status=pending) walks the partial index
// users_pending_idx, which holds only them, in the list's order: however many accounts the site
// has, a page reads a page of rows. Seq scans are priced out of reach (the test database is small).
import assert from 'node:assert/strict';
import { listPeople, type PeopleQuery } from '../../src/db/people.js';
import type { Queryable } from '../../src/db/pool.js';
import { testPool } from '../helpers/database.js';
import { createUser } from '../helpers/factories.js';

interface Node { 'Node Type': string; 'Sort Key'?: string[]; 'Index Name'?: string; 'Relation Name'?: string; Plans?: Node[] }

const nodes = (node: Node): Node[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

async function planOf(query: Partial<PeopleQuery>): Promise<Node[]> {
  let sent: { text: string; values: unknown[] } | null = null;
  const recorder = { query: async (text: string, values: unknown[]) => { sent = { text, values }; return { rows: [] }; } } as unknown as Queryable;
  await listPeople(recorder, { search: null, role: null, status: null, after: null, limit: 50, ...query });
  const client = await testPool().connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sent!.text}`, sent!.values);
    return nodes(rows[0]['QUERY PLAN'][0].Plan);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

describe('sign-ups waiting for approval: query plan', () => {
  const made: number[] = [];
  before(async () => {
    for (let i = 0; i < 3; i += 1) {
      const user = await createUser();
      made.push(user.id);
      await testPool().query('UPDATE users SET pending_at = now() WHERE id = $1', [user.id]);
    }
    await testPool().query('ANALYZE users');
  });
  // Other files list people: the accounts made here wait no more.
  after(() => testPool().query('UPDATE users SET pending_at = NULL WHERE id = ANY($1::bigint[])', [made]));

  for (const after of [null, 'm']) {
    it(`reads ${after ? 'a later page' : 'the first page'} of status=pending from users_pending_idx, in its order (no sort)`, async () => {
      const plan = await planOf({ status: 'pending', after });
      const scans = plan.filter((n) => n['Relation Name'] === 'users');
      assert.ok(scans.length > 0 && scans.every((n) => n['Index Name'] === 'users_pending_idx'), JSON.stringify(scans));
      assert.ok(!plan.some((n) => n['Node Type'] === 'Sort' && (n['Sort Key'] ?? []).some((k) => k.includes('handle'))));
    });
  }
});
