/**
 * What the seed's parts (seed.ts, seed-comments.ts, seed-playlists.ts) share about the seeded
 * accounts, `seed-1` … `seed-N`.
 */

/** Seeded accounts by number (seed-k → id), a CTE joined by hash instead of a handle lookup per row. */
export const SEEDED = `seeded AS MATERIALIZED (SELECT id, substr(handle, 6)::bigint AS k FROM users WHERE handle ~ '^seed-[0-9]+$')`;

/**
 * How many accounts apart consecutive ratings of one thing are: a prime with no common factor
 * with `accounts`, so that a thing rated at most `accounts` times is never rated twice by one.
 */
export function ratingStep(accounts: number): number {
  return accounts % 7919 === 0 ? 7907 : 7919;
}
