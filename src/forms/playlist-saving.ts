import { PUBLIC_ID_PATTERN } from '../routes/public-id.js';
import { field } from './fields.js';

/**
 * One tick of the Save checklist: which of my playlists (`playlist`, its public id) and whether
 * the video should be in it afterwards (`saved`: true or false). The wanted state rather than
 * "toggle", so a resubmitted form or a double click lands where the person meant. 'invalid'
 * for anything else (a 400); a malformed id is left to name nothing (a 404, as in URLs).
 */
export function parseSaveTick(body: unknown): { playlistPublicId: string | null; saved: boolean } | 'invalid' {
  const playlist = field(body, 'playlist');
  const saved = field(body, 'saved');
  if (playlist === '' || (saved !== 'true' && saved !== 'false')) return 'invalid';
  return { playlistPublicId: PUBLIC_ID_PATTERN.test(playlist) ? playlist : null, saved: saved === 'true' };
}
