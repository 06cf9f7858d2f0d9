/**
 * The rows one playlist move touches, on a catalogue with the seed's playlists:
 *
 *   DATA_DIR=/path/to/seeded/data npx tsx scripts/explain-playlist-move.ts
 *
 * (or DATABASE_URL). Moves the last item of the seed's 5,000-item private playlist to the top,
 * and the same in a 10-item one, through movePlaylistItem, each rolled back (nothing changes),
 * and prints per statement the index, rows read, buffers and time (EXPLAIN (ANALYZE, BUFFERS)),
 * and the rows the move's transaction wrote (pg_stat_xact_user_tables). See playlist-move-rows.ts.
 */
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connect.js';
import { createPool } from '../src/db/pool.js';
import { BIG_PLAYLISTS } from '../src/db/seed-playlists.js';
import { createLogger } from '../src/log.js';
import { findPlaylistOfSize, measureMove, moveRowsTable } from './playlist-move-rows.js';

const SMALL_ITEMS = 10;

const config = loadConfig();
const database = await openDatabase(config, createLogger('warn'));
const pool = createPool(database.url, 2);
try {
  const big = await measureMove(pool, BIG_PLAYLISTS[2].publicId, 'big');
  const small = await measureMove(pool, await findPlaylistOfSize(pool, SMALL_ITEMS), 'small');
  console.log(moveRowsTable([big, small]).join('\n'));
} finally {
  await pool.end();
  await database.stop();
}
