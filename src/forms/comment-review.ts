import { normalizeForMatching, type ReviewRules } from '../comments/review.js';
import { field, hasForbiddenCharacters, length, type FormResult } from './fields.js';

/** Most entries in a channel's blocked-words list. */
export const BLOCKED_WORDS_MAX = 500;
/** Longest entry, in characters (code points) once normalized. */
export const BLOCKED_WORD_MAX = 50;
/** The whole box, in characters: 500 entries of 50 and their separators, with room for spaces. */
const BLOCKED_TEXT_MAX = 40_000;

/** A checkbox: sent as "on" (or any value) when ticked, absent when not. */
function ticked(body: unknown, name: string): boolean {
  return field(body, name) !== '';
}

/**
 * The studio's review rules form: two checkboxes and the blocked words, one a line (or separated
 * by commas). Entries are stored as compared (normalizeForMatching), duplicates once, in the
 * order typed. An entry needs a letter, digit or symbol: a lone "." or "-" would hold almost
 * every comment.
 */
export function parseReviewRules(body: unknown): FormResult<ReviewRules> {
  const text = field(body, 'blockedWords').replace(/\r\n?/g, '\n');
  const values = { holdLinks: ticked(body, 'holdLinks') ? 'on' : '', holdNewAccounts: ticked(body, 'holdNewAccounts') ? 'on' : '', blockedWords: text };
  const refuse = (message: string): FormResult<ReviewRules> => ({ ok: false, errors: { blockedWords: message }, values });
  if (length(text) > BLOCKED_TEXT_MAX) return refuse(`List at most ${BLOCKED_WORDS_MAX} words of at most ${BLOCKED_WORD_MAX} characters each.`);
  if (hasForbiddenCharacters(text)) return refuse('Use text only: no control characters.');
  const words: string[] = [];
  for (const entry of text.split(/[\n,]/)) {
    const word = normalizeForMatching(entry);
    if (word === '') continue;
    if (length(word) > BLOCKED_WORD_MAX) return refuse(`“${[...word].slice(0, 20).join('')}…” is too long: use at most ${BLOCKED_WORD_MAX} characters a word.`);
    if (!/[\p{L}\p{N}\p{S}]/u.test(word)) return refuse(`“${word}” has no letter or digit: it would hold almost every comment.`);
    if (!words.includes(word)) words.push(word);
  }
  if (words.length > BLOCKED_WORDS_MAX) return refuse(`List at most ${BLOCKED_WORDS_MAX} words (there are ${words.length}).`);
  return { ok: true, value: { holdLinks: values.holdLinks === 'on', holdNewAccounts: values.holdNewAccounts === 'on', blockedWords: words } };
}
