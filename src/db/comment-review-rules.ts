import type { Queryable } from './pool.js';
import { prepared } from './pool.js';
import type { ReviewRules } from '../comments/review.js';

// A channel's review rules for comments on its videos (comment_review_rules, one row per
// channel at most; no row is no rule). The owner is the key: nothing here reads another's.

// No row: no rule (as NO_RULES in src/comments/review.ts, which imports this module).
const NO_RULES: ReviewRules = { holdLinks: false, holdNewAccounts: false, blockedWords: [] };

interface RulesRow { hold_links: boolean; hold_new_accounts: boolean; blocked_words: string[] }

const toRules = (r: RulesRow | undefined): ReviewRules =>
  r ? { holdLinks: r.hold_links, holdNewAccounts: r.hold_new_accounts, blockedWords: r.blocked_words } : NO_RULES;

/** The channel's rules (its primary key). */
export async function findReviewRules(db: Queryable, ownerId: number): Promise<ReviewRules> {
  const { rows } = await db.query<RulesRow>(prepared(
    'find-review-rules',
    'SELECT hold_links, hold_new_accounts, blocked_words FROM comment_review_rules WHERE owner_id = $1',
    [ownerId],
  ));
  return toRules(rows[0]);
}

/** The channel's new rules, replacing the old (a resubmitted form writes the same again). */
export async function saveReviewRules(db: Queryable, ownerId: number, rules: ReviewRules): Promise<void> {
  await db.query(prepared(
    'save-review-rules',
    `INSERT INTO comment_review_rules (owner_id, hold_links, hold_new_accounts, blocked_words) VALUES ($1, $2, $3, $4)
     ON CONFLICT (owner_id) DO UPDATE SET hold_links = excluded.hold_links, hold_new_accounts = excluded.hold_new_accounts,
       blocked_words = excluded.blocked_words, updated_at = now()`,
    [ownerId, rules.holdLinks, rules.holdNewAccounts, rules.blockedWords],
  ));
}

/**
 * What posting needs to apply the rules: the video owner's rules and when the author's account
 * was made, in one round trip (two primary-key reads).
 */
export async function findPostingReview(db: Queryable, ownerId: number, authorId: number): Promise<{ rules: ReviewRules; authorCreatedAt: Date }> {
  const { rows } = await db.query<RulesRow & { author_created_at: Date; has_rules: boolean }>(prepared(
    'find-posting-review',
    `SELECT u.created_at AS author_created_at, r.owner_id IS NOT NULL AS has_rules, r.hold_links, r.hold_new_accounts, r.blocked_words
     FROM users u LEFT JOIN comment_review_rules r ON r.owner_id = $1 WHERE u.id = $2`,
    [ownerId, authorId],
  ));
  const row = rows[0];
  // The author is the signed-in viewer, whose row exists; were it gone, the insert fails anyway.
  return { rules: row?.has_rules ? toRules(row) : NO_RULES, authorCreatedAt: row?.author_created_at ?? new Date(0) };
}
