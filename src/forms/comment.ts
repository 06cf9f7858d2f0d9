import { field, hasForbiddenCharacters, length, type FormResult } from './fields.js';

/** Longest comment, in characters (code points); the database checks the same (comments.body). */
export const COMMENT_MAX = 10_000;

/** A comment's text: 1 to 10,000 characters once trimmed, line breaks kept (CR LF read as LF). */
export function parseComment(body: unknown): FormResult<{ body: string }> {
  const text = field(body, 'body').replace(/\r\n?/g, '\n').trim();
  const values = { body: text };
  if (text === '') return { ok: false, errors: { body: 'Write something to post.' }, values };
  if (length(text) > COMMENT_MAX) return { ok: false, errors: { body: `Use at most ${COMMENT_MAX.toLocaleString('en')} characters.` }, values };
  if (hasForbiddenCharacters(text)) return { ok: false, errors: { body: 'Use text only: no control characters.' }, values };
  return { ok: true, value: { body: text } };
}

/** The comment a reply answers (`parent`): absent for a top-level comment, else a comment id. */
export function parseParent(body: unknown): number | null | 'invalid' {
  const parent = field(body, 'parent');
  if (parent === '') return null;
  return /^[1-9]\d{0,15}$/.test(parent) ? Number(parent) : 'invalid';
}
