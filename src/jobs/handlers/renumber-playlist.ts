import type PgBoss from 'pg-boss';
import { renumberPlaylist } from '../../db/playlist-order.js';
import type { Pool } from '../../db/pool.js';
import type { Logger } from '../../log.js';

export interface RenumberPlaylistJobData {
  playlistId: number;
}

/**
 * Renumbers a playlist whose moves crowded a gap (src/db/playlist-order.ts). Safe to run twice
 * and after the playlist is deleted: it renumbers only while some gap is still small, under the
 * playlist's row lock, so moves made meanwhile wait for it and keep their order.
 */
export function renumberPlaylistHandler(deps: { pool: Pool; logger: Logger }) {
  return async function handle(jobs: PgBoss.Job<RenumberPlaylistJobData>[]): Promise<void> {
    for (const job of jobs) {
      const started = performance.now();
      const outcome = await renumberPlaylist(deps.pool, job.data.playlistId);
      deps.logger.debug({ playlistId: job.data.playlistId, outcome, ms: Math.round(performance.now() - started) }, 'playlist renumbered');
    }
  };
}
