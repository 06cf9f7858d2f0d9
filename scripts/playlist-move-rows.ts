/**
 * What one move of a playlist item costs in rows (issue 12, items 6 and 9): the real
 * movePlaylistItem, moving the last item to the top, run twice and rolled back both times, so
 * the data is left as it was:
 * - once as the site runs it, with pg_stat_xact_user_tables read after its BEGIN and just
 *   before its COMMIT (which becomes a ROLLBACK): the rows it inserted, updated and deleted in
 *   playlist_items and playlists;
 * - once statement by statement under EXPLAIN (ANALYZE, BUFFERS), the statements it ran replayed
 *   in one transaction with their values: the index each reads, the rows it reads and the
 *   buffers it touches.
 * On a 5,000-item playlist beside a 10-item one, the two columns should match: a constant number
 * of rows whatever the size. Used by scripts/explain-playlist-move.ts and the playlists run of
 * `npm run bench`.
 */
import { movePlaylistItem } from '../src/db/playlist-items.js';
import type { Pool, PoolClient } from '../src/db/pool.js';
import { planNodes, rowsRead, type PlanNode } from '../src/db/explain.js';

interface Statement { text: string; values: unknown[] }

interface Written { table: string; inserted: number; updated: number; deleted: number }

interface Explained { text: string; indexes: string[]; rowsRead: number; rowsReturned: number; buffers: number; ms: number }

export interface MoveRows {
  label: string;
  itemCount: number;
  outcome: string;
  written: Written[];
  statements: Explained[];
}

const COUNTERS = `SELECT relname AS table, n_tup_ins::int AS inserted, n_tup_upd::int AS updated, n_tup_del::int AS deleted
  FROM pg_stat_xact_user_tables WHERE relname IN ('playlist_items', 'playlists') ORDER BY relname`;

/**
 * A stand-in for the pool whose one connection records the statements it is asked to run, reads
 * the transaction's row counters instead of committing, and rolls back.
 */
function rollingBackPool(pool: Pool, seen: { statements: Statement[]; written: Written[] }): Pool {
  const connect = async (): Promise<PoolClient> => {
    const client = await pool.connect();
    const original = client.query;
    const release = client.release;
    const run = original.bind(client) as (config: unknown, values?: unknown) => Promise<{ rows: unknown[] }>;
    let baseline: Written[] = [];
    (client as unknown as { query: unknown }).query = async (config: unknown, values?: unknown) => {
      const text = typeof config === 'string' ? config : (config as { text: string }).text;
      // Since Postgres 15 the view also shows earlier transactions' counts that this backend has
      // not yet flushed to the shared statistics: the move's rows are the difference.
      if (text === 'BEGIN') {
        const begun = await run(config, values);
        baseline = (await run(COUNTERS)).rows as Written[];
        return begun;
      }
      if (text === 'COMMIT') {
        seen.written = ((await run(COUNTERS)).rows as Written[]).map((t) => {
          const before = baseline.find((b) => b.table === t.table);
          return { table: t.table, inserted: t.inserted - (before?.inserted ?? 0), updated: t.updated - (before?.updated ?? 0), deleted: t.deleted - (before?.deleted ?? 0) };
        });
        return run('ROLLBACK');
      }
      if (text !== 'BEGIN' && text !== 'ROLLBACK') {
        seen.statements.push({ text, values: (Array.isArray(values) ? values : (config as { values?: unknown[] }).values) ?? [] });
      }
      return run(config, values);
    };
    client.release = (err?: Error | boolean) => {
      client.query = original;
      client.release = release;
      return release.call(client, err);
    };
    return client;
  };
  return { connect } as unknown as Pool;
}

/** The Shared Hit and Read blocks of a node (its children's included, as EXPLAIN counts them). */
function buffers(node: PlanNode): number {
  const n = node as PlanNode & { 'Shared Hit Blocks'?: number; 'Shared Read Blocks'?: number };
  return (n['Shared Hit Blocks'] ?? 0) + (n['Shared Read Blocks'] ?? 0);
}

/** Replays `statements` in one transaction under EXPLAIN (ANALYZE, BUFFERS), then rolls back. */
async function explainAll(pool: Pool, statements: Statement[]): Promise<Explained[]> {
  const client = await pool.connect();
  const explained: Explained[] = [];
  try {
    await client.query('BEGIN');
    for (const s of statements) {
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.text}`, s.values);
      const [{ Plan: plan, 'Execution Time': ms }] = rows[0]!['QUERY PLAN'];
      const nodes = planNodes(plan);
      const scans = nodes.filter((n) => /Scan/.test(n['Node Type']));
      explained.push({
        text: s.text.replace(/\s+/g, ' ').trim(),
        indexes: [...new Set(scans.map((n) => n['Index Name'] ?? `${n['Node Type']} on ${n['Relation Name']}`))],
        rowsRead: scans.reduce((sum, n) => sum + rowsRead(n), 0),
        rowsReturned: plan['Actual Rows'] ?? 0,
        buffers: buffers(plan),
        ms,
      });
    }
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
  return explained;
}

/** Moves the last item of the playlist `publicId` to the top, as its owner, rolled back; its rows written and its statements' plans. */
export async function measureMove(pool: Pool, publicId: string, label: string): Promise<MoveRows> {
  const { rows } = await pool.query<{ id: number; owner_id: number; item_count: number; last: string }>(
    `SELECT p.id, p.owner_id, p.item_count,
            (SELECT i.video_public_id FROM playlist_items i WHERE i.playlist_id = p.id ORDER BY i.position DESC LIMIT 1) AS last
     FROM playlists p WHERE p.public_id = $1`,
    [publicId],
  );
  const playlist = rows[0];
  if (!playlist?.last) throw new Error(`no playlist ${publicId} with items: seed playlists first (npm run seed -- --only playlists)`);
  const seen: { statements: Statement[]; written: Written[] } = { statements: [], written: [] };
  const outcome = await movePlaylistItem(rollingBackPool(pool, seen), playlist.owner_id, playlist.id, playlist.last, 'top');
  return { label, itemCount: playlist.item_count, outcome, written: seen.written, statements: await explainAll(pool, seen.statements) };
}

/** A seeded playlist of exactly `items` items, to set beside the big one. */
export async function findPlaylistOfSize(pool: Pool, items: number): Promise<string> {
  const { rows } = await pool.query<{ public_id: string }>(`SELECT public_id FROM playlists WHERE item_count = $1 ORDER BY id LIMIT 1`, [items]);
  if (!rows[0]) throw new Error(`no playlist of ${items} items: seed playlists first`);
  return rows[0].public_id;
}

const writtenText = (w: Written[]) => w.map((t) => `${t.table}: ${t.inserted} inserted, ${t.updated} updated, ${t.deleted} deleted`).join('; ') || 'nothing';

/** The two moves side by side, as Markdown lines. */
export function moveRowsTable(moves: MoveRows[]): string[] {
  const lines = [
    `| Statement of \`movePlaylistItem\` (last item to the top) | ${moves.map((m) => `${m.itemCount.toLocaleString('en')} items: index, rows read → returned, buffers, ms`).join(' | ')} |`,
    `|---|${moves.map(() => '---').join('|')}|`,
  ];
  const count = Math.max(...moves.map((m) => m.statements.length));
  for (let i = 0; i < count; i++) {
    // A long select list shortened, so that what tells the statements apart (FROM … WHERE … ORDER BY) shows.
    const text = moves.find((m) => m.statements[i])!.statements[i]!.text.replace(/^SELECT (.{40,}?) FROM /, 'SELECT … FROM ');
    const cells = moves.map((m) => {
      const s = m.statements[i];
      return s ? `${s.indexes.join(', ')}; ${s.rowsRead} → ${s.rowsReturned}; ${s.buffers}; ${s.ms.toFixed(2)}` : '–';
    });
    lines.push(`| \`${text.length > 120 ? `${text.slice(0, 120)}…` : text}\` | ${cells.join(' | ')} |`);
  }
  lines.push(`| **Rows written in the move's transaction** (pg_stat_xact_user_tables, from BEGIN to COMMIT) | ${moves.map((m) => writtenText(m.written)).join(' | ')} |`);
  const same = moves.every((m) => writtenText(m.written) === writtenText(moves[0]!.written) && m.statements.length === moves[0]!.statements.length);
  const maxRead = (m: MoveRows) => Math.max(...m.statements.map((s) => s.rowsRead));
  lines.push('', `- Target: the move touches a constant number of rows whatever the playlist's size: ${same ? '**met**' : '**unmet**'} (${moves.map((m) => `${m.itemCount.toLocaleString('en')} items: ${m.statements.length} statements, at most ${maxRead(m)} rows read by one, ${writtenText(m.written)}; outcome ${m.outcome}`).join(' — ')}).`);
  return lines;
}
