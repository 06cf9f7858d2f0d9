import assert from 'node:assert/strict';
import type pg from 'pg';
import { addVideoToPlaylist, moveOwnPlaylistItem, movePlaylistItem, removeVideoFromPlaylist, type Destination } from '../../src/db/playlist-items.js';
import { CROWDED_GAP, POSITION_GAP, renumberPlaylist, smallestGap } from '../../src/db/playlist-order.js';
import { insertPlaylist } from '../../src/db/playlists.js';
import { renumberPlaylistHandler, type RenumberPlaylistJobData } from '../../src/jobs/handlers/renumber-playlist.js';
import { RENUMBER_PLAYLIST } from '../../src/jobs/queue.js';
import { createLogger } from '../../src/log.js';
import { testPool, testQueue } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

async function newPlaylist(owner: User): Promise<number> {
  const made = await insertPlaylist(testPool(), owner.id, { title: 'Ordered', description: '', privacy: 'private' }, 10_000);
  if (made === 'limit') throw new Error('limit');
  const { rows } = await testPool().query('SELECT id FROM playlists WHERE public_id = $1', [made.publicId]);
  return Number(rows[0].id);
}

/** Item public ids for `count` items of deleted videos, "i000000001"…: the order is what is tested, not the videos. */
const itemId = (i: number) => `i${String(i).padStart(10, '0')}`;

/** `count` items straight in the table, GAP apart (as appended), and the playlist's count. */
async function fill(playlistId: number, count: number): Promise<string[]> {
  await testPool().query(`INSERT INTO playlist_items (playlist_id, video_id, video_public_id, position)
    SELECT $1, NULL, 'i' || lpad(g::text, 10, '0'), g * $2::bigint FROM generate_series(1, $3::int) g`, [playlistId, POSITION_GAP, count]);
  await testPool().query('UPDATE playlists SET item_count = item_count + $2 WHERE id = $1', [playlistId, count]);
  return Array.from({ length: count }, (_, i) => itemId(i + 1));
}

async function order(playlistId: number): Promise<{ ids: string[]; positions: number[] }> {
  const { rows } = await testPool().query('SELECT video_public_id, position FROM playlist_items WHERE playlist_id = $1 ORDER BY position', [playlistId]);
  return { ids: rows.map((r) => r.video_public_id as string), positions: rows.map((r) => Number(r.position)) };
}

/**
 * Rows inserted, updated or deleted per table, and rows read, by `work` in one transaction
 * (committed). pg_stat_xact_user_tables counts this backend's actions not yet sent to the
 * statistics, which may include its last transactions': the difference across `work` is its own.
 */
async function measured<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<{ result: T; written: Record<string, number>; read: Record<string, number> }> {
  const client = await testPool().connect();
  const counts = async () => {
    const { rows } = await client.query<{ relname: string; written: number; read: number }>(`SELECT relid::regclass::text AS relname,
        (n_tup_ins + n_tup_upd + n_tup_del)::int AS written, (seq_tup_read + coalesce(idx_tup_fetch, 0))::int AS read
      FROM pg_stat_xact_user_tables`);
    return new Map(rows.map((r) => [r.relname, r]));
  };
  try {
    await client.query('BEGIN');
    const before = await counts();
    const result = await work(client);
    const after = await counts();
    await client.query('COMMIT');
    const written: Record<string, number> = {};
    const read: Record<string, number> = {};
    for (const [table, now] of after) {
      const was = before.get(table);
      if (now.written - (was?.written ?? 0) > 0) written[table] = now.written - (was?.written ?? 0);
      if (now.read - (was?.read ?? 0) > 0) read[table] = now.read - (was?.read ?? 0);
    }
    return { result, written, read };
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/** The renumbering jobs waiting for a playlist. */
async function queuedRenumbers(playlistId: number): Promise<number> {
  const { rows } = await testPool().query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'`, [RENUMBER_PLAYLIST, String(playlistId)]);
  return rows[0].n;
}

/** A small seeded generator, so that a failing concurrent run can be run again as it was. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('playlist order (src/db/playlist-order.ts)', function () {
  this.timeout(120_000);
  let owner: User;
  const renumberLater = (client: pg.PoolClient, playlistId: number) => testQueue().enqueueRenumberPlaylist(playlistId, client);

  before(async () => {
    owner = await createUser();
  });

  describe('one move writes a constant number of rows', () => {
    it('moves the last item to the top of 5,000 items writing and reading what it does for 10', async () => {
      const measures = [];
      // The large one first: with 10 rows in the whole table the planner would rightly read them all
      // (a sequential scan), which says nothing about a playlist's size.
      for (const size of [5000, 10]) {
        const playlistId = await newPlaylist(owner);
        const ids = await fill(playlistId, size);
        await testPool().query('ANALYZE playlist_items');
        const move = await measured((client) => moveOwnPlaylistItem(client, owner.id, playlistId, ids.at(-1)!, 'top', { renumberLater }));
        assert.equal(move.result.outcome, 'moved');
        assert.deepEqual((await order(playlistId)).ids, [ids.at(-1), ...ids.slice(0, -1)]);
        // The item's row and the playlist's (updated_at); no job (nothing is crowded).
        assert.deepEqual(move.written, { playlist_items: 1, playlists: 1 }, `${size} items`);
        // A handful of index entries: the playlist, the item, the first item, the row updated.
        assert.ok((move.read.playlist_items ?? 0) <= 5, `${size} items: read ${JSON.stringify(move.read)}`);
        const place = await measured((client) => moveOwnPlaylistItem(client, owner.id, playlistId, ids[0]!, { after: ids[size - 2]! }, { renumberLater }));
        assert.equal(place.result.outcome, 'moved');
        assert.deepEqual(place.written, { playlist_items: 1, playlists: 1 }, `${size} items, a placement`);
        measures.push({ move, place });
      }
      assert.deepEqual(measures[0]!.move.written, measures[1]!.move.written);
      // The items read, whatever the playlist's size. (The playlists table is small in the shared
      // test database, so the planner may read it whole: that count follows the other test files.)
      assert.equal(measures[0]!.move.read.playlist_items, measures[1]!.move.read.playlist_items, 'the same items read whatever the size');
      assert.equal(measures[0]!.place.read.playlist_items, measures[1]!.place.read.playlist_items);
    });
  });

  describe('placing (drag and drop)', () => {
    it('puts the item just before or just after another, answering its new neighbours', async () => {
      const playlistId = await newPlaylist(owner);
      const [a, b, c, d, e] = await fill(playlistId, 5) as [string, string, string, string, string];
      const place = (id: string, to: Destination) => testPool().connect().then(async (client) => {
        try {
          await client.query('BEGIN');
          const result = await moveOwnPlaylistItem(client, owner.id, playlistId, id, to);
          await client.query('COMMIT');
          return result;
        } finally {
          client.release();
        }
      });
      assert.deepEqual(await place(e, { before: b }), { outcome: 'moved', previous: a, next: b });
      assert.deepEqual((await order(playlistId)).ids, [a, e, b, c, d]);
      assert.deepEqual(await place(a, { after: d }), { outcome: 'moved', previous: d, next: null });
      assert.deepEqual((await order(playlistId)).ids, [e, b, c, d, a]);
      assert.deepEqual(await place(c, { before: e }), { outcome: 'moved', previous: null, next: e });
      assert.deepEqual((await order(playlistId)).ids, [c, e, b, d, a]);
      // Already there: nothing written, its neighbours told.
      assert.deepEqual(await place(e, { after: c }), { outcome: 'unchanged', previous: c, next: b });
      assert.deepEqual(await place(e, { before: b }), { outcome: 'unchanged', previous: c, next: b });
      assert.equal((await place(e, { before: itemId(99) })).outcome, 'no-neighbour');
      assert.equal((await place(itemId(99), { before: e })).outcome, 'nothing');
      assert.equal(await movePlaylistItem(testPool(), (await createUser()).id, playlistId, e, { before: a }), 'nothing', 'not the owner');
      assert.deepEqual((await order(playlistId)).ids, [c, e, b, d, a]);
    });

    it('moves up, down, top and bottom as places next to a neighbour, and not past the ends', async () => {
      const playlistId = await newPlaylist(owner);
      const [a, b, c] = await fill(playlistId, 3) as [string, string, string];
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, a, 'up'), 'unchanged');
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, a, 'top'), 'unchanged');
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, c, 'down'), 'unchanged');
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, c, 'bottom'), 'unchanged');
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, c, 'up'), 'moved');
      assert.deepEqual((await order(playlistId)).ids, [a, c, b]);
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, a, 'down'), 'moved');
      assert.deepEqual((await order(playlistId)).ids, [c, a, b]);
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, b, 'top'), 'moved');
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, c, 'bottom'), 'moved');
      assert.deepEqual((await order(playlistId)).ids, [b, a, c]);
    });
  });

  describe('renumbering', () => {
    it('queues one background renumbering once a gap is crowded, and renumbers in the move only when no integer is left', async () => {
      const playlistId = await newPlaylist(owner);
      const ids = await fill(playlistId, 40);
      // Drag item after item between the first two: each halves the gap in front of the second.
      let moves = 0;
      while ((await queuedRenumbers(playlistId)) === 0) {
        const moved = await measured((client) => moveOwnPlaylistItem(client, owner.id, playlistId, ids.at(-1 - moves)!, { before: ids[1]! }, { renumberLater }));
        moves += 1;
        if ((await queuedRenumbers(playlistId)) > 0) {
          // The asking move wrote its job's row (in pg-boss's table for the queue) and nothing more.
          const { playlist_items: items, playlists, ...job } = moved.written;
          assert.deepEqual([items, playlists, Object.values(job)], [1, 1, [1]]);
        } else {
          assert.deepEqual(moved.written, { playlist_items: 1, playlists: 1 });
        }
        assert.ok(moves < 20, 'a job is asked for before the gap is used up');
      }
      // Each move halves the gap: the one leaving less than CROWDED_GAP asks.
      assert.equal(moves, Math.log2(POSITION_GAP / CROWDED_GAP) + 1, 'asked once the gap is under CROWDED_GAP');
      // The job has not run: more moves into the gap until it is 1 wide, still one waiting job.
      const more = Math.log2(CROWDED_GAP) - 1;
      for (let i = 0; i < more; i++) assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, ids.at(-1 - moves - i)!, { before: ids[1]! }, { renumberLater }), 'moved');
      assert.equal(await smallestGap(testPool(), playlistId), 1);
      assert.equal(await queuedRenumbers(playlistId), 1, 'one job waits per playlist');
      // No integer left: the move renumbers in its own transaction, its last resort, and is made.
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, ids.at(-1 - moves - more)!, { before: ids[1]! }, { renumberLater }), 'moved');
      assert.equal(await smallestGap(testPool(), playlistId), POSITION_GAP / 2, 'renumbered GAP apart, then halved once');
      const all = moves + more + 1;
      assert.deepEqual((await order(playlistId)).ids, [ids[0]!, ...ids.slice(40 - all).reverse(), ...ids.slice(1, 40 - all)]);
    });

    it('the job renumbers GAP apart in the same order, only while a gap is crowded, and copes with a deleted playlist', async () => {
      const playlistId = await newPlaylist(owner);
      const ids = await fill(playlistId, 30);
      // Squeeze the positions together (as after many moves into one spot).
      await testPool().query('UPDATE playlist_items SET position = position / $2 + 7 WHERE playlist_id = $1', [playlistId, POSITION_GAP]);
      await testPool().connect().then(async (client) => {
        await client.query('BEGIN');
        await testQueue().enqueueRenumberPlaylist(playlistId, client);
        await testQueue().enqueueRenumberPlaylist(playlistId, client);
        await client.query('COMMIT');
        client.release();
      });
      assert.equal(await queuedRenumbers(playlistId), 1);
      // The job as a worker takes it from the queue.
      // (Other tests' playlists' jobs come too: the handler is safe for any, and they are done with.)
      const jobs = await testQueue().boss.fetch<RenumberPlaylistJobData>(RENUMBER_PLAYLIST, { batchSize: 100 });
      assert.equal(jobs.filter((j) => j.data.playlistId === playlistId).length, 1);
      await renumberPlaylistHandler({ pool: testPool(), logger: createLogger('silent') })(jobs);
      await testQueue().boss.complete(RENUMBER_PLAYLIST, jobs.map((j) => j.id));
      const after = await order(playlistId);
      assert.deepEqual(after.ids, ids);
      assert.deepEqual(after.positions, ids.map((_, i) => (i + 1) * POSITION_GAP));
      assert.equal(await renumberPlaylist(testPool(), playlistId), 'roomy', 'a second job finds nothing to do');
      await testPool().query('DELETE FROM playlists WHERE id = $1', [playlistId]);
      assert.equal(await renumberPlaylist(testPool(), playlistId), 'no-playlist');
    });
  });

  describe('two tabs at once', () => {
    it('keeps positions unique, item_count true and every item once under parallel moves, places, adds, removes and renumberings', async () => {
      const playlistId = await newPlaylist(owner);
      const start = await fill(playlistId, 60);
      // Crowded from the start, so renumberings (the job's and the moves' last resort) have work while moves run.
      await testPool().query('UPDATE playlist_items SET position = position / $2 WHERE playlist_id = $1', [playlistId, POSITION_GAP]);
      const videos = await Promise.all(Array.from({ length: 20 }, () => createVideo(owner)));
      const next = random(12);
      const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
      const candidates = [...start, ...videos.map((v) => v.publicId)];
      const added = new Set<string>();
      const removed = new Set<string>();
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 240; i++) {
        const kind = pick(['move', 'move', 'place', 'place', 'add', 'remove', 'renumber'] as const);
        const id = pick(candidates);
        if (kind === 'move') work.push(movePlaylistItem(testPool(), owner.id, playlistId, id, pick(['up', 'down', 'top', 'bottom'] as const), { renumberLater }));
        else if (kind === 'place') {
          const other = pick(candidates);
          if (other !== id) work.push(movePlaylistItem(testPool(), owner.id, playlistId, id, next() < 0.5 ? { before: other } : { after: other }, { renumberLater }));
        } else if (kind === 'add') {
          // Videos are only added, the first items only removed: what must be there is known whatever the interleaving.
          const video = pick(videos);
          work.push(addVideoToPlaylist(testPool(), owner.id, playlistId, video, 5000).then((outcome) => outcome === 'added' && added.add(video.publicId)));
        } else if (kind === 'remove') {
          const gone = pick(start);
          work.push(removeVideoFromPlaylist(testPool(), owner.id, playlistId, gone).then((done) => done && removed.add(gone)));
        } else {
          work.push(renumberPlaylist(testPool(), playlistId));
        }
      }
      await Promise.all(work);
      const { ids, positions } = await order(playlistId);
      const expected = [...start.filter((id) => !removed.has(id)), ...added];
      assert.ok(added.size > 0 && removed.size > 0);
      assert.equal(new Set(positions).size, positions.length, 'positions unique');
      assert.equal(new Set(ids).size, ids.length, 'no item twice');
      assert.deepEqual([...ids].sort(), [...expected].sort(), 'a permutation of the items kept and added');
      const { rows } = await testPool().query('SELECT item_count FROM playlists WHERE id = $1', [playlistId]);
      assert.equal(rows[0].item_count, ids.length, 'item_count equals the rows');
    });
  });

  describe('PLAYLIST_MAX_ITEMS', () => {
    it('refuses the video past the limit writing nothing, lets exactly one of two racing adds take the last place, and still moves when full', async () => {
      const playlistId = await newPlaylist(owner);
      const ids = await fill(playlistId, 4);
      const [x, y] = [await createVideo(owner), await createVideo(owner)];
      const racing = await Promise.all([x, y].map((v) => addVideoToPlaylist(testPool(), owner.id, playlistId, v, 5)));
      assert.deepEqual([...racing].sort(), ['added', 'full']);
      const before = await testPool().query('SELECT item_count, updated_at FROM playlists WHERE id = $1', [playlistId]);
      assert.equal(await addVideoToPlaylist(testPool(), owner.id, playlistId, await createVideo(owner), 5), 'full');
      const after = await testPool().query('SELECT item_count, updated_at FROM playlists WHERE id = $1', [playlistId]);
      assert.deepEqual(after.rows[0], before.rows[0], 'count and "Updated" untouched');
      assert.equal(after.rows[0].item_count, 5);
      assert.equal((await order(playlistId)).ids.length, 5);
      assert.equal(await movePlaylistItem(testPool(), owner.id, playlistId, ids[3]!, 'top'), 'moved', 'a full playlist is still reordered');
    });
  });
});
