import { MOVES, type Destination, type MoveTo } from '../db/playlist-order.js';
import { PUBLIC_ID_PATTERN } from '../routes/public-id.js';
import { field } from './fields.js';

/**
 * Where a moved playlist item goes. `to=up|down|top|bottom` (the forms' buttons), or, for
 * drag and drop, exactly one of `before=<video id>` / `after=<video id>`: the item the moved one
 * is dropped just before or after. Anything else is a message for a 400 (no form shows these
 * fields for typing, so there is nothing to show again).
 */
export function parseMoveTo(body: unknown): { ok: true; value: MoveTo } | { ok: false; message: string } {
  const to = field(body, 'to');
  return MOVES.includes(to as MoveTo) ? { ok: true, value: to as MoveTo } : { ok: false, message: 'Move up, down, to the top or to the bottom.' };
}

export function parsePlacement(body: unknown, movedVideoId: string): { ok: true; value: Exclude<Destination, MoveTo> } | { ok: false; message: string } {
  const before = field(body, 'before');
  const after = field(body, 'after');
  if ((before === '') === (after === '')) return { ok: false, message: 'Name one video to place it before or after.' };
  const neighbour = before || after;
  if (!PUBLIC_ID_PATTERN.test(neighbour)) return { ok: false, message: 'That is not the id of a video.' };
  if (neighbour === movedVideoId) return { ok: false, message: 'Place it next to another video, not itself.' };
  return { ok: true, value: before ? { before } : { after } };
}
