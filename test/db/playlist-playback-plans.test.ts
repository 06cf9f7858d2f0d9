import assert from 'node:assert/strict';
import { explainQuery, planNodes, rowsRead, type PlanNode } from '../../src/db/explain.js';
import { findPlaybackWindow } from '../../src/db/playlist-playback.js';
import { insertPlaylist } from '../../src/db/playlists.js';
import type { Queryable } from '../../src/db/pool.js';
import { PANEL_AFTER, PANEL_BEFORE } from '../../src/routes/playlist-playback.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

/**
 * Issue 12, item 9: the watch page with ?list= into a 5,000-video playlist within 1.2× of the
 * page without. Its one statement (findPlaybackWindow) must read about the window, not the
 * playlist: each scan of playlist_items stopped by its LIMIT, never a seq scan, in the generic
 * plan the prepared statement settles on as well as in custom ones.
 */
const ITEMS = 5000;

describe('the playback window statement at 5,000 items', function () {
  this.timeout(120_000);
  let publicId: string;
  let target: string;
  let ownerId: number;

  before(async () => {
    const db = testPool();
    const owner = await createUser();
    ownerId = owner.id;
    const template = await createVideo(owner, { title: 'Window template' });
    // 5,000 videos copied from one, in one statement: the plans need the rows, not the files.
    // Private, so that no listing of the other tests in the same run shows them; removed after.
    const { rows: cols } = await db.query(`SELECT column_name FROM information_schema.columns
      WHERE table_name = 'videos' AND is_generated = 'NEVER' AND identity_generation IS NULL AND column_name NOT IN ('id', 'public_id')`);
    const names = cols.map((c) => c.column_name as string).join(', ');
    const copied = cols.map((c) => (c.column_name === 'visibility' ? `'private'` : c.column_name as string)).join(', ');
    await db.query(`INSERT INTO videos (public_id, ${names}) SELECT substr(md5(g::text || random()::text), 1, 11), ${copied}
      FROM videos, generate_series(1, ${ITEMS}) g WHERE id = $1`, [template.id]);
    const made = await insertPlaylist(db, owner.id, { title: 'Five thousand', description: '', privacy: 'public' }, 500);
    if (made === 'limit') throw new Error('limit');
    publicId = made.publicId;
    await db.query(`INSERT INTO playlist_items (playlist_id, video_id, video_public_id, position)
      SELECT p.id, v.id, v.public_id, row_number() OVER (ORDER BY v.id) * 1048576 FROM videos v, playlists p
      WHERE p.public_id = $1 AND v.owner_id = $2 AND v.id <> $3`, [publicId, owner.id, template.id]);
    await db.query(`UPDATE playlists SET item_count = ${ITEMS} WHERE public_id = $1`, [publicId]);
    await db.query('VACUUM ANALYZE playlist_items');
    await db.query('ANALYZE videos');
    const { rows } = await db.query('SELECT video_public_id FROM playlist_items i JOIN playlists p ON p.id = i.playlist_id WHERE p.public_id = $1 ORDER BY position OFFSET 4000 LIMIT 1', [publicId]);
    target = rows[0].video_public_id;
  });

  after(async () => {
    await testPool().query('DELETE FROM playlists WHERE public_id = $1', [publicId]);
    await testPool().query(`DELETE FROM videos WHERE owner_id = $1 AND visibility = 'private'`, [ownerId]);
  });

  /** The statement findPlaybackWindow runs for these values, explained and run. */
  async function explained(index0: number | null, plan: 'custom' | 'generic') {
    let sent: { text: string; values: unknown[] } | null = null;
    const recorder: Queryable = { query: ((config: { text: string; values: unknown[] }) => { sent = config; return testPool().query(config); }) as never };
    const found = await findPlaybackWindow(recorder, publicId, target, index0, null, { before: PANEL_BEFORE, after: PANEL_AFTER });
    assert.equal(found?.window?.items.length, PANEL_BEFORE + PANEL_AFTER + 1);
    const client = await testPool().connect();
    try {
      return (await explainQuery(client, sent!.text, sent!.values, { plan, forbidSeqScan: true, analyze: 'reads' })).plan;
    } finally {
      client.release();
    }
  }

  const itemScans = (plan: PlanNode) => planNodes(plan).filter((n) => n['Relation Name'] === 'playlist_items');

  for (const plan of ['custom', 'generic'] as const) {
    it(`reads about the window with the address's index (${plan} plan)`, async () => {
      const root = await explained(4000, plan);
      const nodes = planNodes(root);
      assert.deepEqual(nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']), [], 'no seq scan');
      const read = itemScans(root).map((n) => rowsRead(n));
      assert.ok(Math.max(...read) <= PANEL_AFTER + 1, `each scan of playlist_items stopped by its LIMIT: ${read.join(', ')}`);
      const total = read.reduce((a, b) => a + b, 0);
      assert.ok(total <= 3 * (PANEL_BEFORE + PANEL_AFTER + 1), `playlist_items rows read in all: ${total}`);
    });
  }

  it('counts the positions below the video only when the address has no index (the documented cost)', async () => {
    const read = itemScans(await explained(null, 'custom')).map((n) => rowsRead(n));
    assert.ok(read.some((n) => n >= 4000 && n <= 4001), `the count reads the 4,000 positions below: ${read.join(', ')}`);
  });
});
