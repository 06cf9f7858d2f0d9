import { commentAddresses } from '../http/html.js';
import type { CommentsMode } from '../db/comments.js';
import { findPostingReview } from '../db/comment-review-rules.js';
import type { Queryable } from '../db/pool.js';

/**
 * Whether a new comment is held for the creator's review (issue 11, item 7): the one rule,
 * used by posting (src/routes/comments.ts). The video's mode decides first ('held' holds all,
 * 'off' never gets here); in 'on', the channel's own rules (comment_review_rules, set in the
 * studio) may hold it. The creator's own comments are never held by those: they are the
 * reviewer. The site's watched words come before all of these (newCommentHoldReason).
 */

/** A channel's review rules; no rules at all is the default. */
export interface ReviewRules {
  /** Hold comments with an address linkifyComment would make into a link. */
  holdLinks: boolean;
  /** Hold comments from accounts younger than NEW_ACCOUNT_MS. */
  holdNewAccounts: boolean;
  /** Words and phrases as `normalizeForMatching` leaves them. */
  blockedWords: string[];
}

export const NO_RULES: ReviewRules = { holdLinks: false, holdNewAccounts: false, blockedWords: [] };

/** An account younger than this is "new" for holdNewAccounts. */
export const NEW_ACCOUNT_MS = 24 * 60 * 60 * 1000;

export type HoldReason = 'held-mode' | 'link' | 'new-account' | 'blocked-word' | 'watched-word';

export interface Posting {
  mode: CommentsMode;
  /** The author is the video's owner (canEditVideo). */
  byOwner: boolean;
  body: string;
  authorCreatedAt: Date;
  rules: ReviewRules;
  now?: Date;
}

/** Why this comment is held, or null when it is published at once. */
export function holdReason(posting: Posting): HoldReason | null {
  if (posting.byOwner || posting.mode === 'off') return null;
  if (posting.mode === 'held') return 'held-mode';
  const { rules } = posting;
  if (rules.holdLinks && commentAddresses(posting.body).length > 0) return 'link';
  if (rules.holdNewAccounts && (posting.now ?? new Date()).getTime() - posting.authorCreatedAt.getTime() < NEW_ACCOUNT_MS) return 'new-account';
  if (containsBlockedWord(posting.body, rules.blockedWords)) return 'blocked-word';
  return null;
}

/**
 * Why a comment about to be posted is held, or null when it is published at once. First the
 * site's watched words (site setting watchedWords, issue 13 item 9): whoever writes it, on any
 * video and whatever its mode, held for the site's moderators ('watched-word'), who alone
 * approve it — the creator included, whose own channel is no exception to the site's rules. Not
 * the moderators' own comments (`siteReviewer`: they would approve them themselves). Then the
 * video's mode, and in 'on' the channel's rules (read only then: the owner's own comments and
 * the other modes need no query).
 */
export async function newCommentHoldReason(db: Queryable, posting: { mode: CommentsMode; ownerId: number; byOwner: boolean; authorId: number; body: string; watchedWords?: readonly string[]; siteReviewer?: boolean }): Promise<HoldReason | null> {
  const { mode, byOwner, body } = posting;
  if (mode !== 'off' && !posting.siteReviewer && containsWatchedWord(body, posting.watchedWords ?? [])) return 'watched-word';
  if (byOwner || mode !== 'on') return holdReason({ mode, byOwner, body, authorCreatedAt: new Date(0), rules: NO_RULES });
  const { rules, authorCreatedAt } = await findPostingReview(db, posting.ownerId, posting.authorId);
  return holdReason({ mode, byOwner, body, authorCreatedAt, rules });
}

/**
 * Whether the text holds one of the site's watched words: the channels' blocked-word matching
 * (whole words, case-insensitive, after normalizeForMatching), the list normalized as channels'
 * lists are when saved (the settings keep words as typed, lower case).
 */
export function containsWatchedWord(text: string, watchedWords: readonly string[]): boolean {
  if (watchedWords.length === 0) return false;
  const words = [...new Set(watchedWords.map(normalizeForMatching).filter((w) => w !== ''))];
  return containsBlockedWord(text, words);
}

/**
 * Held by the site (a watched word), not by the channel: the site's moderators approve it
 * (/admin/comments/held), the creator only removes it if they wish.
 */
export function isHeldForSite(comment: { heldReason: HoldReason | null }): boolean {
  return comment.heldReason === 'watched-word';
}

/** How the studio's inbox names each reason. */
export const HOLD_REASON_LABELS: Record<HoldReason, string> = {
  'held-mode': 'the video holds all comments',
  link: 'it contains a link',
  'new-account': 'its account is less than a day old',
  'blocked-word': 'it contains a blocked word',
  'watched-word': "it contains a word the site's moderators watch; they review it",
};

// Characters that show as nothing (zero-width space and joiners, soft hyphen, variation
// selectors…): dropped before matching, so "b\u200Bad" is "bad".
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * Text as blocked words are compared: NFKC (fullwidth "ｂａｄ", ligatures, circled and
 * mathematical letters become plain ones), invisible characters dropped, lower case, runs of
 * white space as one space. Applied to the list when it is saved and to each comment.
 */
export function normalizeForMatching(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** Letters, marks, digits and connectors make up words; anything else is a boundary. */
const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}\p{Pc}]`;

const matchers = new Map<string, RegExp>();
/** Channels' lists kept compiled at most; past it the store starts again empty. */
const MATCHERS_KEPT = 1000;

/**
 * Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar):
 * an entry wholly in them is found anywhere, as "whole word" has no edge to look for there.
 */
const UNSPACED = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u30FC]+$/u;

/**
 * One regular expression for a whole list: any entry, not touching another word character on
 * either side (whole words, in any script), or anywhere for entries of UNSPACED scripts.
 * Entries are escaped: they are matched as typed, never as patterns.
 */
function matcherFor(words: string[]): RegExp {
  const key = words.join('\n');
  let matcher = matchers.get(key);
  if (!matcher) {
    const escape = (w: string) => w.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
    const spaced = words.filter((w) => !UNSPACED.test(w)).map(escape);
    const unspaced = words.filter((w) => UNSPACED.test(w)).map(escape);
    const alternatives = [
      ...(spaced.length > 0 ? [`(?<!${WORD_CHAR})(?:${spaced.join('|')})(?!${WORD_CHAR})`] : []),
      ...(unspaced.length > 0 ? [`(?:${unspaced.join('|')})`] : []),
    ];
    matcher = new RegExp(alternatives.join('|'), 'u');
    if (matchers.size >= MATCHERS_KEPT) matchers.clear();
    matchers.set(key, matcher);
  }
  return matcher;
}

/** Whether the text holds one of the words (already normalized), case-insensitively, as a whole word. */
export function containsBlockedWord(text: string, words: string[]): boolean {
  if (words.length === 0) return false;
  return matcherFor(words).test(normalizeForMatching(text));
}
