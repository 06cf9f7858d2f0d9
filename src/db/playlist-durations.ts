import type { Queryable } from './pool.js';
import { sumPlaylistSeconds } from './playlist-items.js';

/**
 * A playlist's total duration, kept for a minute per web process (issue 12, item 9).
 *
 * The sum reads every item and its video (sumPlaylistSeconds): about 5,000 primary-key look-ups
 * for the largest playlists, 10–100 ms, where the page's 100 items cost 1 ms. The total is kept
 * under the playlist's id and its updated_at, which every change of its items moves, so the
 * owner sees their own change at once; what can lag, by up to KEEP_MS, is a video of the list
 * becoming unavailable (or available again), which changes the total without touching the
 * playlist. The sum counts only videos anyone with the link may watch, the same for every
 * viewer, so one kept total serves all.
 */
const KEEP_MS = 60_000;
/** Enough for the playlists being looked at; the oldest kept goes first past it. */
const MAX_KEPT = 2_000;

const kept = new Map<string, { seconds: number; until: number }>();

export async function playlistSeconds(db: Queryable, playlist: { id: number; updatedAt: Date }): Promise<number> {
  const key = `${playlist.id}:${playlist.updatedAt.getTime()}`;
  const now = Date.now();
  const hit = kept.get(key);
  if (hit && hit.until > now) return hit.seconds;
  const seconds = await sumPlaylistSeconds(db, playlist.id);
  kept.delete(key);
  if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(key, { seconds, until: now + KEEP_MS });
  return seconds;
}
