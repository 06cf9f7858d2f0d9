import { badRequest } from '../http/errors.js';
import { PUBLIC_ID_PATTERN } from '../routes/public-id.js';

/** How a playlist is played, from the watch or embed address (`?list=…&index=…&shuffle=…&loop=1`). */
export interface PlaybackParams {
  /** The playlist's public id. */
  list: string;
  /** The address's 1-based index: where to start when the video is not in the list. */
  index: number | null;
  /** The shuffle's seed: the same seed, the same order. */
  shuffle: string | null;
  loop: boolean;
}

/** Indexes past PLAYLIST_MAX_ITEMS are clamped to the end; six digits bound the number itself. */
const INDEX = /^[1-9][0-9]{0,5}$/;
/** A seed is a short URL-safe word (the links make 11 characters, as public ids). */
export const SHUFFLE_SEED = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The playback parameters of a watch or embed address; null when there is no playlist to play.
 * `list` is never an error: a malformed one names no playlist, like an unknown or a private
 * one, and the page shows without the panel (as YouTube does), so nothing tells them apart.
 * With a list, a malformed `index`, `shuffle` or `loop` (or one given twice) is a 400 that says
 * which; without a list they mean nothing and are ignored.
 */
export function parsePlaybackParams(query: Record<string, unknown>): PlaybackParams | null {
  const list = query.list;
  if (typeof list !== 'string' || !PUBLIC_ID_PATTERN.test(list)) return null;
  const { index, shuffle, loop } = query;
  if (index !== undefined && (typeof index !== 'string' || !INDEX.test(index))) throw badRequest('index= must be a video’s number in the playlist: a whole number from 1.');
  if (shuffle !== undefined && (typeof shuffle !== 'string' || !SHUFFLE_SEED.test(shuffle))) throw badRequest('shuffle= must be a shuffle seed: 1 to 32 letters, digits, - or _.');
  if (loop !== undefined && loop !== '1' && loop !== '0') throw badRequest('loop= must be 1 (loop the playlist) or 0.');
  return { list, index: index === undefined ? null : Number(index), shuffle: shuffle ?? null, loop: loop === '1' };
}
