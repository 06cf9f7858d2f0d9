import { PLAYLIST_PRIVACIES, type PlaylistDetails, type PlaylistPrivacy } from '../db/playlists.js';
import { field, hasForbiddenCharacters, length, result, type FormResult } from './fields.js';

/** Longest title and description, in characters (code points); the database checks the same. */
export const PLAYLIST_TITLE_MAX = 150;
export const PLAYLIST_DESCRIPTION_MAX = 5000;

/**
 * A playlist's details: a title of 1 to 150 characters on one line, a description of up to
 * 5,000 (line breaks kept), and a privacy (private when the field is missing, as the form's
 * default; anything else named is refused).
 */
export function parsePlaylist(body: unknown): FormResult<PlaylistDetails> {
  const title = field(body, 'title').trim();
  const description = field(body, 'description').replace(/\r\n?/g, '\n').trim();
  const privacy = field(body, 'privacy') || 'private';
  const values = { title, description, privacy };
  const errors: Record<string, string> = {};
  if (title === '') errors.title = 'Give the playlist a title.';
  else if (length(title) > PLAYLIST_TITLE_MAX) errors.title = `Use at most ${PLAYLIST_TITLE_MAX} characters.`;
  else if (hasForbiddenCharacters(title) || /[\r\n\t]/.test(title)) errors.title = 'Use text on one line: no control characters.';
  if (length(description) > PLAYLIST_DESCRIPTION_MAX) errors.description = `Use at most ${PLAYLIST_DESCRIPTION_MAX.toLocaleString('en')} characters.`;
  else if (hasForbiddenCharacters(description)) errors.description = 'Use text only: no control characters.';
  if (!PLAYLIST_PRIVACIES.includes(privacy as PlaylistPrivacy)) errors.privacy = 'Choose public, unlisted or private.';
  return result(errors, values, () => ({ title, description, privacy: privacy as PlaylistPrivacy }));
}

/**
 * `?after=` on a playlist page: the last position of the page before and how many items came
 * before it ("<position>_<count>"), so numbering carries on; absent is the first page, anything
 * malformed is 'invalid' (a 400).
 */
export function parsePlaylistCursor(value: unknown): { position: number; before: number } | null | 'invalid' {
  if (value === undefined) return null;
  const match = typeof value === 'string' ? /^(-?\d{1,16})_(\d{1,6})$/.exec(value) : null;
  // `before` numbers the page's items; beyond the most items a playlist may hold (100,000, the
  // config's bound) it is no page's, and its Next link's cursor would not parse.
  if (!match || Number(match[2]) > 100_000) return 'invalid';
  return { position: Number(match[1]), before: Number(match[2]) };
}
